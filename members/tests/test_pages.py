"""Roster and member pages: who sees what, forms that change records (audited), constant query counts."""

import datetime
import unicodedata

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEntry
from members.models import Member, Membership, MemberStatus, StatusKind
from party_units.models import UnitKind
from party_units.tests.personas import make_unit

pytestmark = pytest.mark.django_db
D = datetime.date


def names(response) -> list[str]:
    return [line.full_name for line in response.context["lines"]]


def state() -> tuple:
    return (
        list(Member.objects.values().order_by("pk")),
        list(Membership.objects.values().order_by("pk")),
        MemberStatus.objects.count(),
        AuditEntry.objects.count(),
    )


# ---- access -----------------------------------------------------------------------------------------------------


def test_secretary_sees_only_their_cells_roster(personas, client_for):
    client = client_for(personas.sec_a1)
    assert names(client.get(reverse("members:roster", args=[personas.cell_a1.pk]))) == [
        "Nguyễn Văn An",
        "Trần Thị Bình",
        "Lê Văn Cường",
    ]
    assert client.get(reverse("members:roster", args=[personas.cell_a2.pk])).status_code == 404
    assert client.get(reverse("members:roster", args=[personas.ward_a.pk])).status_code == 404


def test_ward_roster_lists_every_cell_of_the_ward(personas, client_for):
    response = client_for(personas.staff_a).get(reverse("members:roster", args=[personas.ward_a.pk]))
    assert len(response.context["lines"]) == 5 and "Chi bộ A2" in response.content.decode()


@pytest.mark.parametrize(
    "user,status",
    [("sec_a1", 200), ("staff_a", 200), ("higher", 200), ("member_a1", 200), ("sec_a2", 404), ("staff_b", 404),
     ("member_b1", 404), ("outsider", 404)],
)  # fmt: skip
def test_who_may_see_a_member(personas, client_for, user, status):
    response = client_for(getattr(personas, user)).get(reverse("members:detail", args=[personas.member_record_a1.pk]))
    assert response.status_code == status


def test_a_member_sees_their_own_record_without_edit_links_or_history(personas, client_for):
    response = client_for(personas.member_a1).get(reverse("members:detail", args=[personas.member_record_a1.pk]))
    html = response.content.decode()
    assert reverse("members:edit", args=[personas.member_record_a1.pk]) not in html
    assert "Lịch sử thay đổi" not in html
    assert "Chưa có kết quả xếp loại nào được ghi nhận." in html


@pytest.mark.parametrize(
    "url_name", ["members:edit", "members:transfer", "members:status_add", "members:temporary_add"]
)
@pytest.mark.parametrize("user,status", [("member_a1", 403), ("sec_a2", 404), ("staff_b", 404), ("outsider", 404)])
def test_wrong_people_cannot_change_a_member(personas, client_for, url_name, user, status):
    client = client_for(getattr(personas, user))
    url = reverse(url_name, args=[personas.member_record_a1.pk])
    before = state()
    assert client.get(url).status_code == status
    data = {"full_name": "Đổi Tên", "to_unit": personas.cell_a2.pk, "on_date": "01/06/2025", "kind": "exempted",
            "start_date": "01/01/2025", "unit": personas.cell_b1.pk}  # fmt: skip
    assert client.post(url, data).status_code == status
    assert state() == before


@pytest.mark.parametrize("user", ["sec_a2", "member_a1", "outsider"])
def test_wrong_people_cannot_add_to_a_cell(personas, client_for, user):
    before = state()
    url = reverse("members:create", args=[personas.cell_a1.pk])
    response = client_for(getattr(personas, user)).post(url, {"full_name": "Lê Văn Lạ", "cell": personas.cell_a1.pk})
    assert response.status_code == 404 and state() == before


def test_secretary_cannot_end_or_delete_another_cells_status(personas, client_for, make):
    other = Member.objects.get(full_name="Phạm Thị Dung")
    status = make.status(other, StatusKind.EXEMPTED, D(2024, 1, 1))
    client = client_for(personas.sec_a1)
    before = state()
    assert client.post(reverse("members:status_end", args=[status.pk]), {"end_date": "01/01/2025"}).status_code == 404
    assert client.post(reverse("members:status_delete", args=[status.pk])).status_code == 404
    assert state() == before


def test_roster_and_export_are_refused_to_a_member_account(personas, client_for):
    client = client_for(personas.member_a1)
    assert client.get(reverse("members:roster", args=[personas.cell_a1.pk])).status_code == 404
    assert client.get(reverse("members:export", args=[personas.cell_a1.pk])).status_code == 404


