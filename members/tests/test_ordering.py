"""Vietnamese alphabetical order of rosters: by given name, with Vietnamese collation (Đ after D, Ư after U)."""

import random
import unicodedata

import pytest
from django.db import connection
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


def test_postgres_orders_in_the_database_with_the_icu_collation(postgres_only, cell_with_names):
    qs = Membership.objects.filter(unit=cell_with_names).select_related("member")
    ordered = order_members(qs, "member__")
    assert hasattr(ordered, "query"), "on PostgreSQL the ordering must happen in SQL"
    assert PG_COLLATION in str(ordered.query)
    assert [m.member.full_name for m in ordered if m.member.full_name in EXPECTED] == EXPECTED


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
