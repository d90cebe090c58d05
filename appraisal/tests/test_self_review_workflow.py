"""A member's self-review: draft → submit → return → resubmit, the deadline, illegal moves, odd text."""

from __future__ import annotations

import datetime
import unicodedata

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from appraisal.models import Notification, Rating, SelfReview, SelfReviewState
from appraisal.selectors.self_reviews import member_form
from appraisal.services import cycle_close, self_review_reopen, self_review_return, self_review_save, self_review_submit
from appraisal.services.self_reviews import SelfReviewEntry
from audit.models import AuditEntry
from members.models import MemberStatus, StatusKind

from .factories import entry_of, form_data, open_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def ur(personas):
    return open_review(personas.ward_a, personas.cell_a1)


def structure_of(ur, member):
    return member_form(ur, member).structure


def save(ur, personas, **kw):
    member = personas.member_record_a1
    structure = structure_of(ur, member)
    return self_review_save(
        actor=personas.member_a1, unit_review=ur, member=member, entry=entry_of(structure, form_data(structure, **kw))
    )


def submit(ur, personas):
    return self_review_submit(actor=personas.member_a1, unit_review=ur, member=personas.member_record_a1)


def test_draft_submit_return_resubmit_keeps_every_version_and_audits_each_move(ur, personas):
    review, assessment = save(ur, personas, level="httnv")
    assert review.state == SelfReviewState.DRAFT and review.form_code == "2B"
    assert assessment.max_level.value == "httnv"  # 25 + 60 = 85: good
    submit(ur, personas)
    review.refresh_from_db()
    assert review.state == SelfReviewState.SUBMITTED and review.submitted_at
    assert Rating.objects.get(unit_review=ur, member=review.member).self_level == "httnv"
    with pytest.raises(ValidationError, match="đã nộp"):
        save(ur, personas, level="htnv")  # read-only to the member once submitted
    self_review_return(actor=personas.sec_a1, self_review=review, reason="Bổ sung phần hạn chế")
    review.refresh_from_db()
    assert review.state == SelfReviewState.RETURNED and review.return_reason == "Bổ sung phần hạn chế"
    notice = Notification.objects.get(user=personas.member_a1, kind="self_review.returned")
    assert "Bổ sung phần hạn chế" in notice.text
    save(ur, personas, level="htnv")
    submit(ur, personas)
    review.refresh_from_db()
    assert review.state == SelfReviewState.RESUBMITTED
    versions = list(review.versions.order_by("number"))
    assert [(v.number, v.proposed_level) for v in versions] == [(1, "httnv"), (2, "htnv")]
    assert versions[0].return_reason == "Bổ sung phần hạn chế" and versions[0].returned_at
    assert versions[1].returned_at is None
    assert Rating.objects.get(unit_review=ur, member=review.member).self_level == "htnv"
    actions = list(
        AuditEntry.objects.filter(action__startswith="self_review.").order_by("id").values_list("action", flat=True)
    )
    assert actions == [
        "self_review.started",
        "self_review.submitted",
        "self_review.returned",
        "self_review.resubmitted",
    ]


def test_illegal_moves_are_refused_and_change_nothing(ur, personas):
    review, _a = save(ur, personas, level="httnv")
    with pytest.raises(ValidationError, match="Chỉ trả lại"):
        self_review_return(actor=personas.sec_a1, self_review=review, reason="x")  # returning a draft
    submit(ur, personas)
    with pytest.raises(ValidationError, match="đã được nộp"):
        submit(ur, personas)  # submitting twice
    review.refresh_from_db()
    with pytest.raises(ValidationError, match="lý do"):
        self_review_return(actor=personas.sec_a1, self_review=review, reason="  ")
    with pytest.raises(PermissionDenied):
        self_review_return(actor=personas.sec_a2, self_review=review, reason="Không phải chi bộ của tôi")
    with pytest.raises(PermissionDenied):
        self_review_submit(actor=personas.member_b1, unit_review=ur, member=personas.member_record_a1)
    review.refresh_from_db()
    assert review.state == SelfReviewState.SUBMITTED and review.versions.count() == 1


