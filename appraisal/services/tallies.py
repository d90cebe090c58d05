"""The appraisal's stored counts, kept by the services as they write: ``LevelTally`` (decided levels per deciding
committee) and ``UnitReviewCounts`` (each work item's filed self-reviews, held meeting, proposed and decided
levels: ``counts_refresh``, called by ``review_touch`` and ``review_transition``, the last step of every workflow
that writes a work item's rows; ``counts_rebuild`` after bulk work).

``LevelTally``: ``review_transition`` calls ``tally_apply`` in the same transaction whenever a work item enters
"approved" (its ratings' decided levels are added) or leaves it (a reopening: they are taken away). Increments
are single ``UPDATE … SET n = n + k`` statements, so two cells of one ward approved at the same time both count.
``tally_recount`` counts the same figures from the ratings themselves; ``tally_rebuild`` replaces the tally
with it (after a bulk load). The tests hold the two equal.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from types import SimpleNamespace
from typing import Any

from django.db import IntegrityError, connection, models, transaction
from django.db.models import Case, Count, F, Q, Sum, When
from django.db.models.functions import Coalesce

from party_units.models import UnitKind

from ..models import (
    PERSON_SUBJECTS,
    CommitteeCounts,
    LevelTally,
    Rating,
    ReviewMeeting,
    SelfReview,
    SelfReviewState,
    UnitReview,
    UnitReviewCounts,
    UnitReviewState,
)
from ..models.tallies import COMMITTEE_COUNTERS, COUNTER_STAGES, COUNTERS, LEVEL_COUNTERS, level_counter, state_counter

Key = tuple[int, str, str]  # (committee id, subject, level)
FILED_SELF_REVIEWS = (SelfReviewState.SUBMITTED, SelfReviewState.RESUBMITTED)
COUNTS_BATCH = 2000


def committee_id_of(review: UnitReview) -> int:
    """The committee whose decisions a work item's ratings count in: the unit's superior (a ward for its cells;
    the issuing unit itself at the top)."""
    return review.unit.parent_id or review.unit_id


def tally_apply(review: UnitReview, sign: int) -> None:
    """Add (``sign`` 1) or take away (-1) the decided levels of ``review``'s ratings: one grouped read, one
    UPDATE per (subject, level) present — a handful for a cell."""
    grouped = (
        Rating.objects.filter(unit_review=review)
        .exclude(decided_level="")
        .values("subject", "decided_level")
        .annotate(n=Count("id"))
        .order_by()
    )
    committee_id = committee_id_of(review)
    for row in grouped:
        key = {"root_id": review.root_id, "committee_id": committee_id, "subject": row["subject"]}
        key["level"] = row["decided_level"]
        delta = sign * row["n"]
        if LevelTally.objects.filter(**key).update(n=F("n") + delta):
            continue
        try:
            with transaction.atomic():
                LevelTally.objects.create(**key, n=max(delta, 0))
        except IntegrityError:  # created by a concurrent approval in the same ward meanwhile
            LevelTally.objects.filter(**key).update(n=F("n") + delta)


def tally_recount(root_id: int) -> Counter[Key]:
    """The tally counted from scratch: decided levels of every approved work item of the cascade."""
    rows = (
        Rating.objects.filter(unit_review__root_id=root_id, unit_review__state=UnitReviewState.APPROVED)
        .exclude(decided_level="")
        .annotate(committee=Coalesce("unit_review__unit__parent_id", "unit_review__unit_id"))
        .values("committee", "subject", "decided_level")
        .annotate(n=Count("id"))
        .order_by()
    )
    return Counter({(r["committee"], r["subject"], r["decided_level"]): r["n"] for r in rows})


def tally_current(root_id: int) -> Counter[Key]:
    rows = LevelTally.objects.filter(root_id=root_id, n__gt=0).values_list("committee_id", "subject", "level", "n")
    return Counter({(c, s, level): n for c, s, level, n in rows})


@transaction.atomic
def tally_rebuild(root_id: int) -> int:
    """Replace the cascade's tally with a full recount (after a bulk load). Returns the number of rows."""
    LevelTally.objects.filter(root_id=root_id).delete()
    made = LevelTally.objects.bulk_create(
        [
            LevelTally(root_id=root_id, committee_id=c, subject=s, level=level, n=n)
            for (c, s, level), n in tally_recount(root_id).items()
        ],
        batch_size=5000,
    )
    return len(made)


# Work items' counts (``UnitReviewCounts``) ----------------------------------------------------------------


