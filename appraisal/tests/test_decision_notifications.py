"""Item 7: the secretary is told when proposals are returned or approved, members when their final level is
decided, staff when a cell submits — each once, on the home page and by e-mail where an address is known."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from appraisal.models import Notification, UnitReview
from appraisal.services import proposals_approve, proposals_return
from appraisal.services.decisions import notify_proposals_submitted

from .factories import cycle as make_cycle
from .factories import propose

pytestmark = pytest.mark.django_db(transaction=True)
G = "httnv"


@pytest.fixture
def review(personas):
    cycle = make_cycle(personas.ward_a, year=2021, rule_set="hd21-2019", opened=True)
    personas.sec_a1.email = "bithu@example.vn"
    personas.sec_a1.save()
    personas.member_a1.email = "dangvien@example.vn"
    personas.member_a1.save()
    return propose(
        UnitReview.objects.get(root=cycle, unit=personas.cell_a1),
        levels=[G, G],
        members=[
            personas.member_record_a1,
            personas.cell_a1.memberships.exclude(member=personas.member_record_a1).first().member,
        ],
    )


def test_approval_tells_the_secretary_and_each_member_with_an_account_once(personas, review, client_for):
    proposals_approve(actor=personas.staff_a, review=review)
    secretary = Notification.objects.get(user=personas.sec_a1)
    assert secretary.kind == "proposals.approved" and "đã phê duyệt" in secretary.text
    member = Notification.objects.get(user=personas.member_a1)
    assert member.kind == "rating.decided" and "Hoàn thành tốt nhiệm vụ" in member.text
    assert Notification.objects.count() == 2  # the member without an account gets nothing
    assert sorted(m.to[0] for m in mail.outbox) == ["bithu@example.vn", "dangvien@example.vn"]
    home = client_for(personas.member_a1).get(reverse("home"))
    assert "Hoàn thành tốt nhiệm vụ" in home.content.decode()


def test_a_return_tells_the_secretary_with_the_reason(personas, review):
    proposals_return(actor=personas.staff_a, review=review, reason="Thiếu biên bản kiểm phiếu")
    notice = Notification.objects.get()
    assert notice.user == personas.sec_a1 and "Thiếu biên bản kiểm phiếu" in notice.text
    assert len(mail.outbox) == 1


def test_a_submission_tells_the_committee_staff_once(personas, review):
    notify_proposals_submitted(review, actor=personas.sec_a1)
    notify_proposals_submitted(review, actor=personas.sec_a1)  # the same event again: no second notice
    notices = Notification.objects.filter(kind="proposals.submitted")
    assert [n.user for n in notices] == [personas.staff_a]
    assert reverse("appraisal:decision", args=[review.pk]) == notices[0].url


@pytest.mark.django_db
def test_the_meetings_submit_service_tells_the_ward_staff(personas):
    from appraisal.services import meetings as svc
    from appraisal.tests.test_meeting_checks import full_input, setup

    review = setup(personas)
    svc.meeting_save(actor=personas.sec_a1, review=review, data=full_input(review))
    svc.proposals_submit(actor=personas.sec_a1, review=review)
    notice = Notification.objects.get(kind="proposals.submitted")
    assert notice.user == personas.staff_a and "Chi bộ A1 đã gửi đề nghị xếp loại" in notice.text