def test_a_closed_cycle_refuses_filing(ur, personas):
    cycle_close(actor=None, cycle=ur.cycle)
    with pytest.raises(ValidationError, match="đã kết thúc"):
        save(ur, personas)
    assert not SelfReview.objects.exists()


def test_a_member_who_is_not_reviewed_gets_no_form_but_the_reason(ur, personas, client_for):
    MemberStatus.objects.create(
        member=personas.member_record_a1, kind=StatusKind.EXEMPTED, start_date=datetime.date(2024, 1, 1)
    )
    with pytest.raises(ValidationError, match="miễn công tác"):
        self_review_save(
            actor=personas.member_a1,
            unit_review=ur,
            member=personas.member_record_a1,
            entry=SelfReviewEntry(texts={"A.II": "x"}),
        )
    page = client_for(personas.member_a1).get(
        reverse("appraisal:self_review", args=[ur.pk, personas.member_record_a1.pk])
    )
    text = page.content.decode()
    assert page.status_code == 200 and "miễn công tác và sinh hoạt đảng" in text
    assert 'id="self-review-form"' not in text
    assert not SelfReview.objects.exists()


def test_submitting_after_the_deadline_needs_the_secretary_to_reopen(personas, time_machine):
    time_machine.move_to(datetime.datetime(2025, 12, 10, 9, 0, tzinfo=datetime.UTC))
    ur = open_review(personas.ward_a, personas.cell_a1, self_review_due=datetime.date(2025, 12, 5))
    save(ur, personas, level="httnv")  # drafts may still be saved
    with pytest.raises(ValidationError, match="quá hạn nộp bản kiểm điểm \\(05/12/2025\\)"):
        submit(ur, personas)
    with pytest.raises(PermissionDenied):
        self_review_reopen(
            actor=personas.member_a1,
            unit_review=ur,
            member=personas.member_record_a1,
            until=datetime.date(2025, 12, 12),
        )
    self_review_reopen(
        actor=personas.sec_a1, unit_review=ur, member=personas.member_record_a1, until=datetime.date(2025, 12, 12)
    )
    assert submit(ur, personas).state == SelfReviewState.SUBMITTED
    assert AuditEntry.objects.filter(action="self_review.reopened").count() == 1


def test_the_day_of_the_deadline_is_still_in_time(personas, time_machine):
    time_machine.move_to(datetime.datetime(2025, 12, 5, 16, 59, tzinfo=datetime.UTC))  # 23:59 in Hà Nội
    ur = open_review(personas.ward_a, personas.cell_a1, self_review_due=datetime.date(2025, 12, 5))
    save(ur, personas, level="httnv")
    assert submit(ur, personas).state == SelfReviewState.SUBMITTED


def test_nfd_long_and_odd_text_is_stored_nfc_and_shown_as_typed(ur, personas, client_for):
    member = personas.member_record_a1
    data = form_data(structure_of(ur, member), level="httnv")
    nfd = unicodedata.normalize("NFD", "Tự phê bình nghiêm túc – “không né tránh”\u00a0;\x00\x07 tab\tend")
    data["t:A.II"] = nfd
    data["t:A.IV"] = "Dài " * 20000
    entry = entry_of(structure_of(ur, member), data)
    review, _a = self_review_save(actor=personas.member_a1, unit_review=ur, member=member, entry=entry)
    review.refresh_from_db()
    stored = review.content["A.II"]
    assert stored == unicodedata.normalize("NFC", "Tự phê bình nghiêm túc – “không né tránh”\u00a0; tab\tend")
    assert len(review.content["A.IV"]) <= 50_000
    page = client_for(personas.member_a1).get(reverse("appraisal:self_review", args=[ur.pk, member.pk]))
    assert page.status_code == 200
    assert "Tự phê bình nghiêm túc – “không né tránh”" in page.content.decode()


