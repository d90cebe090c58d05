import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from appraisal.models import PeriodKind
from appraisal.rules import DisciplineLevel, Level, Period
from appraisal.selectors.eligibility import CommentKind, cell_eligibility, member_facts
from members.models import Membership, MembershipKind, MemberStatus, StatusKind
from members.selectors import facts_for_period
from party_units.tests.personas import make_member

from .factories import PDF_BYTES, cycle, document

pytestmark = pytest.mark.django_db
D = datetime.date


def rows_by_name(table):
    return {row.member.full_name: row for row in table.rows}


def status(member, kind, start, end=None, **kw):
    return MemberStatus.objects.create(member=member, kind=kind, start_date=start, end_date=end, **kw)


def transferred(name, old_cell, new_cell, on: datetime.date):
    member = make_member(name, old_cell, start=D(2015, 1, 1))
    Membership.objects.filter(member=member).update(end_date=on - datetime.timedelta(days=1))
    Membership.objects.create(member=member, unit=new_cell, start_date=on)
    return member


# -- facts ---------------------------------------------------------------------------------------------------


def period_facts(member, year=2023):
    period = Period.year(year)
    return member_facts(facts_for_period([member], period.start, period.end)[member.pk])


def test_statuses_become_the_rules_facts(personas):
    member = personas.member_record_a1
    status(member, StatusKind.DISCIPLINED, D(2023, 5, 2), discipline_level="warning", self_detected=True)
    status(member, StatusKind.SICK_LEAVE, D(2023, 2, 1), D(2023, 5, 31), months=Decimal("4"))
    status(member, StatusKind.SUSPENDED, D(2023, 3, 1), D(2023, 4, 1))
    status(member, StatusKind.DISCIPLINED, D(2022, 5, 2), discipline_level="expulsion")  # an earlier year
    facts = period_facts(member)
    assert facts.suspended and not facts.exempted and not facts.maternity_leave
    assert facts.sick_leave_months == Decimal("4")
    (discipline,) = facts.disciplines
    assert discipline.level is DisciplineLevel.WARNING and discipline.decided_on == D(2023, 5, 2)
    assert discipline.self_detected and discipline.duty_related
    assert facts.admitted_on == member.admitted_on and facts.in_political_system


# -- the table -----------------------------------------------------------------------------------------------


def test_every_official_member_reviews_and_is_rated_with_the_form_of_their_post(personas):
    leader = make_member("Đỗ Văn Lãnh", personas.cell_a1, holds_leadership_post=True)
    table = cell_eligibility(personas.cell_a1, cycle(personas.ward_a))
    rows = rows_by_name(table)
    assert set(rows) == {"Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Đỗ Văn Lãnh"}
    assert rows["Trần Thị Bình"].eligibility.reviews and rows["Trần Thị Bình"].eligibility.rated
    assert rows["Trần Thị Bình"].form.code == "02A"
    assert rows[leader.full_name].form.code == "02B"
    assert [c.kind for c in rows["Trần Thị Bình"].comments] == [CommentKind.RESIDENCE]
    assert (table.reviewing, table.rated, table.not_reviewed) == (4, 4, 0)


def test_the_2025_rule_set_swaps_the_form_letters_and_adds_2c(personas):
    make_member("Đỗ Văn Lãnh", personas.cell_a1, holds_leadership_post=True)
    make_member("Hồ Thị Hưu", personas.cell_a1, in_political_system=False)
    rows = rows_by_name(cell_eligibility(personas.cell_a1, cycle(personas.ward_a, year=2025, rule_set="hd43-2025")))
    assert rows["Đỗ Văn Lãnh"].form.code == "2A"
    assert rows["Trần Thị Bình"].form.code == "2B"
    assert rows["Hồ Thị Hưu"].form.code == "2C"


def test_exempted_and_new_members_follow_the_cycles_rule_set(personas):
    exempted = make_member("Phan Văn Miễn", personas.cell_a1)
    status(exempted, StatusKind.EXEMPTED, D(2020, 1, 1))
    make_member("Lý Thị Mới", personas.cell_a1, admitted_on=D(2021, 9, 1), full_member_on=None, start=D(2021, 9, 1))
    rows_2021 = rows_by_name(
        cell_eligibility(personas.cell_a1, cycle(personas.ward_a, year=2021, rule_set="hd21-2019"))
    )
    assert not rows_2021["Phan Văn Miễn"].eligibility.reviews
    assert "miễn công tác" in rows_2021["Phan Văn Miễn"].eligibility.reason
    assert rows_2021["Phan Văn Miễn"].form is None and rows_2021["Phan Văn Miễn"].comments == []
    new = rows_2021["Lý Thị Mới"]
    assert new.eligibility.reviews and not new.eligibility.rated and "chưa đủ 6 tháng" in new.eligibility.reason
    # Admitted in September 2021: in 2023 no longer new.
    rows_2023 = rows_by_name(cell_eligibility(personas.cell_a1, cycle(personas.ward_a)))
    assert rows_2023["Lý Thị Mới"].eligibility.rated