# ---- forms ------------------------------------------------------------------------------------------------------


def test_secretary_adds_a_member_to_their_cell_and_it_is_audited(personas, client_for):
    client = client_for(personas.sec_a1)
    url = reverse("members:create", args=[personas.cell_a1.pk])
    assert client.get(url).status_code == 200
    data = {
        "cell": personas.cell_a1.pk,
        "start_date": "01/09/2024",
        "full_name": unicodedata.normalize("NFD", "Đoàn Thị Mỹ"),
        "date_of_birth": "12/12/1990",
        "gender": "female",
        "card_number": "93 000 001",
        "admitted_on": "19/05/2020",
        "full_member_on": "19/05/2021",
        "in_political_system": "on",
    }
    response = client.post(url, data)
    member = Member.objects.get(card_number="93000001")
    assert response.status_code == 302 and response.url == reverse("members:detail", args=[member.pk])
    assert member.full_name == "Đoàn Thị Mỹ" and unicodedata.is_normalized("NFC", member.full_name)
    assert member.memberships.get().start_date == D(2024, 9, 1)
    entry = AuditEntry.objects.get(action="member.created")
    assert entry.actor == personas.sec_a1 and entry.after["card_number"] == "93000001"


def test_secretary_cannot_pick_another_cell_when_adding(personas, client_for):
    before = state()
    response = client_for(personas.sec_a1).post(
        reverse("members:create", args=[personas.cell_a1.pk]),
        {
            "cell": personas.cell_a2.pk,
            "start_date": "01/09/2024",
            "full_name": "Lê Văn Lạ",
            "in_political_system": "on",
        },
    )
    assert response.status_code == 200 and "cell" in response.context["form"].errors
    assert state() == before


def test_duplicate_card_in_nfd_or_with_spaces_is_refused(personas, client_for):
    Member.objects.filter(pk=personas.member_record_a1.pk).update(card_number="AB12")
    response = client_for(personas.sec_a1).post(
        reverse("members:create", args=[personas.cell_a1.pk]),
        {
            "cell": personas.cell_a1.pk,
            "start_date": "01/09/2024",
            "full_name": "Lê Văn Lạ",
            "card_number": "ab 12",
            "in_political_system": "on",
        },  # fmt: skip
    )
    assert "Số thẻ đảng viên này đã được cấp cho một đảng viên khác." in response.context["form"].errors["card_number"]


def test_the_same_person_typed_in_nfd_is_refused(personas, client_for):
    Member.objects.filter(pk=personas.member_record_a1.pk).update(date_of_birth=D(1980, 1, 1))
    response = client_for(personas.sec_a1).post(
        reverse("members:create", args=[personas.cell_a1.pk]),
        {
            "cell": personas.cell_a1.pk,
            "start_date": "01/09/2024",
            "in_political_system": "on",
            "full_name": unicodedata.normalize("NFD", "nguyễn văn an"),
            "date_of_birth": "01/01/1980",
        },  # fmt: skip
    )
    assert response.context["form"].errors["full_name"][0].startswith("Đã có một đảng viên cùng họ tên và ngày sinh")


def test_edit_is_audited_with_before_and_after(personas, client_for):
    m = personas.member_record_a1
    response = client_for(personas.sec_a1).post(
        reverse("members:edit", args=[m.pk]),
        {
            "full_name": m.full_name,
            "government_post": "Hiệu phó",
            "party_post": "deputy_secretary",
            "admitted_on": "19/05/2010",
            "full_member_on": "19/05/2011",
            "in_political_system": "on",
        },  # fmt: skip
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="member.updated")
    assert entry.before == {"government_post": "", "party_post": ""}
    assert entry.after == {"government_post": "Hiệu phó", "party_post": "deputy_secretary"}
    page = client_for(personas.sec_a1).get(reverse("members:detail", args=[m.pk])).content.decode()
    assert "Sửa thông tin" in page and "Hiệu phó" in page


def test_formula_like_names_are_refused_by_the_form(personas, client_for):
    response = client_for(personas.sec_a1).post(
        reverse("members:edit", args=[personas.member_record_a1.pk]),
        {"full_name": '=HYPERLINK("x")', "in_political_system": "on"},
    )
    assert response.status_code == 200 and "full_name" in response.context["form"].errors


