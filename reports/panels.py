"""What the reports app adds to the pages of the apps below it (``party_units.panels.object_panels``), so those
apps offer its documents without importing it."""

from __future__ import annotations

from django.db.models import F

from appraisal.models import Rating, UnitReviewState
from party_units.panels import Panel

from .models import IssuedNumber
from .selectors import rerating_subject


def decision_panels(request, review) -> list[Panel]:  # noqa: ARG001 - the hook's signature
    """An approved unit's decision page: the decision re-rating (Mẫu 03) of every subject whose level the
    committee changed, as a draft or issued with its number from the register (two queries)."""
    if review.state != UnitReviewState.APPROVED or review.unit.parent_id is None:
        return []
    ratings = list(
        Rating.objects.filter(unit_review=review)
        .exclude(decided_level="")
        .exclude(proposed_level="")
        .exclude(decided_level=F("proposed_level"))
        .select_related("member", "unit")
        .order_by("subject", "member__sort_key", "id")
    )
    if not ratings:
        return []
    subjects = {rating.pk: rerating_subject(rating) for rating in ratings}
    issued = {
        number.subject: number
        for number in IssuedNumber.objects.filter(unit_id=review.unit.parent_id, subject__in=subjects.values())
    }
    rows = [{"rating": rating, "issued": issued.get(subjects[rating.pk])} for rating in ratings]
    return [Panel("reports/_rerating_panel.html", {"rows": rows, "committee_id": review.unit.parent_id})]
