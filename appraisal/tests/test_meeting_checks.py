"""The checks of a meeting's record (issue 9, item 3): each refused with a Vietnamese message naming the subject
and the column, the rule quoted, and nothing written."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from appraisal.meeting_input import GuestEntry, MeetingInput, SubjectEntry
from appraisal.models import Attendance, Rating, ReviewMeeting
from appraisal.services import meetings as svc
from appraisal.tests import factories as f
from audit.models import AuditEntry
from members.models import DisciplineLevel, MemberStatus, PartyPost, StatusKind
from party_units.tests.personas import make_member

D = datetime.date
E, G, C, N = "htxsnv", "httnv", "htnv", "khtnv"


def setup(personas, *, year=2021, rule_set="hd21-2019", **options):
    cycle = f.cycle(personas.ward_a, year=year, rule_set=rule_set, opened=True, **options)
    return f.review_of(cycle, personas.cell_a1)


def full_input(review, *, held_on=None, level=G, votes=None) -> MeetingInput:
    sheet = svc.meeting_sheet(review)
    data = MeetingInput(held_on=held_on or D(2021, 11, 16))
    for subject in sheet.subjects:
        if subject.rated:
            data.subjects[subject.key] = SubjectEntry(votes=dict(votes or {level: 2}), proposed_level=level)
    return data


def save(personas, review, data):
    return svc.meeting_save(actor=personas.sec_a1, review=review, data=data)


def refused(personas, review, data) -> dict[str, list[str]]:
    before = (ReviewMeeting.objects.count(), Rating.objects.count(), Attendance.objects.count())
    audit = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as exc:
        save(personas, review, data)
    assert (ReviewMeeting.objects.count(), Rating.objects.count(), Attendance.objects.count()) == before
    assert AuditEntry.objects.count() == audit
    return exc.value.message_dict


def key(member, name):
    return f"m{member.pk}-{name}"


@pytest.mark.django_db
def test_a_valid_meeting_is_saved_with_its_subjects(personas):
    review = setup(personas)
    result = save(personas, review, full_input(review))
    assert result.warnings == []
    assert Rating.objects.filter(unit_review=review, proposed_level=G).count() == 4  # 3 members and the cell
    assert Attendance.objects.filter(meeting=result.meeting, present=True).count() == 3
    review.refresh_from_db()
    assert review.state == "in_progress"


@pytest.mark.django_db
def test_tallies_of_one_subject_may_not_exceed_the_members_present(personas):
    review = setup(personas)
    data = full_input(review, votes={E: 2, G: 2})
    errors = refused(personas, review, data)
    message = errors[key(personas.member_record_a1, "votes")][0]
    assert message == ("Nguyễn Văn An – Kết quả biểu quyết: Tổng số phiếu (4) nhiều hơn số đảng viên có mặt (3).")


@pytest.mark.django_db
def test_an_absent_member_lowers_the_number_present_and_needs_a_reason(personas):
    review = setup(personas)
    data = full_input(review, votes={G: 3})
    data.attendance[personas.member_record_a1.pk] = (False, "")
    errors = refused(personas, review, data)
    assert errors[f"a{personas.member_record_a1.pk}-absence_reason"] == [
        "Nguyễn Văn An – Lý do vắng: Đảng viên vắng mặt phải có lý do."
    ]
    assert "nhiều hơn số đảng viên có mặt (2)" in errors[key(personas.member_record_a1, "votes")][0]


@pytest.mark.django_db
def test_no_tally_or_proposal_for_a_member_who_is_not_rated(personas):
    # 2019 guidance: a member admitted less than 6 months before the period's end reviews but is not rated.
    newcomer = make_member("Đỗ Thị Mới", personas.cell_a1, admitted_on=D(2021, 9, 1), full_member_on=None)
    review = setup(personas)
    data = full_input(review)
    data.subjects[f"m{newcomer.pk}"] = SubjectEntry(votes={G: 2}, proposed_level=G)
    errors = refused(personas, review, data)
    (message,) = errors[key(newcomer, "proposed_level")]
    assert message.startswith("Đỗ Thị Mới: Đồng chí không được xếp loại trong kỳ này (Đảng viên mới được kết nạp")
    # Without the values the meeting saves, and the newcomer has no rating.
    del data.subjects[f"m{newcomer.pk}"]
    save(personas, review, data)
    assert not Rating.objects.filter(member=newcomer).exists()


@pytest.mark.django_db
def test_a_disciplined_member_cannot_be_proposed_above_not_completed_and_the_rule_is_quoted(personas):
    MemberStatus.objects.create(
        member=personas.member_record_a1,
        kind=StatusKind.DISCIPLINED,
        start_date=D(2021, 6, 1),
        discipline_level=DisciplineLevel.REPRIMAND,
    )
    review = setup(personas)
    errors = refused(personas, review, full_input(review))
    (message,) = errors[key(personas.member_record_a1, "proposed_level")]
    assert message == (
        "Nguyễn Văn An – Chi bộ đề nghị xếp loại: Không thể đề nghị «Hoàn thành tốt nhiệm vụ»: Bị thi hành kỷ luật "
        "(khiển trách) trong năm đánh giá — mức cao nhất là «Không hoàn thành nhiệm vụ»."
    )
    data = full_input(review)
    data.subjects[f"m{personas.member_record_a1.pk}"] = SubjectEntry(votes={N: 3}, proposed_level=N)
    save(personas, review, data)
    assert Rating.objects.get(member=personas.member_record_a1).proposed_level == N


@pytest.mark.django_db
def test_long_sick_leave_caps_at_completed_in_2021_but_not_in_2025(personas):
    MemberStatus.objects.create(
        member=personas.member_record_a1,
        kind=StatusKind.SICK_LEAVE,
        start_date=D(2021, 2, 1),
        end_date=D(2021, 5, 31),
        months=Decimal("4"),
    )
    review = setup(personas)
    errors = refused(personas, review, full_input(review))
    assert "Nghỉ ốm từ 3 tháng trở lên trong năm" in errors[key(personas.member_record_a1, "proposed_level")][0]

    MemberStatus.objects.create(
        member=personas.member_record_a1,
        kind=StatusKind.SICK_LEAVE,
        start_date=D(2025, 2, 1),
        end_date=D(2025, 5, 31),
        months=Decimal("4"),
    )
    review_2025 = setup(personas, year=2025, rule_set="hd43-2025")
    save(personas, review_2025, full_input(review_2025, held_on=D(2025, 11, 20)))
    assert Rating.objects.get(unit_review=review_2025, member=personas.member_record_a1).proposed_level == G


def scored(data, member, level, **values):
    entry = data.subjects[f"m{member.pk}"]
    entry.proposed_level = level
    entry.votes = {level: 2}
    entry.assessment = {k: Decimal(str(v)) if k in ("general", "tasks") else v for k, v in values.items()}
    return entry


@pytest.mark.django_db
def test_2025_hard_conditions_refuse_excellent_with_the_unmet_condition_quoted(personas):
    review = setup(personas, year=2025, rule_set="hd43-2025")
    data = full_input(review, held_on=D(2025, 11, 20))
    scored(data, personas.member_record_a1, E, general=29, tasks=65, tasks_total=10, tasks_done=10, tasks_on_time=9)
    errors = refused(personas, review, data)
    (message,) = errors[key(personas.member_record_a1, "proposed_level")]
    assert "Không thể đề nghị «Hoàn thành xuất sắc nhiệm vụ»" in message
    assert "chưa hoàn thành 100% nhiệm vụ đúng tiến độ" in message
    assert message.endswith("mức cao nhất là «Hoàn thành nhiệm vụ».")


@pytest.mark.django_db
def test_2025_completed_despite_a_missed_condition_needs_its_ground_recorded(personas):
    review = setup(personas, year=2025, rule_set="hd43-2025")
    data = full_input(review, held_on=D(2025, 11, 20))
    # 60 points, one task of twenty unfinished: the conditions of "completed" are missed.
    entry = scored(data, personas.member_record_a1, C, general=20, tasks=40, tasks_total=20, tasks_done=19)
    errors = refused(personas, review, data)
    (message,) = errors[key(personas.member_record_a1, "proposal_ground")]
    assert message.startswith("Nguyễn Văn An – Căn cứ đề nghị ngoại lệ: Đề nghị «Hoàn thành nhiệm vụ» khi chưa đủ")

    entry.proposal_ground = "Nhiệm vụ chưa xong do chuyển công tác, đã bàn giao đầy đủ"
    save(personas, review, data)
    rating = Rating.objects.get(unit_review=review, member=personas.member_record_a1)
    assert rating.proposed_level == C
    assert rating.proposal_ground.startswith("Nhiệm vụ chưa xong")
    assert rating.assessment["general"] == "20"


@pytest.mark.django_db
def test_2025_completed_with_a_missed_condition_is_refused_where_the_cycle_steps_such_members_down(personas):
    review = setup(personas, year=2025, rule_set="hd43-2025", rule_options={"missed_condition_steps_down": True})
    data = full_input(review, held_on=D(2025, 11, 20))
    entry = scored(data, personas.member_record_a1, C, general=20, tasks=40, tasks_total=20, tasks_done=19)
    entry.proposal_ground = "Nhiệm vụ chưa xong do chuyển công tác"
    errors = refused(personas, review, data)
    (message,) = errors[key(personas.member_record_a1, "proposed_level")]
    assert "Chưa đủ điều kiện hoàn thành nhiệm vụ: chưa hoàn thành 100% nhiệm vụ" in message
    assert message.endswith("mức cao nhất là «Không hoàn thành nhiệm vụ».")


@pytest.mark.django_db
def test_a_ground_is_refused_where_no_exception_is_needed(personas):
    review = setup(personas)
    data = full_input(review)
    data.subjects[f"m{personas.member_record_a1.pk}"].proposal_ground = "Lý do"
    errors = refused(personas, review, data)
    assert "không phải ngoại lệ" in errors[key(personas.member_record_a1, "proposal_ground")][0]


@pytest.mark.django_db
def test_vote_thresholds_when_the_cycle_enables_them(personas):
    review = setup(personas, rule_options={"vote_thresholds": {"excellent": "2/3", "good": "1/2"}})
    data = full_input(review, level=E, votes={E: 1, G: 2})
    errors = refused(personas, review, data)
    (message,) = errors[key(personas.member_record_a1, "proposed_level")]
    assert message == (
        "Nguyễn Văn An – Chi bộ đề nghị xếp loại: Không thể đề nghị «Hoàn thành xuất sắc nhiệm vụ» với 1/3 phiếu "
        "tán thành: kỳ đánh giá yêu cầu từ 2/3 trở lên số đảng viên chính thức của chi bộ."
    )
    save(personas, review, full_input(review, level=E, votes={E: 2}))


@pytest.mark.django_db
def test_without_thresholds_the_tally_is_only_recorded(personas):
    review = setup(personas)
    save(personas, review, full_input(review, level=E, votes={E: 1, G: 2}))
    assert Rating.objects.get(member=personas.member_record_a1).votes == {E: 1, G: 2}


@pytest.mark.django_db
def test_quorum_is_warned_not_refused(personas):
    review = setup(personas)
    data = full_input(review, votes={G: 1})
    for member in personas.cell_a1.memberships.values_list("member_id", flat=True)[:2]:
        data.attendance[member] = (False, "Ốm")
    result = save(personas, review, data)
    assert result.warnings == [
        "Hội nghị chưa đủ số đảng viên chính thức có mặt theo quy định (có mặt 1/3, cần từ 1/2 trở lên): kiểm tra "
        "lại tính hợp lệ của hội nghị."
    ]


@pytest.mark.django_db
def test_quorum_share_is_a_cycle_option(personas):
    review = setup(personas, rule_options={"quorum": "1/3"})
    data = full_input(review, votes={G: 1})
    for member in personas.cell_a1.memberships.values_list("member_id", flat=True)[:2]:
        data.attendance[member] = (False, "Ốm")
    assert save(personas, review, data).warnings == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("held_on", "text"),
    [
        (D(2020, 12, 31), "Ngày họp 31/12/2020 nằm ngoài kỳ đánh giá (từ 01/01/2021 đến 31/12/2021)."),
        (D(2022, 1, 3), "Ngày họp 03/01/2022 nằm ngoài kỳ đánh giá (từ 01/01/2021 đến 31/12/2021)."),
    ],
)
def test_the_meeting_date_lies_inside_the_cycle(personas, held_on, text):
    review = setup(personas)
    errors = refused(personas, review, full_input(review, held_on=held_on))
    assert errors["held_on"] == [f"Ngày họp: {text}"]


@pytest.mark.django_db
def test_the_meeting_date_is_not_in_the_future(personas, monkeypatch):
    review = setup(personas, year=2025, rule_set="hd43-2025")
    monkeypatch.setattr(svc.timezone, "localdate", lambda: D(2025, 11, 19))
    errors = refused(personas, review, full_input(review, held_on=D(2025, 11, 20)))
    assert errors["held_on"] == ["Ngày họp: Ngày họp 20/11/2025 chưa đến: chỉ ghi kết quả hội nghị đã họp."]


@pytest.mark.django_db
def test_the_chair_and_minute_taker_are_members_present(personas):
    review = setup(personas)
    data = full_input(review, votes={G: 1})
    data.chair_id = personas.member_record_b1.pk  # another cell's member
    data.minute_taker_id = personas.member_record_a1.pk
    data.attendance[personas.member_record_a1.pk] = (False, "Công tác")
    errors = refused(personas, review, data)
    assert errors["chair_id"] == ["Chủ trì: Phải là đảng viên của chi bộ."]
    assert errors["minute_taker_id"] == ["Thư ký: Đồng chí Nguyễn Văn An vắng mặt, không thể là thư ký."]


@pytest.mark.django_db
def test_a_collective_cannot_be_excellent_when_a_leader_was_disciplined(personas):
    personas.member_record_a1.party_post = PartyPost.SECRETARY
    personas.member_record_a1.save()
    MemberStatus.objects.create(
        member=personas.member_record_a1,
        kind=StatusKind.DISCIPLINED,
        start_date=D(2021, 6, 1),
        discipline_level=DisciplineLevel.WARNING,
    )
    review = setup(personas)
    data = full_input(review, level=N, votes={N: 2})
    data.subjects["o"] = SubjectEntry(votes={E: 3}, proposed_level=E)
    errors = refused(personas, review, data)
    assert "không xếp loại hoàn thành xuất sắc nhiệm vụ" in errors["o-proposed_level"][0]
    assert errors["o-proposed_level"][0].startswith("Chi bộ A1 – Chi bộ đề nghị xếp loại:")


@pytest.mark.django_db
def test_a_cell_with_nine_full_members_also_rates_its_committee_and_leaders(personas):
    review = setup(personas)
    assert [s.key for s in svc.meeting_sheet(review).subjects if s.key[0] in "cl"] == []
    f.add_members(personas.cell_a1, 5)
    personas.member_record_a1.party_post = PartyPost.SECRETARY
    personas.member_record_a1.save()
    # 8 full members and a probationary one: still no committee.
    make_member("Dự Bị", personas.cell_a1, full_member_on=None, admitted_on=D(2020, 1, 1))
    assert not svc.meeting_sheet(review).has_committee
    f.add_members(personas.cell_a1, 1, prefix="Thêm")
    sheet = svc.meeting_sheet(review)
    assert sheet.has_committee
    keys = [s.key for s in sheet.subjects]
    assert "c" in keys and f"l{personas.member_record_a1.pk}" in keys
    assert sheet.by_key[f"l{personas.member_record_a1.pk}"].name == "Nguyễn Văn An (Bí thư)"


@pytest.mark.django_db
def test_every_change_is_audited_with_before_and_after(personas):
    review = setup(personas)
    save(personas, review, full_input(review))
    data = full_input(review)
    data.subjects[f"m{personas.member_record_a1.pk}"] = SubjectEntry(
        votes={E: 3}, proposed_level=E, comments="Gương mẫu"
    )
    data.attendance[personas.member_record_a1.pk] = (True, "")
    result = save(personas, review, data)
    assert result.changed == 1
    entry = AuditEntry.objects.filter(action="rating.proposed").order_by("-id").first()
    assert entry.before == {"comments": "", "votes": {G: 2}, "proposed_level": G}
    assert entry.after == {"comments": "Gương mẫu", "votes": {E: 3}, "proposed_level": E}
    assert entry.actor == personas.sec_a1
    # Saving the same again changes nothing and writes no entry.
    assert save(personas, review, data).changed == 0


@pytest.mark.django_db
def test_the_self_proposed_level_of_a_submitted_self_review_stands_beside_the_proposal(personas):
    from appraisal.models import SelfReview

    review = setup(personas)
    SelfReview.objects.create(
        unit_review=review, member=personas.member_record_a1, form_code="02", state="submitted", proposed_level=E
    )
    SelfReview.objects.create(
        unit_review=review, member=personas.member_record_b1, form_code="02", state="draft", proposed_level=E
    )
    sheet = svc.meeting_sheet(review)
    assert sheet.by_key[f"m{personas.member_record_a1.pk}"].self_level_label == "Hoàn thành xuất sắc nhiệm vụ"
    save(personas, review, full_input(review))
    assert Rating.objects.get(member=personas.member_record_a1).self_level == E


@pytest.mark.django_db
def test_the_secretary_of_another_cell_cannot_save_through_the_service(personas):
    from django.core.exceptions import PermissionDenied

    review = setup(personas)
    with pytest.raises(PermissionDenied):
        svc.meeting_save(actor=personas.sec_a2, review=review, data=full_input(review))
    assert not ReviewMeeting.objects.exists()


@pytest.mark.django_db
def test_the_meeting_header_guests_and_guidance_are_audited_before_and_after(personas):
    from appraisal.tests.factories import document

    doc = document(personas.ward_a)
    review = setup(personas, guidance_documents=[doc])
    data = full_input(review)
    data.place = "Phòng họp"
    data.guests = [GuestEntry("Nguyễn Hải An", "Thành ủy viên, Bí thư Đảng ủy phường Quyết Thắng")]
    save(personas, review, data)
    created = AuditEntry.objects.get(action="meeting.created")
    assert created.after["place"] == "Phòng họp"
    assert created.after["guests"] == ["Nguyễn Hải An – Thành ủy viên, Bí thư Đảng ủy phường Quyết Thắng"]
    data.place = "Hội trường"
    data.document_ids = {doc.pk}
    save(personas, review, data)
    updated = AuditEntry.objects.get(action="meeting.updated")
    assert updated.before == {"place": "Phòng họp", "guidance_documents": []}
    assert updated.after == {"place": "Hội trường", "guidance_documents": [doc.pk]}
    meeting = ReviewMeeting.objects.get(unit_review=review)
    assert list(meeting.guidance_documents.all()) == [doc]
    assert [g.full_name for g in meeting.guests.all()] == ["Nguyễn Hải An"]


@pytest.mark.django_db
def test_only_the_cycles_documents_may_be_named_as_guidance(personas):
    from appraisal.tests.factories import document

    other = document(personas.ward_b, code="9-CV/ĐU")
    review = setup(personas)
    data = full_input(review)
    data.document_ids = {other.pk}
    errors = refused(personas, review, data)
    assert errors["documents"] == ["Văn bản hướng dẫn: Chỉ chọn văn bản hướng dẫn của kỳ đánh giá."]


@pytest.mark.django_db
def test_a_guest_needs_a_name(personas):
    review = setup(personas)
    data = full_input(review)
    data.guests = [GuestEntry("", "Đảng ủy viên")]
    errors = refused(personas, review, data)
    assert errors["guest-0-full_name"] == ["Đại biểu 1 – Họ và tên: Nhập họ và tên đại biểu."]


@pytest.mark.django_db
def test_a_closed_cycle_takes_no_more_entries(personas):
    from appraisal.models import ReviewCycle

    review = setup(personas)
    ReviewCycle.objects.filter(pk=review.cycle_id).update(state="closed")
    review.refresh_from_db()
    assert not svc.meeting_sheet(review).editable
    with pytest.raises(ValidationError) as exc:
        save(personas, review, full_input(review))
    assert exc.value.messages == ["Kỳ đánh giá đã kết thúc: không thể thay đổi."]
    assert not ReviewMeeting.objects.exists()
