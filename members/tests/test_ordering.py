"""Vietnamese alphabetical order of rosters: by given name, with Vietnamese collation (Đ after D, Ư after U)."""

import random
import unicodedata

import pytest
from django.db import connection
from django.db.models.functions import Collate
from django.urls import reverse

from members.models import Member, Membership
from members.selectors import order_members, roster
from members.text import PG_COLLATION, vi_sort_key

pytestmark = pytest.mark.django_db

EXPECTED = [
    "Nguyễn Văn An",
    "Trần Văn An",
    "Lê Văn Anh",
    "Hoàng Thị Ánh",
    "Nguyễn Thị Ân",
    "Vũ Thị Dung",
    "Trần Đức Dũng",
    "Phạm Thùy Dương",
    "Ngô Văn Đạt",  # a before ă
    "Lê Văn Đặng",
    "Bùi Minh Đức",
    "Lê Thị Uyên",
    "Nguyễn Văn Ương",
    "Lý Thị Yến",
]


@pytest.fixture
def cell_with_names(personas, make):
    shuffled = EXPECTED[:]
    random.Random(3).shuffle(shuffled)
    for i, name in enumerate(shuffled):
        # half typed with a decomposed (NFD) input method: stored NFC, ordered the same
        make.member(unicodedata.normalize("NFD", name) if i % 2 else name, personas.cell_b1)
    return personas.cell_b1


def test_roster_orders_by_given_name_in_vietnamese_collation(cell_with_names):
    names = [row.member.full_name for row in roster(cell_with_names) if row.member.full_name in EXPECTED]
    assert names == EXPECTED


def test_code_point_order_would_be_wrong(cell_with_names):
    # the reason for the collation: plain code point order puts Đ and Ư after every Latin letter
    by_code_point = sorted(EXPECTED, key=lambda n: (n.rsplit(" ", 1)[-1].casefold(), n.casefold()))
    assert by_code_point != EXPECTED


def test_roster_page_shows_the_same_order(personas, client_for, cell_with_names):
    response = client_for(personas.sec_b1).get(reverse("members:roster", args=[cell_with_names.pk]))
    html = response.content.decode()
    positions = [html.index(name) for name in EXPECTED]
    assert positions == sorted(positions)


def test_rosters_order_in_the_database_by_the_stored_sort_key(cell_with_names):
    qs = Membership.objects.filter(unit=cell_with_names).select_related("member")
    ordered = order_members(qs, "member__")
    assert hasattr(ordered, "query"), "the ordering must happen in SQL, on every engine"
    assert "sort_key" in str(ordered.query)
    assert [m.member.full_name for m in ordered if m.member.full_name in EXPECTED] == EXPECTED
    in_cell = Member.objects.filter(memberships__unit=cell_with_names, full_name__in=EXPECTED)
    assert [m.full_name for m in in_cell] == EXPECTED  # the model's default order


def random_names(seed: int, count: int) -> list[str]:
    family = ["Nguyễn", "Trần", "Lê", "Đặng", "Đỗ", "Ưng", "Âu", "Ông", "Ơn", "Y"]
    middle = ["Văn", "Thị", "Thu", "Đức", "Hữu", "Ngọc", "", "Thuỳ"]
    given = ["An", "Anh", "Ánh", "Ăn", "Ân", "Dung", "Dũng", "Dương", "Đạt", "Đặng", "Hà", "Hạ", "Hả", "Hã", "Há",
             "Hằng", "Thủy", "Thuỷ", "Thúy", "Uyên", "Ư", "Ương", "Yến", "Y", "Hoà", "Hòa", "Gia", "Giang", "Ơn", "Ôn",
             "On", "Zoe", "Jean", "Mary-Anne", "O'Neil", "2", "Lê Na"]  # fmt: skip
    rnd = random.Random(seed)
    names = set()
    while len(names) < count:
        parts = [rnd.choice(family), rnd.choice(middle), rnd.choice(given)]
        name = " ".join(p for p in parts if p)
        names.add(name.upper() if rnd.random() < 0.1 else name)
    return sorted(names)


def test_the_stored_sort_key_orders_as_the_python_key(personas, make):
    from members.models import name_key
    from members.text import member_sort_key, sort_key_text

    names = random_names(5, 250)
    keys = {n: name_key(n) for n in names}
    by_tuple = sorted(names, key=lambda n: member_sort_key(keys[n].rsplit(" ", 1)[-1], keys[n]))
    by_text = sorted(names, key=lambda n: sort_key_text(keys[n].rsplit(" ", 1)[-1], keys[n]))
    assert by_text == by_tuple
    assert set(sort_key_text("đặng", "lê văn đặng")) <= set("0123456789abcdef")


def test_postgres_orders_the_stored_keys_as_its_icu_collation_orders_the_names(postgres_only, personas, make):
    """The stored key sorted by PostgreSQL's own (default) collation gives the ICU Vietnamese order of the names."""
    names = random_names(7, 200)
    for name in names:
        make.member(name, personas.cell_b1)
    stored = list(
        Member.objects.filter(full_name__in=names).order_by("sort_key", "id").values_list("full_name", flat=True)
    )
    icu = list(
        Member.objects.filter(full_name__in=names)
        .order_by(Collate("given_name", PG_COLLATION), Collate("name_key", PG_COLLATION), "id")
        .values_list("full_name", flat=True)
    )
    assert stored == icu


def test_the_data_migration_fills_the_keys_of_existing_members(personas):
    import importlib

    from django.apps import apps

    Member.objects.update(sort_key="", search_key="")
    importlib.import_module("members.migrations.0003_member_sort_and_search_keys").fill(apps, None)
    an = Member.objects.get(pk=personas.member_record_a1.pk)
    assert an.search_key == "nguyen van an" and an.sort_key.startswith("10")
    assert [m.full_name for m in Member.objects.filter(memberships__unit=personas.cell_a1)] == [
        "Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường"
    ]  # fmt: skip


def test_python_sort_key_agrees_with_postgres_icu(postgres_only):
    syllables = ["an", "anh", "ánh", "ăn", "ân", "đặng", "dương", "dung", "dũng", "đức", "uyên", "ư", "ương", "ơn",
                 "ôn", "on", "hà", "hạ", "hả", "hã", "há", "hằng", "thủy", "thuỷ", "thúy", "ngọc", "nguyễn", "yến",
                 "y", "hoà", "hòa", "giang", "gia", "a b", "ab"]  # fmt: skip
    rnd = random.Random(11)
    words = sorted({" ".join(rnd.choice(syllables) for _ in range(rnd.randint(1, 3))) for _ in range(300)})
    with connection.cursor() as cursor:
        values = ", ".join(["(%s)"] * len(words))
        cursor.execute(f'SELECT x FROM (VALUES {values}) t(x) ORDER BY x COLLATE "{PG_COLLATION}"', words)  # noqa: S608
        icu = [row[0] for row in cursor.fetchall()]
    assert icu == sorted(words, key=vi_sort_key)


def test_member_model_keys_are_nfc_and_casefolded(make, personas):
    m = make.member(unicodedata.normalize("NFD", "  ĐẶNG   Thị  Hà "), personas.cell_a1)
    m.refresh_from_db()
    assert (m.full_name, m.name_key, m.given_name) == ("ĐẶNG Thị Hà", "đặng thị hà", "hà")
    assert Member.objects.filter(name_key="đặng thị hà").count() == 1