def test_discipline_and_long_sick_leave_cap_the_level_with_their_reason(personas):
    member = personas.member_record_a1
    status(member, StatusKind.DISCIPLINED, D(2023, 5, 2), discipline_level="reprimand")
    sick = make_member("Vương Thị Ốm", personas.cell_a1)
    status(sick, StatusKind.SICK_LEAVE, D(2023, 3, 1), D(2023, 6, 30), months=Decimal("4"))
    rows = rows_by_name(cell_eligibility(personas.cell_a1, cycle(personas.ward_a)))
    (cap,) = rows["Nguyễn Văn An"].caps
    assert cap.max_level is Level.NOT_COMPLETED and "khiển trách" in cap.reason
    (cap,) = rows["Vương Thị Ốm"].caps
    assert cap.max_level is Level.COMPLETED and "Nghỉ ốm" in cap.reason
    # A cycle may turn the unconfirmed 2023 sick-leave rule off.
    rows = rows_by_name(
        cell_eligibility(
            personas.cell_a1,
            cycle(personas.ward_a, year=2024, rule_options={"sick_leave_cap": False}),
        )
    )
    assert rows["Vương Thị Ốm"].caps == []


def test_a_member_transferred_in_after_six_months_needs_the_old_cells_comment(personas):
    transferred("Mai Văn Chuyển", personas.cell_b1, personas.cell_a1, D(2023, 7, 1))
    transferred("Tạ Thị Sớm", personas.cell_b1, personas.cell_a1, D(2023, 6, 15))
    made = cycle(personas.city)
    rows = rows_by_name(cell_eligibility(personas.cell_a1, made))
    late = rows["Mai Văn Chuyển"]
    assert late.joined_note == "Chuyển đến từ Chi bộ B1 ngày 01/07/2023"
    assert [(c.kind, c.unit_id) for c in late.comments] == [
        (CommentKind.OLD_CELL, personas.cell_b1.pk),
        (CommentKind.RESIDENCE, None),
    ]
    early = rows["Tạ Thị Sớm"]
    assert [c.kind for c in early.comments] == [CommentKind.RESIDENCE]
    # The old cell lists them as leavers and knows which comments it owes.
    old = cell_eligibility(personas.cell_b1, made)
    leavers = {row.member.full_name: row for row in old.leavers}
    assert leavers["Mai Văn Chuyển"].comment_required and leavers["Mai Văn Chuyển"].to_unit == "Chi bộ A1"
    assert not leavers["Tạ Thị Sớm"].comment_required
    assert "Mai Văn Chuyển" not in rows_by_name(old)


def test_a_member_in_temporary_activity_needs_the_temporary_cells_comment(personas):
    member = personas.member_record_a1
    Membership.objects.create(
        member=member, unit=personas.cell_b1, kind=MembershipKind.TEMPORARY, start_date=D(2023, 2, 1)
    )
    made = cycle(personas.city)
    row = rows_by_name(cell_eligibility(personas.cell_a1, made))["Nguyễn Văn An"]
    assert [(c.kind, c.unit_id) for c in row.comments] == [
        (CommentKind.TEMPORARY_CELL, personas.cell_b1.pk),
        (CommentKind.RESIDENCE, None),
    ]
    host = cell_eligibility(personas.cell_b1, made)
    assert [(g.member, g.official_unit) for g in host.guests] == [(member, "Chi bộ A1")]
    assert member.full_name not in rows_by_name(host)


def test_a_quarterly_review_asks_no_residence_comment(personas):
    made = cycle(personas.ward_a, period_kind=PeriodKind.QUARTER, quarter=2, year=2025, rule_set="hd43-2025")
    rows = rows_by_name(cell_eligibility(personas.cell_a1, made))
    assert rows["Trần Thị Bình"].comments == []


# -- the page ------------------------------------------------------------------------------------------------


