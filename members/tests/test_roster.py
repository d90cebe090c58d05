"""Rosters page, count and search in the database; statuses are read for the shown rows only."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members.models import StatusKind

pytestmark = pytest.mark.django_db
D = datetime.date


def shown(response) -> list[str]:
    return [line.full_name for line in response.context["lines"]]


@pytest.mark.parametrize(
    "query,found",
    [
        ("duc", ["Lê Văn Dục", "Bùi Minh Đức"]),
        ("DUC", ["Lê Văn Dục", "Bùi Minh Đức"]),
        ("Đức", ["Bùi Minh Đức"]),  # typed with marks: the marks count
        ("hong nhung", ["Dương Thị Hồng Nhung"]),
        ("thi hong", ["Dương Thị Hồng Nhung"]),
        ("thuy", ["Nguyễn Thị Thuỷ"]),
        ("Thủy", ["Nguyễn Thị Thuỷ"]),  # the other tone placement
        ("dang", ["Đặng Văn Hải"]),
    ],
)
def test_search_without_tone_marks_in_one_query(personas, client_for, make, query, found):
    for name in ["Bùi Minh Đức", "Lê Văn Dục", "Dương Thị Hồng Nhung", "Nguyễn Thị Thuỷ"]:
        make.member(name, personas.cell_b1)
    client = client_for(personas.staff_b)
    url = reverse("members:roster", args=[personas.ward_b.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, {"q": query})
    assert shown(response) == found
    selects = [q["sql"] for q in queries.captured_queries if "members_membership" in q["sql"]]
    assert len(selects) == 1  # one query finds the rows (with a count when there is more than a page)


def test_a_page_reads_the_statuses_of_its_rows_only(personas, client_for, make, monkeypatch):
    from members import views

    monkeypatch.setattr(views, "ROSTER_PAGE_SIZE", 2)
    for i in range(6):
        m = make.member(f"Người Thứ {i}", personas.cell_a2)
        make.status(m, StatusKind.EXEMPTED, D(2025, 1, 1))
    client = client_for(personas.staff_a)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("members:roster", args=[personas.ward_a.pk]), {"nam": 2025, "trang": 2})
    assert response.context["page"].paginator.count == 11 and len(response.context["lines"]) == 2
    sql = [q["sql"] for q in queries.captured_queries]
    # counted by the database: the units' stored counts summed, not the memberships
    assert any("SUM(" in s and "official_members" in s for s in sql)
    assert not any("COUNT(" in s and "members_membership" in s for s in sql)
    rows_query = next(s for s in sql if "members_membership" in s and "LIMIT" in s)
    assert "ORDER BY" in rows_query and "sort_key" in rows_query
    status_query = next(s for s in sql if "members_memberstatus" in s and "member_id" in s and " IN (" in s)
    assert status_query.split(" IN (")[1].split(")")[0].count(",") == 1  # two members' statuses, not eleven


def test_the_last_page_of_a_large_roster_is_numbered_and_elided(personas, client_for, make, monkeypatch):
    from members import views

    monkeypatch.setattr(views, "ROSTER_PAGE_SIZE", 1)
    for i in range(20):
        make.member(f"Người Thứ {i:02d}", personas.cell_a2)
    response = client_for(personas.staff_a).get(reverse("members:roster", args=[personas.ward_a.pk]), {"trang": 25})
    html = response.content.decode()
    assert response.context["page"].number == 25 and "…" in html and 'trang=1"' in html
    assert ">25</td>" in html


def test_each_row_is_escaped_and_shows_its_cell_on_a_committees_roster_only(personas, client_for, make):
    make.member('Lê <b>Văn</b> "Tú" & Cộng sự', personas.cell_b1)
    ward = client_for(personas.staff_b).get(reverse("members:roster", args=[personas.ward_b.pk])).content.decode()
    assert "Lê &lt;b&gt;Văn&lt;/b&gt; &quot;Tú&quot; &amp; Cộng sự" in ward and "<b>Văn</b>" not in ward
    row = ward.split("Lê &lt;b&gt;", 1)[1].split("</tr>", 1)[0]
    assert f"<td>{personas.cell_b1.short_name}</td>" in row
    cell = client_for(personas.sec_b1).get(reverse("members:roster", args=[personas.cell_b1.pk])).content.decode()
    row = cell.split("Lê &lt;b&gt;", 1)[1].split("</tr>", 1)[0]
    assert f"<td>{personas.cell_b1.short_name}</td>" not in row


def test_the_kept_rows_follow_every_change_they_show(personas, client_for, make):
    """The rows are kept under a digest of what they show: a status, a rename or another cell's name is a new key,
    so the next page shows it; an unchanged page is the same rows again."""
    m = make.member("Trần Văn Kiên", personas.cell_b1)
    client = client_for(personas.staff_b)
    url = reverse("members:roster", args=[personas.ward_b.pk])

    def row() -> str:
        return client.get(url, {"nam": 2025}).content.decode().split("Trần Văn Kiên", 1)[1].split("</tr>", 1)[0]

    first = row()
    assert "text-bg-warning" not in first and row() == first
    make.status(m, StatusKind.EXEMPTED, D(2025, 3, 1))
    assert 'title="01/03/2025">Miễn công tác và sinh hoạt đảng</span>' in row()
    personas.cell_b1.short_name = "Chi bộ Đổi Tên"
    personas.cell_b1.save()
    assert "<td>Chi bộ Đổi Tên</td>" in row()