def counts_recount(review_ids: list[int] | None = None) -> dict[int, dict[str, int]]:
    """The counters of the given work items (or of every one) from their rows: three grouped reads (self-reviews
    by state, held meetings, ratings by subject and levels), each group counted here."""
    items = review_ids if review_ids is not None else UnitReview.objects.values_list("pk", flat=True)
    found: dict[int, dict[str, int]] = {pk: dict.fromkeys(COUNTERS, 0) for pk in items}
    within = {} if review_ids is None else {"unit_review_id__in": review_ids}

    def grouped(model: type[models.Model], *columns: str, **conditions):
        rows = model.objects.filter(**within, **conditions).values_list("unit_review_id", *columns)
        for item, *values, n in rows.annotate(n=Count("pk")).order_by():
            if item in found:
                yield found[item], values, n

    for counters, _values, n in grouped(SelfReview, state__in=FILED_SELF_REVIEWS):
        counters["filed_self_reviews"] += n
    for counters, _values, n in grouped(ReviewMeeting, held_on__isnull=False):
        counters["meetings_held"] += n
    for counters, (subject, proposed, decided), n in grouped(Rating, "subject", "proposed_level", "decided_level"):
        kind = "people" if subject in PERSON_SUBJECTS else "organisations"
        for stage, level in zip(COUNTER_STAGES, (proposed, decided), strict=True):
            if level:
                counters[level_counter(stage, kind, level)] += n
    return found


def counts_refresh(review: UnitReview | int, *, was: str | None = None) -> None:
    """Count one work item's self-reviews, meeting and ratings again into its ``UnitReviewCounts`` row (three
    grouped reads of a cell's few dozen rows by their work item index, one UPDATE), and move its committee's
    ``CommitteeCounts`` by the difference (one UPDATE, none when nothing it counts changed). ``was``: the
    item's state before this write, when the write changed it. ``review_touch`` and ``review_transition`` call
    it as every workflow's last write, under the work item's row lock (``review_lock``), so no two writers of
    one item count at once."""
    if not isinstance(review, UnitReview):
        review = UnitReview.objects.select_related("unit").get(pk=review)
    pk = review.pk
    # The stored counts and the item's state as written (the caller's copy of the item may be older).
    before = UnitReviewCounts.objects.filter(unit_review_id=pk).values(*COUNTERS, state=F("unit_review__state"))
    before = before.first()
    values = counts_recount([pk])[pk]
    if before is None:
        UnitReviewCounts.objects.bulk_create([UnitReviewCounts(unit_review_id=pk, **values)], ignore_conflicts=True)
        return  # an item made past ``counts_create``: its committee's row is counted by a rebuild
    state = before.pop("state")
    if before != values:
        UnitReviewCounts.objects.filter(unit_review_id=pk).update(**values)
    delta = committee_share(values, state)
    delta.subtract(committee_share(before, was or state))
    committee_counts_shift(review.root_id, committee_of(review.unit), delta)


# Committees' counts (``CommitteeCounts``) ----------------------------------------------------------------

PROPOSED_STATES = (UnitReviewState.SUBMITTED, UnitReviewState.RESUBMITTED, UnitReviewState.APPROVED)
_ZEROS = [name for name in COMMITTEE_COUNTERS if name != state_counter(UnitReviewState.NOT_STARTED)]
ZERO_COLUMNS, ZERO_VALUES = ", ".join(_ZEROS), ", ".join("0" for _name in _ZEROS)


def committee_of(unit) -> int:
    """The committee whose ``CommitteeCounts`` row counts a unit's work item: a cell's parent, else the unit."""
    return unit.parent_id if unit.kind == UnitKind.CELL and unit.parent_id else unit.pk


def committee_share(values: Mapping[str, Any], state: str, n: int = 1) -> Counter[str]:
    """What ``n`` work items in ``state`` whose counts sum to ``values`` add to their committee's row: their
    number in that state, their filed self-reviews and meetings, proposals once sent, decisions once approved
    (as the dashboard counts them)."""
    share = Counter({state_counter(state): n, "filed_self_reviews": values["filed_self_reviews"]})
    share["meetings_held"] = values["meetings_held"]
    for name in LEVEL_COUNTERS:
        stage = name.split("_", 1)[0]
        if (stage == "proposed" and state in PROPOSED_STATES) or (stage == "decided" and state == "approved"):
            share[name] = values[name]
    return share


def committee_counts_shift(root_id: int, committee_id: int, delta: Counter[str]) -> None:
    """Add ``delta`` to a committee's row: one ``UPDATE … SET n = n + k`` (so two cells of one ward written at
    once both count), the row made on its first use."""
    changed = {name: n for name, n in delta.items() if n}
    if not changed:
        return
    key = {"root_id": root_id, "unit_id": committee_id}
    if CommitteeCounts.objects.filter(**key).update(**{name: F(name) + n for name, n in changed.items()}):
        return
    try:
        with transaction.atomic():
            CommitteeCounts.objects.create(**key, **{name: max(n, 0) for name, n in changed.items()})
    except IntegrityError:  # made by a concurrent write in the same committee meanwhile
        CommitteeCounts.objects.filter(**key).update(**{name: F(name) + n for name, n in changed.items()})