def test_ward_staff_transfer_within_the_ward_keeps_both_memberships(personas, client_for):
    m = personas.member_record_a1
    response = client_for(personas.staff_a).post(
        reverse("members:transfer", args=[m.pk]), {"to_unit": personas.cell_a2.pk, "on_date": "01/06/2025"}
    )
    assert response.status_code == 302
    history = list(m.memberships.order_by("start_date").values_list("unit_id", "start_date", "end_date"))
    assert history == [(personas.cell_a1.pk, D(2015, 1, 1), D(2025, 5, 31)), (personas.cell_a2.pk, D(2025, 6, 1), None)]
    assert AuditEntry.objects.filter(action="member.transferred").count() == 1
    history = client_for(personas.staff_a).get(reverse("members:detail", args=[m.pk])).context["history"]
    assert history[0].label == "Chuyển sinh hoạt"
    assert ("chi bộ", "Chi bộ A1", "Chi bộ A2") in history[0].changes
    # the old secretary no longer sees the member; the new one does
    assert client_for(personas.sec_a1).get(reverse("members:detail", args=[m.pk])).status_code == 404
    assert client_for(personas.sec_a2).get(reverse("members:detail", args=[m.pk])).status_code == 200


def test_ward_staff_cannot_transfer_out_of_their_ward(personas, client_for):
    before = state()
    response = client_for(personas.staff_a).post(
        reverse("members:transfer", args=[personas.member_record_a1.pk]),
        {"to_unit": personas.cell_b1.pk, "on_date": "01/06/2025"},
    )
    assert response.status_code == 200 and "to_unit" in response.context["form"].errors
    assert state() == before


def test_a_secretary_cannot_transfer_a_member_away(personas, client_for):
    before = state()
    response = client_for(personas.sec_a1).post(
        reverse("members:transfer", args=[personas.member_record_a1.pk]),
        {"to_unit": personas.cell_a2.pk, "on_date": "01/06/2025"},
    )
    assert response.status_code == 200 and "to_unit" in response.context["form"].errors
    assert state() == before


def test_status_form_requires_level_for_discipline_and_months_for_sick_leave(personas, client_for):
    client = client_for(personas.sec_a1)
    url = reverse("members:status_add", args=[personas.member_record_a1.pk])
    errors = client.post(url, {"kind": "disciplined", "start_date": "01/03/2025"}).context["form"].errors
    assert errors["discipline_level"] == ["Cần chọn hình thức kỷ luật."]
    errors = client.post(url, {"kind": "sick_leave", "start_date": "01/03/2025"}).context["form"].errors
    assert errors["months"] == ["Cần ghi số tháng nghỉ ốm."]
    errors = (
        client.post(url, {"kind": "exempted", "start_date": "01/03/2025", "end_date": "01/02/2025"})
        .context["form"]
        .errors
    )
    assert errors["end_date"] == ["Ngày kết thúc không được trước ngày bắt đầu."]
    assert not MemberStatus.objects.exists()
    response = client.post(
        url,
        {
            "kind": "disciplined",
            "start_date": "15/10/2025",
            "discipline_level": "reprimand",
            "decision_ref": "08-QĐ/ĐU",
            "duty_related": "on",
        },  # fmt: skip
    )
    assert response.status_code == 302
    status = MemberStatus.objects.get()
    assert (status.discipline_level, status.decision_ref, status.self_detected) == ("reprimand", "08-QĐ/ĐU", False)
    assert AuditEntry.objects.filter(action="status.added").exists()


def test_ending_and_deleting_a_status_are_audited(personas, client_for, make):
    status = make.status(personas.member_record_a1, StatusKind.SUSPENDED, D(2025, 1, 1))
    client = client_for(personas.sec_a1)
    assert client.post(reverse("members:status_end", args=[status.pk]), {"end_date": "30/06/2025"}).status_code == 302
    status.refresh_from_db()
    assert status.end_date == D(2025, 6, 30)
    assert client.post(reverse("members:status_delete", args=[status.pk])).status_code == 302
    assert not MemberStatus.objects.exists()
    assert list(AuditEntry.objects.order_by("id").values_list("action", flat=True)) == [
        "status.ended",
        "status.deleted",
    ]


def test_temporary_activity_is_recorded_and_ended_without_changing_the_official_cell(personas, client_for):
    m = personas.member_record_a1
    client = client_for(personas.staff_a)
    response = client.post(
        reverse("members:temporary_add", args=[m.pk]), {"unit": personas.cell_a2.pk, "start_date": "01/09/2025"}
    )
    assert response.status_code == 302
    temporary = m.memberships.get(kind="temporary")
    assert m.access_unit == personas.cell_a1
    response = client.post(reverse("members:membership_end", args=[temporary.pk]), {"end_date": "31/10/2025"})
    assert response.status_code == 302
    temporary.refresh_from_db()
    assert temporary.end_date == D(2025, 10, 31)


# ---- roster: filters, search, query counts ----------------------------------------------------------------------


