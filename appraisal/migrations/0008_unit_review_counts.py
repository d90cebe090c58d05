"""Counts of each work item's rows (UnitReviewCounts, one row per UnitReview).

The dashboards grouped every member's self-review and rating of a subtree per request (2.1 s for a province of
300,000 members under load, docs/performance.md). Each work item's row now carries:

- ``filed_self_reviews``: its self-reviews in state submitted or resubmitted;
- ``meetings_held``: 1 when its meeting has a date (``held_on``), else 0;
- ``{stage}_{kind}_{level}``: its ratings whose proposed (``proposed_level``) or decided (``decided_level``) level
  is ``level``, for people (members, leading individuals) or organisations (every other subject), whatever the
  item's state (a page applies the state: proposals count once sent, decisions once approved).

The counts are a table of their own rather than columns of the work item: a bulk_create of work items (opening
a cycle) keeps its width, so SQLite's 999 parameters per statement still take a whole ward in one INSERT.
They were once kept by triggers installed here (two SQL dialects); the services keep them now
(``appraisal/services/tallies.py``) and migration 0009 drops those triggers and recounts.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("appraisal", "0007_level_tally"),
    ]

    operations = [
        migrations.CreateModel(
            name="UnitReviewCounts",
            fields=[
                (
                    "unit_review",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="counts",
                        serialize=False,
                        to="appraisal.unitreview",
                    ),
                ),
                ("filed_self_reviews", models.PositiveIntegerField(default=0, editable=False)),
                ("meetings_held", models.PositiveIntegerField(default=0, editable=False)),
                ("proposed_people_htxsnv", models.PositiveIntegerField(default=0, editable=False)),
                ("proposed_people_httnv", models.PositiveIntegerField(default=0, editable=False)),
                ("proposed_people_htnv", models.PositiveIntegerField(default=0, editable=False)),
                ("proposed_people_khtnv", models.PositiveIntegerField(default=0, editable=False)),
                ("proposed_organisations_htxsnv", models.PositiveIntegerField(default=0, editable=False)),
                ("proposed_organisations_httnv", models.PositiveIntegerField(default=0, editable=False)),
                ("proposed_organisations_htnv", models.PositiveIntegerField(default=0, editable=False)),
                ("proposed_organisations_khtnv", models.PositiveIntegerField(default=0, editable=False)),
                ("decided_people_htxsnv", models.PositiveIntegerField(default=0, editable=False)),
                ("decided_people_httnv", models.PositiveIntegerField(default=0, editable=False)),
                ("decided_people_htnv", models.PositiveIntegerField(default=0, editable=False)),
                ("decided_people_khtnv", models.PositiveIntegerField(default=0, editable=False)),
                ("decided_organisations_htxsnv", models.PositiveIntegerField(default=0, editable=False)),
                ("decided_organisations_httnv", models.PositiveIntegerField(default=0, editable=False)),
                ("decided_organisations_htnv", models.PositiveIntegerField(default=0, editable=False)),
                ("decided_organisations_khtnv", models.PositiveIntegerField(default=0, editable=False)),
            ],
            options={
                "verbose_name": "số liệu của phần việc",
                "verbose_name_plural": "số liệu của phần việc",
            },
        ),
    ]
