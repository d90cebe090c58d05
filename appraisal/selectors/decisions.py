"""What the committee's decision page reads: a unit's ratings to decide, the quota's groups counted with the
levels in the form, the rounds of proposals. The decisions themselves are written by ``services/decisions.py``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.db.models import QuerySet

from members.selectors import order_members
from party_units.models import PartyUnit

from ..models import ProposalRound, Rating, UnitReview, UnitReviewState
from ..rules import Level
from . import quota

DECIDABLE = (UnitReviewState.SUBMITTED, UnitReviewState.RESUBMITTED)


def who(rating: Rating) -> str:
    """Whom a rating is of: the member's name, else the unit's."""
    if rating.member is not None:
        return rating.member.full_name
    return rating.unit.name if rating.unit is not None else ""


def decidable_ratings(review: UnitReview) -> list[Rating]:
    """Every rating of ``review`` with its member and unit, in the page's order: by subject, then the members in
    the rosters' Vietnamese order (``members.selectors.order_members``: Ánh before Bình, Hằng before Hương, D
    before Đ)."""
    ratings = review.ratings.select_related("member", "unit")
    return list(order_members(ratings, "member__", first=("subject",)))


def decision_groups(review: UnitReview, ratings: Sequence[Rating], levels: Mapping[int, str]) -> list[quota.GroupTally]:
    """The quota's groups over the committee deciding ``review``, its ratings counted with ``levels`` (rating pk
    → level, the proposed level where absent)."""
    return quota.tallies(
        root_id=review.root_id,
        base=quota.quota_base(review),
        rules=review.cycle.rules(),
        deciding=review,
        deciding_levels=levels,
        deciding_ratings=ratings,
    )


def reviews_under(root_id: int, committee: PartyUnit, pks: Sequence[int]) -> set[int]:
    """Which of the work items ``pks`` are of units directly under ``committee`` in the cascade ``root_id``."""
    if not pks:
        return set()
    return set(
        UnitReview.objects.filter(root_id=root_id, unit__parent=committee, pk__in=pks).values_list("pk", flat=True)
    )


def proposal_rounds(review: UnitReview) -> QuerySet[ProposalRound]:
    return ProposalRound.objects.filter(unit_review=review).select_related("submitted_by", "outcome_by")


def votes_text(rating: Rating) -> str:
    """The tally as reports write it: "HTXSNV 15/19, HTTNV 4/19" (the level's short name, then the count)."""
    votes = rating.votes or {}
    total = sum(v for v in votes.values() if isinstance(v, int))
    parts = []
    for level in Level:
        count = votes.get(level.value)
        if isinstance(count, int) and count:
            parts.append(f"{level.short} {count:02d}/{total:02d}")
    return ", ".join(parts)
