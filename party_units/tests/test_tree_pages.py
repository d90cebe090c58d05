"""The tree pages show one level at a time with counts computed in the database, and find units by name."""

import pytest
from django.db.models.signals import post_init
from django.urls import reverse

from party_units.models import PartyUnit, UnitKind
from party_units.tests.personas import make_member, make_unit

from .test_pages import grow

pytestmark = pytest.mark.django_db


class UnitsLoaded:
    """Counts the PartyUnit rows a request turns into objects."""

    def __enter__(self):
        self.count = 0
        post_init.connect(self._seen, sender=PartyUnit)
        return self

    def _seen(self, **kwargs):
        self.count += 1

    def __exit__(self, *exc):
        post_init.disconnect(self._seen, sender=PartyUnit)


def test_the_tree_page_shows_the_roots_and_one_level_below(personas, client_for):
    grow(personas, wards=3, cells=4, members=2)
    response = client_for(personas.higher).get(reverse("party_units:tree"))
    ((root, children),) = response.context["sections"]
    assert root.unit == personas.city
    assert root.members == 7 + 3 * 4 * 2 and root.units_below == 5 + 3 + 3 * 4
    assert {row.unit.name for row in children} == {"Đảng ủy phường A", "Đảng ủy phường B"} | {
        f"Phường thêm {w}" for w in range(3)
    }
    grown = next(row for row in children if row.unit.name == "Phường thêm 0")
    assert (grown.units_below, grown.members) == (4, 8)
    page = response.content.decode()
    assert "Chi bộ A1" not in page and "Chi bộ thêm 0-0" not in page  # cells open on their ward's page
    assert reverse("party_units:detail", args=[grown.unit.pk]) in page


def test_a_unit_page_lists_its_direct_units_with_counts(personas, client_for):
    deep = make_unit(personas.cell_a1.parent, "Đảng ủy bộ phận A3", UnitKind.COMMITTEE, "Đảng ủy bộ phận", "ĐU")
    below = make_unit(deep, "Chi bộ A3-1")
    make_member("Ngô Văn Khoa", below)
    response = client_for(personas.staff_a).get(reverse("party_units:detail", args=[personas.ward_a.pk]))
    rows = {row.unit.name: row for row in response.context["rows"]}
    assert set(rows) == {"Chi bộ A1", "Chi bộ A2", "Đảng ủy bộ phận A3"}
    assert (rows["Đảng ủy bộ phận A3"].units_below, rows["Đảng ủy bộ phận A3"].members) == (1, 1)
    assert (rows["Chi bộ A1"].units_below, rows["Chi bộ A1"].members) == (0, 3)
    assert response.context["row"].members == 6
    assert "Chi bộ A3-1" not in response.content.decode()


@pytest.mark.parametrize("url_name", ["home", "party_units:tree", "party_units:detail"])
def test_a_page_loads_only_the_units_it_shows(personas, client_for, url_name):
    grow(personas, wards=3, cells=10, members=1)
    client = client_for(personas.higher)
    url = reverse(url_name, args=[personas.city.pk]) if url_name.endswith("detail") else reverse(url_name)
    client.get(url)
    with UnitsLoaded() as loaded:
        assert client.get(url).status_code == 200
    # the city and its 5 wards (the home page: the city alone), never the 32 cells below them
    assert loaded.count <= (1 if url_name == "home" else 6)


def test_search_ignores_tone_marks_and_case_within_the_users_scope(personas, client_for):
    make_unit(personas.ward_a, "Chi bộ Khu dân cư Quyết Thắng")
    make_unit(personas.ward_b, "Chi bộ Tổ dân phố Quyết Tâm")
    search = reverse("party_units:tree")
    staff_a = client_for(personas.staff_a)
    found = staff_a.get(search, {"q": "quyet thang"}).context["page"].object_list
    assert [u.name for u in found] == ["Chi bộ Khu dân cư Quyết Thắng"]
    assert [u.name for u in staff_a.get(search, {"q": "QUYẾT"}).context["page"].object_list] == [
        "Chi bộ Khu dân cư Quyết Thắng"
    ]  # Quyết Tâm is in ward B: outside this user's scope
    assert list(staff_a.get(search, {"q": "chi bo b1"}).context["page"].object_list) == []
    higher = client_for(personas.higher)
    assert {u.name for u in higher.get(search, {"q": "quyet"}).context["page"].object_list} == {
        "Chi bộ Khu dân cư Quyết Thắng",
        "Chi bộ Tổ dân phố Quyết Tâm",
    }
    assert [u.name for u in higher.get(search, {"q": "dang uy phuong b"}).context["page"].object_list] == [
        "Đảng ủy phường B"
    ]


def test_search_results_are_paginated_in_constant_queries(personas, client_for, django_assert_max_num_queries):
    for i in range(55):
        make_unit(personas.ward_a, f"Chi bộ Tổ dân phố số {i + 1}")
    client = client_for(personas.staff_a)
    url = reverse("party_units:tree")
    client.get(url)
    with django_assert_max_num_queries(7):
        first = client.get(url, {"q": "to dan pho"})
    assert first.context["page"].paginator.count == 55 and len(first.context["page"].object_list) == 50
    second = client.get(url, {"q": "to dan pho", "trang": 2})
    assert len(second.context["page"].object_list) == 5
    assert "trang=2" in first.content.decode()


@pytest.mark.parametrize("persona", ["member_a1", "outsider"])
def test_an_account_without_a_role_cannot_search_units(personas, client_for, persona):
    response = client_for(getattr(personas, persona)).get(reverse("party_units:tree"), {"q": "chi bo"})
    assert response.status_code == 403 and "Chi bộ A1" not in response.content.decode()


def test_a_renamed_unit_is_found_by_its_new_name(personas):
    unit = personas.cell_a2
    unit.name = "Chi bộ Đội Cấn"
    unit.save(update_fields=["name"])
    assert PartyUnit.objects.filter(search_name__contains="doi can").get() == unit
