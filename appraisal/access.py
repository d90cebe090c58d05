"""How an appraisal view fetches its record and checks the user's right to it, in one step.

One function per kind of object, as zulip's ``access_stream_by_id``: a view never fetches a work item, a
self-review or a rating by hand and never checks a right by itself. Each function answers 404 when the user may
not even see the object (its existence is not revealed) and 403 when they see it but may not do ``perm``.

"This unit's item in this cycle" has one meaning here: the work item of the unit in the *cascade* of the cycle
named (``selectors.cycles.review_for``), so a cell's part is found from the ward's cycle or from the city's that
the ward cascades.

``Perm.APPROVE`` on a unit's item (or on one of its ratings) is the right to *decide* it, held on the committee
directly above the unit; every other right is held on the unit itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from members.models import Member, Membership
from party_units.access import Perm, can, require
from party_units.models import PartyUnit

from .models import Rating, ReviewCycle, SelfReview, UnitReview
from .selectors.cycles import review_for

__all__ = [
    "CommitteeInCycle",
    "SelfReviewAccess",
    "SelfReviewTarget",
    "get_committee_or_deny",
    "get_rating_or_deny",
    "get_review_or_deny",
    "get_self_review_or_deny",
]


def _deciding_unit(unit: PartyUnit) -> PartyUnit | None:
    return unit.parent


def _require_on_item(user, perm: Perm, obj, unit: PartyUnit) -> None:
    """``perm`` on a record of ``unit`` once the user is known to see it: APPROVE on the committee above."""
    if perm == Perm.VIEW:
        return
    if perm == Perm.APPROVE:
        deciding = _deciding_unit(unit)
        if deciding is None or not can(user, Perm.APPROVE, deciding):
            raise PermissionDenied
        return
    require(user, perm, obj)


def _reviews() -> QuerySet[UnitReview]:
    return UnitReview.objects.select_related(
        "unit__parent", "cycle__issuing_unit", "cycle__parent", "root", "meeting", "collective_report"
    )


def get_review_or_deny(
    user,
    *,
    perm: Perm = Perm.VIEW,
    pk: int | None = None,
    cycle: int | None = None,
    unit: int | None = None,
    cell: bool = False,
    of_unit: PartyUnit | None = None,
) -> UnitReview:
    """A unit's work item, by its id or as "``unit``'s item in the cascade of ``cycle``" (ids), with its unit (and
    the unit's parent), its cycle, the cascade's root, the cell's meeting and own report loaded.

    ``cell=True``: only a cell's item (a meeting, the cell's self-reviews): 404 for a committee's.
    ``of_unit``: the item must be that unit's (a page of the unit naming an item by id): 404 otherwise."""
    if pk is not None:
        queryset = _reviews().filter(pk=pk)
    elif cycle is not None and unit is not None:
        queryset = review_for(cycle, unit).select_related("root")
    else:
        raise TypeError("get_review_or_deny needs pk=, or cycle= and unit=")
    review = get_object_or_404(queryset)
    require(user, Perm.VIEW, review)
    if (cell and not review.unit.is_cell) or (of_unit is not None and review.unit_id != of_unit.pk):
        raise Http404
    _require_on_item(user, perm, review, review.unit)
    return review


class SelfReviewTarget:
    """What the access check sees of a member's self-review in a work item, whether or not it exists yet: the
    cell, and the member's account (the member may view and file their own)."""

    def __init__(self, unit_review: UnitReview, member: Member):
        self.access_unit = unit_review.unit
        self.owner_user_id = member.user_id


@dataclass(frozen=True)
class SelfReviewAccess:
    unit_review: UnitReview
    member: Member
    self_review: SelfReview | None  # None: not started yet


def get_self_review_or_deny(
    user,
    *,
    perm: Perm = Perm.VIEW,
    pk: int | None = None,
    review: int | None = None,
    member: int | None = None,
    of_unit: PartyUnit | None = None,
) -> SelfReviewAccess:
    """A member's self-review: by its id, or as member ``member``'s in work item ``review`` (ids; the member must
    have been in that cell at some time, and the self-review may not exist yet). The member's own account may
    view and file it (``Perm.SELF_REVIEW``); the cell's secretary and the committees above hold the rest.
    ``of_unit``: it must be a self-review of that cell (a page of the cell naming it by id): 404 otherwise."""
    if pk is not None:
        self_review = get_object_or_404(
            SelfReview.objects.select_related("unit_review__unit", "unit_review__cycle__issuing_unit", "member"),
            pk=pk,
        )
        unit_review, found = self_review.unit_review, self_review.member
    elif review is not None and member is not None:
        unit_review = get_object_or_404(
            UnitReview.objects.select_related("cycle", "cycle__issuing_unit", "unit"), pk=review
        )
        in_cell = Membership.objects.filter(member=OuterRef("pk"), unit_id=unit_review.unit_id)
        found = get_object_or_404(Member.objects.filter(Exists(in_cell)), pk=member)
        self_review = SelfReview.objects.filter(unit_review=unit_review, member=found).first()
    else:
        raise TypeError("get_self_review_or_deny needs pk=, or review= and member=")
    target = self_review or SelfReviewTarget(unit_review, found)
    require(user, Perm.VIEW, target)
    if of_unit is not None and unit_review.unit_id != of_unit.pk:
        raise Http404
    _require_on_item(user, perm, target, unit_review.unit)
    return SelfReviewAccess(unit_review=unit_review, member=found, self_review=self_review)


def get_rating_or_deny(user, *, perm: Perm = Perm.VIEW, pk: int, decided_by: PartyUnit | None = None) -> Rating:
    """One subject's rating in a work item (a member's, the unit's own, a collective's), with its member, unit,
    cycle and work item loaded. ``Perm.APPROVE``: the right to decide it (the committee above the unit).
    ``decided_by``: the rating must be one that committee decides (its page naming it by id): 404 otherwise."""
    rating = get_object_or_404(
        Rating.objects.select_related("unit_review__unit__parent", "unit_review__cycle", "member", "unit"), pk=pk
    )
    require(user, Perm.VIEW, rating)
    if decided_by is not None and rating.unit_review.unit.parent_id != decided_by.pk:
        raise Http404
    _require_on_item(user, perm, rating, rating.unit_review.unit)
    return rating


@dataclass(frozen=True)
class CommitteeInCycle:
    cycle: ReviewCycle
    unit: PartyUnit  # a committee within the cycle's scope
    above: list[PartyUnit]  # the committees above it within the cycle's scope, top first (the breadcrumb)


def get_committee_or_deny(user, *, perm: Perm = Perm.VIEW, cycle: int, unit: int | None = None) -> CommitteeInCycle:
    """A committee within cycle ``cycle``'s scope (the issuing unit when ``unit`` is None), read with the
    committees above it in one query: 404 unless the user sees it, for a cell, or for a committee outside the
    cycle's scope; 403 without ``perm`` on it."""
    found = get_object_or_404(ReviewCycle.objects.select_related("issuing_unit"), pk=cycle)
    pk = unit or found.issuing_unit_id
    line = list(PartyUnit.objects.lineage(pk))
    if not line or line[-1].pk != pk:
        raise Http404
    committee = line[-1]
    require(user, Perm.VIEW, committee)
    if committee.is_cell or not committee.is_within(found.issuing_unit):
        raise Http404
    if perm != Perm.VIEW:
        require(user, perm, committee)
    above = [unit for unit in line[:-1] if unit.is_within(found.issuing_unit)]
    return CommitteeInCycle(cycle=found, unit=committee, above=above)
