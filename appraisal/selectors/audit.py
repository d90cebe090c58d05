"""The audit log of a cycle's work: the entries about a unit's subtree in a cascade (work items, ratings, rounds,
self-reviews, meetings, the quota's records, the cycles themselves), filtered for the cycle's log page and read
in full by the archive (``reports/archive.py``). Entries are selected by content type and object ids, the ids
as subqueries over the cascade and the subtree, so the page paginates in the database."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, fields

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast

from audit.labels import label_of
from audit.models import AuditEntry
from party_units.models import PartyUnit

from ..models import (
    ProposalRound,
    QuotaGroup,
    QuotaRaise,
    Rating,
    ReviewCycle,
    ReviewMeeting,
    SelfReview,
    UnitReview,
)

# The actions a cycle's log is filtered by (the dropdown): those of its work.
ACTIONS = [
    "review_cycle.created",
    "review_cycle.updated",
    "review_cycle.opened",
    "review_cycle.closed",
    "rating.created",
    "rating.decided",
    "rating.quota_exception",
    "rating.decision_withdrawn",
    "proposal_round.approved",
    "proposal_round.returned",
    "unit_review.approved",
    "unit_review.returned",
    "unit_review.reopened",
    "quota.raised",
    "quota_group.defined",
]


def action_choices() -> list[tuple[str, str]]:
    """The log's actions with their labels, in the labels' order (the filter's dropdown)."""
    return sorted(((name, label_of(name)) for name in ACTIONS), key=lambda choice: choice[1])


def _ids(queryset):
    return queryset.annotate(text_pk=Cast("pk", CharField())).values("text_pk")


@dataclass(frozen=True)
class CycleRecords:
    """The records of one cascade in one unit's subtree (``cycle_records``): what the cycle's audit trail and its
    archive cover."""

    cycles: QuerySet[ReviewCycle]
    unit_reviews: QuerySet[UnitReview]
    ratings: QuerySet[Rating]
    proposal_rounds: QuerySet[ProposalRound]
    self_reviews: QuerySet[SelfReview]
    meetings: QuerySet[ReviewMeeting]
    quota_raises: QuerySet[QuotaRaise]
    quota_groups: QuerySet[QuotaGroup]

    def querysets(self) -> list[QuerySet]:
        return [getattr(self, f.name) for f in fields(self)]


def cycle_records(root_id: int, unit: PartyUnit) -> CycleRecords:
    """The records of the cascade ``root_id`` in ``unit``'s subtree, one queryset per model."""
    path = unit.path
    in_reviews = {"unit_review__root_id": root_id, "unit_review__unit__path__startswith": path}
    return CycleRecords(
        cycles=ReviewCycle.objects.filter(Q(pk=root_id) | Q(root_id=root_id), issuing_unit__path__startswith=path),
        unit_reviews=UnitReview.objects.filter(root_id=root_id, unit__path__startswith=path),
        ratings=Rating.objects.filter(**in_reviews),
        proposal_rounds=ProposalRound.objects.filter(**in_reviews),
        self_reviews=SelfReview.objects.filter(**in_reviews),
        meetings=ReviewMeeting.objects.filter(**in_reviews),
        quota_raises=QuotaRaise.objects.filter(root_id=root_id, unit__path__startswith=path),
        quota_groups=QuotaGroup.objects.filter(root_id=root_id, committee__path__startswith=path),
    )


def cycle_entries(root_id: int, unit: PartyUnit) -> QuerySet[AuditEntry]:
    """Every audit entry about the work of ``unit``'s subtree in the cascade ``root_id`` (one queryset)."""
    condition = Q(pk__in=[])
    for queryset in cycle_records(root_id, unit).querysets():
        condition |= Q(content_type=ContentType.objects.get_for_model(queryset.model), object_id__in=_ids(queryset))
    return AuditEntry.objects.filter(condition)


def cycle_log(
    root_id: int,
    unit: PartyUnit,
    *,
    person: str = "",
    action: str = "",
    start: datetime.date | None = None,
    end: datetime.date | None = None,
) -> QuerySet[AuditEntry]:
    """The log page's entries, newest first: ``cycle_entries`` by whoever acted (a part of their name or login),
    one action, from and to a day (inclusive)."""
    entries = cycle_entries(root_id, unit).select_related("actor")
    if person:
        entries = entries.filter(
            Q(actor__first_name__icontains=person)
            | Q(actor__last_name__icontains=person)
            | Q(actor__username__icontains=person)
        )
    if action:
        entries = entries.filter(action=action)
    if start is not None:
        entries = entries.filter(at__date__gte=start)
    if end is not None:
        entries = entries.filter(at__date__lte=end)
    return entries.order_by("-at", "-id")


def log_units(scope: PartyUnit) -> QuerySet[PartyUnit]:
    """The units a cycle's log may be narrowed to: the issuing committee and the units directly under it."""
    return PartyUnit.objects.filter(path__startswith=scope.path, depth__lte=scope.depth + 1).order_by("path")


def rating_entries(rating: Rating) -> QuerySet[AuditEntry]:
    """A rating's whole history, oldest first."""
    return AuditEntry.objects.for_object(rating).select_related("actor").order_by("at", "id")
