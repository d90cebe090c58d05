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

from django.db import IntegrityError, connection, models, transaction
from django.db.models import Count, F
from django.db.models.functions import Coalesce

from ..models import (
    PERSON_SUBJECTS,
    LevelTally,
    Rating,
    ReviewMeeting,
    SelfReview,
    SelfReviewState,
    UnitReview,
    UnitReviewCounts,
    UnitReviewState,
)
from ..models.tallies import COUNTER_STAGES, COUNTERS, level_counter

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


def counts_refresh(review: UnitReview | int) -> None:
    """Count one work item's self-reviews, meeting and ratings again into its ``UnitReviewCounts`` row (three
    grouped reads of a cell's few dozen rows by their work item index, one UPDATE). ``review_touch`` and
    ``review_transition`` call it as every workflow's last write, under the work item's row lock
    (``review_lock``), so no two writers of one item count at once."""
    pk = review.pk if isinstance(review, UnitReview) else review
    values = counts_recount([pk])[pk]
    if not UnitReviewCounts.objects.filter(unit_review_id=pk).update(**values):
        UnitReviewCounts.objects.bulk_create([UnitReviewCounts(unit_review_id=pk, **values)], ignore_conflicts=True)


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
    """Replace every work item's counts (``UnitReviewCounts``) with a recount from its self-reviews, meeting
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
    return len(made)