def test_the_secretary_sees_their_cells_part_with_the_eligibility_table(personas, client_for):
    status(personas.member_record_a1, StatusKind.DISCIPLINED, D(2023, 5, 2), discipline_level="warning")
    made = cycle(personas.ward_a, opened=True)
    response = client_for(personas.sec_a1).get(reverse("appraisal:unit_review", args=[made.pk, personas.cell_a1.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Mẫu 02A" in page and "Không hoàn thành nhiệm vụ" in page and "cảnh cáo" in page
    assert "Nhận xét của chi ủy, chi bộ nơi cư trú" in page
    assert not response.context["can_view_cycle"]


@pytest.mark.parametrize(
    ("persona", "status_code"),
    [("sec_a1", 200), ("staff_a", 200), ("higher", 200), ("sec_a2", 404), ("sec_b1", 404), ("member_a1", 404)],
)
def test_a_cells_part_is_for_those_who_see_the_cell(personas, client_for, persona, status_code):
    made = cycle(personas.ward_a, opened=True)
    url = reverse("appraisal:unit_review", args=[made.pk, personas.cell_a1.pk])
    assert client_for(getattr(personas, persona)).get(url).status_code == status_code


def test_a_secretary_does_not_see_the_whole_cycle(personas, client_for):
    made = cycle(personas.ward_a, opened=True)
    assert client_for(personas.sec_a1).get(reverse("appraisal:cycle_detail", args=[made.pk])).status_code == 404
    ward_part = reverse("appraisal:unit_review", args=[made.pk, personas.ward_a.pk])
    assert client_for(personas.sec_a1).get(ward_part).status_code == 404


def test_a_cells_part_is_reached_from_the_higher_cycle_and_shows_the_governing_cycle(personas, client_for):
    city = cycle(personas.city, opened=True)
    ward = cycle(personas.ward_a, parent=city, opened=True)
    response = client_for(personas.sec_a1).get(reverse("appraisal:unit_review", args=[city.pk, personas.cell_a1.pk]))
    assert response.status_code == 200 and response.context["cycle"] == ward


def test_the_secretary_downloads_the_cycles_guidance_but_not_others(personas, client_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    letter = document(personas.ward_a, code="163-CV/ĐU", file=SimpleUploadedFile("cv.pdf", PDF_BYTES))
    other = document(personas.ward_a, code="164-CV/ĐU", file=SimpleUploadedFile("cv2.pdf", PDF_BYTES))
    made = cycle(personas.ward_a, year=2021, rule_set="hd21-2019", opened=True, guidance_documents=[letter])
    client = client_for(personas.sec_a1)
    url = reverse("appraisal:unit_review_document", args=[made.pk, personas.cell_a1.pk, letter.pk])
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF_BYTES
    other_url = reverse("appraisal:unit_review_document", args=[made.pk, personas.cell_a1.pk, other.pk])
    assert client.get(other_url).status_code == 404
    assert client_for(personas.sec_a2).get(url).status_code == 404


def test_the_cells_part_takes_the_same_queries_for_3_or_40_members(personas, client_for):
    made = cycle(personas.ward_a, opened=True)
    client = client_for(personas.sec_a1)
    url = reverse("appraisal:unit_review", args=[made.pk, personas.cell_a1.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    for n in range(37):
        member = make_member(f"Đảng viên thêm {n}", personas.cell_a1)
        status(member, StatusKind.DISCIPLINED, D(2023, 3, 3), discipline_level="reprimand")
        Membership.objects.create(
            member=member, unit=personas.cell_b1, kind=MembershipKind.TEMPORARY, start_date=D(2023, 1, 1)
        )
    with CaptureQueriesContext(connection) as big:
        response = client.get(url)
    assert len(response.context["eligibility"].rows) == 40
    assert len(big.captured_queries) <= len(small.captured_queries) <= 14


def test_a_committees_part_shows_its_units_progress(personas, client_for):
    city = cycle(personas.city, opened=True)
    response = client_for(personas.staff_a).get(reverse("appraisal:unit_review", args=[city.pk, personas.ward_a.pk]))
    assert response.status_code == 200 and response.context["eligibility"] is None
    assert {b.unit.name for b in response.context["progress"].branches} == {
        "Đảng ủy phường A",
        "Chi bộ A1",
        "Chi bộ A2",
    }


def test_the_old_and_the_host_cells_pages_list_the_comments_they_owe(personas, client_for):
    transferred("Mai Văn Chuyển", personas.cell_b1, personas.cell_a1, D(2023, 7, 1))
    Membership.objects.create(
        member=personas.member_record_a1, unit=personas.cell_b1, kind=MembershipKind.TEMPORARY, start_date=D(2023, 2, 1)
    )
    city = cycle(personas.city, opened=True)
    response = client_for(personas.sec_b1).get(reverse("appraisal:unit_review", args=[city.pk, personas.cell_b1.pk]))
    page = response.content.decode()
    assert "Đảng viên chuyển đi trong kỳ" in page and "Mai Văn Chuyển" in page and "30/06/2023" in page
    assert "Đảng viên sinh hoạt tạm thời tại chi bộ" in page and "Nguyễn Văn An" in page and "Chi bộ A1" in page
