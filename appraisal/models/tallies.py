"""Counts kept with the writes so that pages over millions of rows read a few (issue 13).

``UnitReviewCounts``: each work item's filed self-reviews, held meeting and ratings per stage, kind of subject
and level, kept by the services that write them (``services.tallies.counts_refresh``) — what a dashboard adds
up per branch.

``LevelTally``: decided levels counted per deciding committee, kept as decisions are made.

``CommitteeCounts``: per committee, its own and its cells' work items per state and their counts added up —
what the dashboards above a ward read (issue 24).

A national summary over millions of ratings must not count them per request: ``LevelTally`` holds, for each
cascade (``root``) and each committee whose decisions are counted (a ward for its cells' members and the cells
themselves), how many subjects of each kind got each decided level in approved work items. It is maintained
in the transaction that moves a work item into or out of "approved" (``services.tallies``), and a full recount
from the ratings must always equal it (tested).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from party_units.models import PartyUnit

from ..rules import Level
from .cycles import ReviewCycle, UnitReview, UnitReviewState
from .ratings import SUBJECT_CHOICES
from .self_reviews import LEVEL_CHOICES


class LevelTally(models.Model):
    root = models.ForeignKey(ReviewCycle, on_delete=models.CASCADE, related_name="+")
    committee = models.ForeignKey(PartyUnit, verbose_name=_("cấp ủy"), on_delete=models.CASCADE, related_name="+")
    subject = models.CharField(_("đối tượng"), max_length=24, choices=SUBJECT_CHOICES)
    level = models.CharField(_("xếp loại"), max_length=8, choices=LEVEL_CHOICES)
    n = models.PositiveIntegerField(_("số lượng"), default=0)

    class Meta:
        verbose_name = _("tổng hợp xếp loại")
        verbose_name_plural = _("tổng hợp xếp loại")
        constraints = [
            models.UniqueConstraint(fields=["root", "committee", "subject", "level"], name="level_tally_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.committee_id} {self.subject} {self.level}: {self.n}"


COUNTER_STAGES = ("proposed", "decided")  # Rating.proposed_level, Rating.decided_level
COUNTER_KINDS = ("people", "organisations")  # counts.PEOPLE, counts.ORGANISATIONS


def level_counter(stage: str, kind: str, level: str) -> str:
    """The column counting ``kind``'s ratings whose ``stage`` level is ``level`` (``proposed_people_htxsnv``)."""
    return f"{stage}_{kind}_{level}"


def _counter() -> models.PositiveIntegerField:
    return models.PositiveIntegerField(default=0, editable=False)


class UnitReviewCounts(models.Model):
    """A work item's counts of its rows, kept by the services in the transaction that writes them: every
    workflow ends with ``review_touch`` or ``review_transition``, which count the item's rows again
    (``services.tallies.counts_refresh``, under the item's row lock). The row is made with the work item
    (``cycle_open``); a bulk writer past the services calls ``counts_refresh`` or ``counts_rebuild``. The
    ratings are counted whatever the item's state: a page applies it (proposals count once sent, decisions
    once approved)."""

    unit_review = models.OneToOneField(UnitReview, primary_key=True, on_delete=models.CASCADE, related_name="counts")
    filed_self_reviews = _counter()  # self-reviews submitted or resubmitted
    meetings_held = _counter()  # 1 once the meeting has a date
    proposed_people_htxsnv = _counter()  # members and leading individuals
    proposed_people_httnv = _counter()
    proposed_people_htnv = _counter()
    proposed_people_khtnv = _counter()
    proposed_organisations_htxsnv = _counter()  # cells, committees, collectives
    proposed_organisations_httnv = _counter()
    proposed_organisations_htnv = _counter()
    proposed_organisations_khtnv = _counter()
    decided_people_htxsnv = _counter()
    decided_people_httnv = _counter()
    decided_people_htnv = _counter()
    decided_people_khtnv = _counter()
    decided_organisations_htxsnv = _counter()
    decided_organisations_httnv = _counter()
    decided_organisations_htnv = _counter()
    decided_organisations_khtnv = _counter()

    class Meta:
        verbose_name = _("số liệu của phần việc")
        verbose_name_plural = _("số liệu của phần việc")

    def __str__(self) -> str:
        return f"{self.unit_review_id}: {self.filed_self_reviews} / {self.meetings_held}"


LEVEL_COUNTERS = tuple(
    level_counter(s, k, level.value) for s in COUNTER_STAGES for k in COUNTER_KINDS for level in Level
)
COUNTERS = ("filed_self_reviews", "meetings_held", *LEVEL_COUNTERS)


def _shift() -> models.IntegerField:
    # Not a positive field: a state moved past the services before its rebuild must not make a later write fail.
    return models.IntegerField(default=0, editable=False)


STATE_COUNTERS = tuple(f"state_{state}" for state in UnitReviewState.values)


def state_counter(state: str) -> str:
    """The column of ``CommitteeCounts`` counting the work items in ``state`` (``state_approved``)."""
    return f"state_{state}"


class CommitteeCounts(models.Model):
    """A committee's work items in one cascade — its own and those of the cells directly under it — counted per
    state, with their ``UnitReviewCounts`` added up: filed self-reviews and held meetings of them all, the
    proposed levels of the items that sent them, the decided levels of the approved ones. Kept by the services
    with each work item's counts (``services.tallies.counts_refresh``: the difference the write made, one
    ``UPDATE … SET n = n + k``); a dashboard above a ward adds up one row per committee of each branch instead of
    one row per work item (issue 24). ``committee_counts_recount`` counts the same from the work items."""

    root = models.ForeignKey(ReviewCycle, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(PartyUnit, verbose_name=_("cấp ủy"), on_delete=models.CASCADE, related_name="+")
    state_not_started = _shift()
    state_in_progress = _shift()
    state_submitted = _shift()
    state_returned = _shift()
    state_resubmitted = _shift()
    state_approved = _shift()
    filed_self_reviews = _shift()
    meetings_held = _shift()
    proposed_people_htxsnv = _shift()  # the proposals of the items that sent them (submitted, resubmitted, approved)
    proposed_people_httnv = _shift()
    proposed_people_htnv = _shift()
    proposed_people_khtnv = _shift()
    proposed_organisations_htxsnv = _shift()
    proposed_organisations_httnv = _shift()
    proposed_organisations_htnv = _shift()
    proposed_organisations_khtnv = _shift()
    decided_people_htxsnv = _shift()  # the decisions of the approved items
    decided_people_httnv = _shift()
    decided_people_htnv = _shift()
    decided_people_khtnv = _shift()
    decided_organisations_htxsnv = _shift()
    decided_organisations_httnv = _shift()
    decided_organisations_htnv = _shift()
    decided_organisations_khtnv = _shift()

    class Meta:
        verbose_name = _("số liệu của cấp ủy")
        verbose_name_plural = _("số liệu của cấp ủy")
        constraints = [models.UniqueConstraint(fields=["root", "unit"], name="committee_counts_unique")]

    def __str__(self) -> str:
        return f"{self.root_id} {self.unit_id}"


COMMITTEE_COUNTERS = (*STATE_COUNTERS, *COUNTERS)