def test_the_returned_member_sees_the_reason_on_the_form_and_home(ur, personas, client_for):
    review, _a = save(ur, personas, level="httnv")
    submit(ur, personas)
    self_review_return(actor=personas.sec_a1, self_review=review, reason="Viết rõ phần nhiệm vụ")
    client = client_for(personas.member_a1)
    page = client.get(reverse("appraisal:self_review", args=[ur.pk, review.member_id])).content.decode()
    assert "Bản kiểm điểm bị trả lại" in page and "Viết rõ phần nhiệm vụ" in page
    assert 'id="self-review-form"' in page  # editable again
    home = client.get(reverse("home")).content.decode()
    assert "Viết rõ phần nhiệm vụ" in home


def test_last_cycles_shortcomings_appear_in_section_iii_and_the_member_says_how_each_was_remedied(personas, client_for):
    earlier = open_review(personas.ward_a, personas.cell_a1, year=2024, rule_set="hd25-2023")
    Rating.objects.create(
        unit_review=earlier,
        subject="member",
        member=personas.member_record_a1,
        shortcomings="- Chưa đóng đảng phí đúng hạn\n2. Phát biểu ít trong sinh hoạt",
    )
    ur = open_review(personas.ward_a, personas.cell_a1)
    member = personas.member_record_a1
    form = member_form(ur, member)
    assert form.shortcomings == ["Chưa đóng đảng phí đúng hạn", "Phát biểu ít trong sinh hoạt"]
    page = client_for(personas.member_a1).get(reverse("appraisal:self_review", args=[ur.pk, member.pk]))
    text = page.content.decode()
    assert "Chưa đóng đảng phí đúng hạn" in text and 'name="r:1"' in text
    data = form_data(form.structure, level="htnv")
    data.update({"rs:0": "Chưa đóng đảng phí đúng hạn", "r:0": "Đã đóng đủ từ tháng 3", "rs:1": "Phát biểu ít"})
    entry = entry_of(form.structure, data)
    review, _a = self_review_save(actor=personas.member_a1, unit_review=ur, member=member, entry=entry)
    assert review.content["remedies"][0] == {
        "shortcoming": "Chưa đóng đảng phí đúng hạn",
        "remedy": "Đã đóng đủ từ tháng 3",
    }


def test_only_the_system_records_a_past_submission(ur, personas):
    import datetime as dt

    from django.utils import timezone

    save(ur, personas, level="httnv")
    with pytest.raises(PermissionDenied):
        self_review_submit(
            actor=personas.member_a1,
            unit_review=ur,
            member=personas.member_record_a1,
            on=timezone.make_aware(dt.datetime(2025, 11, 1, 9, 0)),
        )
    assert SelfReview.objects.get().state == SelfReviewState.DRAFT


def test_a_late_self_review_is_not_reopened_once_the_cell_has_sent_its_proposals(ur, personas):
    """Reopening for a late submission bumped the work item of a submitted (or approved) cell; now refused."""
    from appraisal.models import UnitReview

    save(ur, personas, level="httnv")
    UnitReview.objects.filter(pk=ur.pk).update(state="submitted")
    revision, audited = UnitReview.objects.get(pk=ur.pk).revision, AuditEntry.objects.count()
    until = datetime.date.today() + datetime.timedelta(days=3)
    with pytest.raises(ValidationError, match="đã gửi đề nghị"):
        self_review_reopen(actor=personas.sec_a1, unit_review=ur, member=personas.member_record_a1, until=until)
    assert UnitReview.objects.get(pk=ur.pk).revision == revision and AuditEntry.objects.count() == audited
    assert SelfReview.objects.get(unit_review=ur).reopened_until is None
    from django.test import Client

    client = Client()
    client.force_login(personas.sec_a1)
    url = reverse("appraisal:self_review", args=[ur.pk, personas.member_record_a1.pk])
    reopen = reverse("appraisal:self_review_reopen", args=[ur.pk, personas.member_record_a1.pk])
    assert reopen not in client.get(url).content.decode()  # no button for a move that would be refused
