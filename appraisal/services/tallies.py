"""Keep ``LevelTally`` (decided levels per deciding committee) in step with the work items' approvals.

``review_transition`` calls ``tally_apply`` in the same transaction whenever a work item enters "approved"
(its ratings' decided levels are added) or leaves it (a reopening: they are taken away). Increments are single
``UPDATE … SET n = n + k`` statements, so two cells of one ward approved at the same time both count.
``tally_recount`` counts the same figures from the ratings themselves; ``tally_rebuild`` replaces the tally
with it (after a bulk load). The tests hold the two equal.
"""

from __future__ import annotations

from collections import Counter
from importlib import import_module

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F
from django.db.models.functions import Coalesce

from ..models import LevelTally, Rating, UnitReview, UnitReviewState

Key = tuple[int, str, str]  # (committee id, subject, level)


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


def counts_rebuild() -> None:
    """Rebuild every work item's counts (``UnitReviewCounts``) from its self-reviews, meeting and ratings, with
    the statements of the migration that made them. For a bulk load written with the triggers set aside
    (``seed_scale`` as a superuser writes with ``session_replication_role = replica``); normal writes, whatever
    their path, never need it."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Rows just copied have no statistics yet: without them the planner may join per row, not by hash.
            cursor.execute(
                "ANALYZE appraisal_unitreview, appraisal_selfreview, appraisal_reviewmeeting, appraisal_rating"
            )
        for statement in import_module("appraisal.migrations.0008_unit_review_counts").RECOUNT:
            cursor.execute(statement)
