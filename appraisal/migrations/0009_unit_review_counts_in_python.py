"""UnitReviewCounts kept by the services (``appraisal/services/tallies.py``): the triggers that migration 0008
used to install (per statement on PostgreSQL, per row on SQLite) are dropped wherever they were, and every work
item's counts are recounted from its self-reviews, meeting and ratings (SQLite dropped such triggers whenever
Django rebuilt a table, so a count kept by them may have drifted)."""

from django.db import migrations
from django.db.models import Count, Q

COUNTED_TABLES = ("appraisal_selfreview", "appraisal_reviewmeeting", "appraisal_rating")
LEVELS = ("htxsnv", "httnv", "htnv", "khtnv")
PEOPLE = ("member", "leading_individual")


def drop_triggers(schema_editor) -> None:
    postgresql = schema_editor.connection.vendor == "postgresql"
    triggers = {"appraisal_unitreview_counts_row": "appraisal_unitreview"}
    triggers |= {f"{table}_counters_{op}": table for table in COUNTED_TABLES for op in ("insert", "update", "delete")}
    for name, table in triggers.items():
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}" + (f" ON {table}" if postgresql else ""))
    if postgresql:
        for name in ("appraisal_unitreview_counts_row", *(f"{table}_counters" for table in COUNTED_TABLES)):
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {name}()")


def forwards(apps, schema_editor):
    drop_triggers(schema_editor)
    get = lambda name: apps.get_model("appraisal", name)  # noqa: E731
    people = Q(subject__in=PEOPLE)
    counted = {
        "SelfReview": {"filed_self_reviews": Q(state__in=("submitted", "resubmitted"))},
        "ReviewMeeting": {"meetings_held": Q(held_on__isnull=False)},
        "Rating": {
            f"{stage}_{kind}_{level}": subjects & Q(**{f"{stage}_level": level})
            for stage in ("proposed", "decided")
            for kind, subjects in (("people", people), ("organisations", ~people))
            for level in LEVELS
        },
    }
    found = {pk: {} for pk in get("UnitReview").objects.values_list("pk", flat=True)}
    for model, counters in counted.items():
        aggregates = {column: Count("pk", filter=condition) for column, condition in counters.items()}
        for row in get(model).objects.order_by().values("unit_review_id").annotate(**aggregates):
            found[row.pop("unit_review_id")].update(row)
    UnitReviewCounts = get("UnitReviewCounts")
    UnitReviewCounts.objects.all().delete()
    UnitReviewCounts.objects.bulk_create(
        [UnitReviewCounts(unit_review_id=pk, **values) for pk, values in found.items()], batch_size=2000
    )


class Migration(migrations.Migration):
    dependencies = [
        ("appraisal", "0008_unit_review_counts"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
