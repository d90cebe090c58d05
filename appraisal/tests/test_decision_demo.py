"""Item 9: the demo's decisions — 2021 Quyết Thắng decided through to approved within the ward's quota; 2023 Hai
Bà Trưng with a mix of states, one return and resubmission, one quota exception. Seeding twice changes nothing."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from appraisal.models import Rating, ReviewCycle, RoundOutcome, UnitReview, UnitReviewState
from appraisal.rules import Subject
from appraisal.selectors.quota import tallies
from audit.models import AuditEntry
from party_units.models import PartyUnit

pytestmark = pytest.mark.django_db


def test_the_demo_decisions(client_for):
    call_command("seed_demo", stdout=io.StringIO())
    before = (Rating.objects.count(), AuditEntry.objects.count())
    call_command("seed_demo", stdout=io.StringIO())
    assert (Rating.objects.count(), AuditEntry.objects.count()) == before

    ward = PartyUnit.objects.get(name="Đảng ủy phường Quyết Thắng")
    cycle = ReviewCycle.objects.get(issuing_unit=ward, year=2021)
    cells = UnitReview.objects.filter(root=cycle, unit__parent=ward)
    assert set(cells.values_list("state", flat=True)) == {UnitReviewState.APPROVED}
    mdc = Rating.objects.filter(unit_review__unit__name="Chi bộ Trường Tiểu học Mạc Đĩnh Chi", unit_review__root=cycle)
    members = mdc.filter(subject=Subject.MEMBER)
    assert (members.filter(decided_level="htxsnv").count(), members.filter(decided_level="httnv").count()) == (4, 15)
    assert not Rating.objects.filter(unit_review__root=cycle).exclude(quota_exception_reason="").exists()
    groups = {g.name: g for g in tallies(root_id=cycle.pk, base=ward, rules=cycle.rules())}
    assert groups["Đảng viên"].ok and groups["Đảng viên"].decided["htxsnv"] == 4

    district = ReviewCycle.objects.get(issuing_unit__name="Quận ủy Hai Bà Trưng", year=2023)
    states = set(UnitReview.objects.filter(root=district, unit__kind="cell").values_list("state", flat=True))
    assert {UnitReviewState.APPROVED, UnitReviewState.SUBMITTED, UnitReviewState.RESUBMITTED} <= states
    assert UnitReviewState.NOT_STARTED in states
    resubmitted = UnitReview.objects.get(root=district, state=UnitReviewState.RESUBMITTED)
    assert list(resubmitted.rounds.values_list("number", "outcome")) == [
        (1, RoundOutcome.RETURNED),
        (2, RoundOutcome.PENDING),
    ]
    exceptions = Rating.objects.filter(unit_review__root=district).exclude(quota_exception_reason="")
    assert exceptions.count() == 2 and len({r.unit_review_id for r in exceptions}) == 1

    from django.contrib.auth import get_user_model

    quanuy = get_user_model().objects.get(username="quanuy")
    page = client_for(quanuy).get(reverse("appraisal:dashboard", args=[district.pk]))
    assert page.status_code == 200 and "Đảng ủy phường Bạch Đằng" in page.content.decode()