def committee_counts_add(root_id: int, units: list[tuple[int, str, int | None]]) -> None:
    """Count new work items, not started, of the units ``(id, kind, parent id)`` into their committees' rows: one
    ``INSERT … ON CONFLICT DO UPDATE SET n = n + excluded.n`` per batch (PostgreSQL and SQLite), so rows made
    now and rows that already count other items of the cascade (a scope sync) both come out right."""
    new = Counter(committee_of(SimpleNamespace(pk=pk, kind=kind, parent_id=parent)) for pk, kind, parent in units)
    table, column = CommitteeCounts._meta.db_table, state_counter(UnitReviewState.NOT_STARTED)
    rows = sorted(new.items())
    with connection.cursor() as cursor:
        for first in range(0, len(rows), COUNTS_BATCH):
            batch = rows[first : first + COUNTS_BATCH]
            values = ", ".join(["(CAST(%s AS INTEGER), CAST(%s AS INTEGER), CAST(%s AS INTEGER))"] * len(batch))
            cursor.execute(
                f"INSERT INTO {table} (root_id, unit_id, {column}, {ZERO_COLUMNS}) "  # noqa: S608 (names are ours)
                f"SELECT v.*, {ZERO_VALUES} FROM (VALUES {values}) v WHERE true "  # WHERE: SQLite's parser
                f"ON CONFLICT (root_id, unit_id) DO UPDATE SET {column} = {table}.{column} + excluded.{column}",
                [value for committee, n in batch for value in (root_id, committee, n)],
            )


def committee_counts_recount(root_ids: list[int] | None = None) -> dict[tuple[int, int], Counter[str]]:
    """Every committee's counts (``(root id, committee id)`` → counters) from the work items and their stored
    counts: one grouped query."""
    items = UnitReview.objects.all() if root_ids is None else UnitReview.objects.filter(root_id__in=root_ids)
    cell = Q(unit__kind=UnitKind.CELL, unit__parent__isnull=False)
    rows = (
        items.annotate(committee=Case(When(cell, then=F("unit__parent_id")), default=F("unit_id")))
        .values("root_id", "committee", "state")
        .annotate(n=Count("id"), **{name: Coalesce(Sum(f"counts__{name}"), 0) for name in COUNTERS})
        .order_by()
    )
    found: dict[tuple[int, int], Counter[str]] = {}
    for row in rows:
        found.setdefault((row["root_id"], row["committee"]), Counter()).update(
            committee_share(row, row["state"], row["n"])
        )
    return found


def committee_counts_current(root_ids: list[int] | None = None) -> dict[tuple[int, int], Counter[str]]:
    rows = CommitteeCounts.objects.all() if root_ids is None else CommitteeCounts.objects.filter(root_id__in=root_ids)
    found = {}
    for root_id, unit_id, *values in rows.values_list("root_id", "unit_id", *COMMITTEE_COUNTERS):
        counted = Counter({name: n for name, n in zip(COMMITTEE_COUNTERS, values, strict=True) if n})
        if counted:
            found[(root_id, unit_id)] = counted
    return found


@transaction.atomic
def committee_counts_rebuild(root_ids: list[int] | None = None) -> int:
    """Replace the committees' counts of the given cascades (or all) with a recount: after work items are made
    (``cycle_open``), join another cascade or are loaded in bulk. Returns the number of rows."""
    rows = CommitteeCounts.objects.all() if root_ids is None else CommitteeCounts.objects.filter(root_id__in=root_ids)
    rows.delete()
    made = CommitteeCounts.objects.bulk_create(
        [
            CommitteeCounts(root_id=root_id, unit_id=unit_id, **counted)
            for (root_id, unit_id), counted in committee_counts_recount(root_ids).items()
        ],
        batch_size=COUNTS_BATCH,
    )
    return len(made)


def counts_create(reviews: list[UnitReview]) -> None:
    """A row of zeros for each of ``reviews``, work items just inserted (``cycle_open``): one bulk insert."""
    ids = [review.pk for review in reviews]
    if None in ids:  # a database that returns no ids from a bulk insert: the items without a row
        ids = list(UnitReview.objects.filter(counts__isnull=True).values_list("pk", flat=True))
    UnitReviewCounts.objects.bulk_create(
        [UnitReviewCounts(unit_review_id=pk) for pk in ids], batch_size=COUNTS_BATCH, ignore_conflicts=True
    )


@transaction.atomic
def counts_rebuild() -> int:
    """Replace every work item's counts (``UnitReviewCounts``), and the committees' (``CommitteeCounts``), with a
    recount from its self-reviews, meeting
    and ratings: after a bulk load (``seed_scale``'s COPY, the demo) or bulk writes past the services. Returns
    the number of rows written."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Rows just copied have no statistics yet: without them the planner may join per row, not by hash.
            cursor.execute(
                "ANALYZE appraisal_unitreview, appraisal_selfreview, appraisal_reviewmeeting, appraisal_rating"
            )
    found = counts_recount()
    UnitReviewCounts.objects.all().delete()
    made = UnitReviewCounts.objects.bulk_create(
        [UnitReviewCounts(unit_review_id=pk, **values) for pk, values in found.items()], batch_size=COUNTS_BATCH
    )
    committee_counts_rebuild()
    return len(made)
