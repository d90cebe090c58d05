import pytest
from django.urls import reverse

from party_units.models import UnitKind
from party_units.tests.personas import make_member, make_unit

pytestmark = pytest.mark.django_db


def shown(response) -> dict:
    """The units a tree page shows (its roots and the level below), by name."""
    rows = {}
    for root, children in response.context["sections"]:
        rows[root.unit.name] = root
        rows.update({row.unit.name: row for row in children})
    return rows


def test_tree_shows_units_under_the_user_with_member_counts(personas, client_for):
    response = client_for(personas.staff_a).get(reverse("party_units:tree"))
    nodes = shown(response)
    assert set(nodes) == {"Đảng ủy phường A", "Chi bộ A1", "Chi bộ A2"}
    assert nodes["Chi bộ A1"].members == 3
    assert nodes["Đảng ủy phường A"].members == 5 and nodes["Đảng ủy phường A"].units_below == 2


def test_transferred_member_counts_only_in_the_current_cell(personas, client_for):
    import datetime

    from members.models import Membership

    old = Membership.objects.get(member=personas.member_record_a1)
    old.end_date = datetime.date(2024, 6, 30)
    old.save()
    Membership.objects.create(
        member=personas.member_record_a1, unit=personas.cell_a2, start_date=datetime.date(2024, 7, 1)
    )
    response = client_for(personas.staff_a).get(reverse("party_units:tree"))
    nodes = shown(response)
    assert nodes["Chi bộ A1"].members == 2 and nodes["Chi bộ A2"].members == 3


def grow(personas, wards: int, cells: int, members: int) -> None:
    for w in range(wards):
        ward = make_unit(personas.city, f"Phường thêm {w}", UnitKind.COMMITTEE, "Đảng ủy phường", "ĐU")
        for c in range(cells):
            cell = make_unit(ward, f"Chi bộ thêm {w}-{c}")
            for m in range(members):
                make_member(f"Đảng viên {w} {c} {m}", cell)


@pytest.mark.parametrize(("url_name", "bound"), [("home", 9), ("party_units:tree", 10), ("party_units:detail", 10)])
def test_page_query_count_does_not_grow_with_units_or_members(
    personas, client_for, django_assert_max_num_queries, url_name, bound
):
    client = client_for(personas.higher)
    url = reverse(url_name, args=[personas.city.pk]) if url_name.endswith("detail") else reverse(url_name)
    client.get(url)  # warm the session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    grow(personas, wards=3, cells=4, members=3)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200
    assert len(small.captured_queries) <= bound


def test_user_names_are_shown_in_vietnamese_order(personas, client_for):
    personas.staff_a.last_name, personas.staff_a.first_name = "Nguyễn Hải", "An"
    personas.staff_a.save()
    page = client_for(personas.staff_a).get(reverse("home")).content.decode()
    assert "Nguyễn Hải An" in page and "An Nguyễn Hải" not in page