def test_roster_filters_by_status_in_a_year_and_probation(personas, client_for, make):
    roster = reverse("members:roster", args=[personas.ward_a.pk])
    dung = Member.objects.get(full_name="Phạm Thị Dung")
    make.status(dung, StatusKind.EXEMPTED, D(2024, 1, 1), D(2024, 12, 31))
    Member.objects.filter(full_name="Hoàng Văn Em").update(full_member_on=None, admitted_on=D(2025, 9, 1))
    client = client_for(personas.staff_a)
    assert names(client.get(roster, {"tinh_trang": "exempted", "nam": 2024})) == ["Phạm Thị Dung"]
    assert names(client.get(roster, {"tinh_trang": "exempted", "nam": 2025})) == []
    assert names(client.get(roster, {"tinh_trang": "probationary", "nam": 2025})) == ["Hoàng Văn Em"]


def test_roster_search_matches_nfd_and_case(personas, client_for):
    roster = reverse("members:roster", args=[personas.ward_a.pk])
    query = unicodedata.normalize("NFD", "THỊ BÌNH")
    assert names(client_for(personas.staff_a).get(roster, {"q": query})) == ["Trần Thị Bình"]


def test_roster_search_matches_old_and_new_tone_placement(personas, client_for):
    from .factories import member

    member("Nguyễn Thị Thuỷ", personas.cell_a1)  # new-style tone placement as stored
    roster = reverse("members:roster", args=[personas.ward_a.pk])
    assert names(client_for(personas.staff_a).get(roster, {"q": "thủy"})) == ["Nguyễn Thị Thuỷ"]


def grow(personas, cells: int, members: int) -> None:
    from .factories import member, status

    for c in range(cells):
        cell = make_unit(personas.ward_a, f"Chi bộ thêm {c}", UnitKind.CELL)
        for i in range(members):
            m = member(f"Đảng Viên Thêm {c}-{i}", cell)
            status(m, StatusKind.DISCIPLINED, datetime.date.today().replace(month=1, day=2))


@pytest.mark.parametrize(
    "url_name,arg",
    [("members:roster", "ward_a"), ("members:roster", "cell_a1"), ("members:export", "ward_a"),
     ("members:detail", "member_record_a1")],
)  # fmt: skip
def test_page_query_count_does_not_grow(personas, client_for, django_assert_max_num_queries, url_name, arg):
    client = client_for(personas.staff_a)
    url = reverse(url_name, args=[getattr(personas, arg).pk])
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    grow(personas, cells=3, members=4)
    m = personas.member_record_a1
    Membership.objects.filter(member=m).update(end_date=D(2020, 1, 1))
    Membership.objects.create(member=m, unit=personas.cell_a2, start_date=D(2020, 1, 2))
    for i in range(5):
        MemberStatus.objects.create(member=m, kind=StatusKind.SUSPENDED, start_date=D(2021, 1, 1 + i))
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200
    assert len(small.captured_queries) <= 10


def test_unit_page_links_to_its_roster(personas, client_for):
    html = client_for(personas.staff_a).get(reverse("party_units:detail", args=[personas.ward_a.pk])).content.decode()
    assert reverse("members:roster", args=[personas.ward_a.pk]) in html
    assert "Danh sách đảng viên toàn đảng bộ" in html


def test_a_long_roster_is_shown_a_page_at_a_time_keeping_the_filters(personas, client_for, monkeypatch):
    from members import views

    monkeypatch.setattr(views, "ROSTER_PAGE_SIZE", 2)
    client = client_for(personas.staff_a)
    roster = reverse("members:roster", args=[personas.ward_a.pk])
    first = client.get(roster, {"nam": 2025})
    assert first.context["page"].paginator.count == 5 and len(first.context["lines"]) == 2
    assert "5 đảng viên" in first.content.decode()
    assert "nam=2025&amp;trang=2" in first.content.decode()
    pages = [client.get(roster, {"nam": 2025, "trang": n}) for n in (1, 2, 3)]
    shown = [line.full_name for page in pages for line in page.context["lines"]]
    assert shown == ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung", "Hoàng Văn Em"]
    third = pages[2]
    assert ">5</td>" in third.content.decode()  # numbering continues across pages
    assert client.get(roster, {"trang": "x"}).status_code == 200  # a bad page number shows the first page


def test_cell_choices_name_their_committee(personas, client_for):
    page = client_for(personas.higher).get(reverse("members:transfer", args=[personas.member_record_a1.pk]))
    html = page.content.decode()
    assert "Chi bộ A2 – Đảng ủy phường A" in html and "Chi bộ B1 – Đảng ủy phường B" in html
