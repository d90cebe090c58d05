"""Counts of each work item's rows (UnitReviewCounts, one row per UnitReview), kept by database triggers.

The dashboards grouped every member's self-review and rating of a subtree per request (2.1 s for a province of
300,000 members under load, docs/performance.md). Each work item's row now carries:

- ``filed_self_reviews``: its self-reviews in state submitted or resubmitted;
- ``meetings_held``: 1 when its meeting has a date (``held_on``), else 0;
- ``{stage}_{kind}_{level}``: its ratings whose proposed (``proposed_level``) or decided (``decided_level``) level
  is ``level``, for people (members, leading individuals) or organisations (every other subject), whatever the
  item's state (a page applies the state: proposals count once sent, decisions once approved).

Triggers keep them whatever writes the rows (services, the admin, bulk_create, bulk_update, cascades, the
seed's COPY): per statement with transition tables on PostgreSQL (one grouped UPDATE of the rows of the work
items a statement touched, none when no counted column changed, as for a draft's autosave), per row on SQLite
(development, tests). Inserting a work item inserts its row of zeros. ``RECOUNT`` rebuilds every row from the
self-reviews, meetings and ratings (the backfill here, and after a load with the triggers set aside:
``seed_scale`` as a superuser). ``appraisal/tests/test_unit_review_counts.py`` compares the stored counts with
a recount after every kind of write.

The counts are a table of their own rather than columns of the work item: a bulk_create of work items (opening
a cycle) keeps its width, so SQLite's 999 parameters per statement still take a whole ward in one INSERT.
The SQL is spelled out here (not imported from the models) so this migration means the same later.
"""

from django.db import migrations, models
import django.db.models.deletion

COUNTS = "appraisal_unitreviewcounts"

LEVELS = ("htxsnv", "httnv", "htnv", "khtnv")
PEOPLE = "{r}subject IN ('member', 'leading_individual')"
KINDS = {"people": PEOPLE, "organisations": f"NOT {PEOPLE}"}

# table -> (its counters: column on the work item -> condition on a row, ``{r}`` the row's prefix; the columns
# the conditions and the link to the work item read)
COUNTED = {
    "appraisal_selfreview": (
        {"filed_self_reviews": "{r}state IN ('submitted', 'resubmitted')"},
        ("unit_review_id", "state"),
    ),
    "appraisal_reviewmeeting": ({"meetings_held": "{r}held_on IS NOT NULL"}, ("unit_review_id", "held_on")),
    "appraisal_rating": (
        {
            f"{stage}_{kind}_{level}": f"{subjects} AND {{r}}{stage}_level = '{level}'"
            for stage in ("proposed", "decided")
            for kind, subjects in KINDS.items()
            for level in LEVELS
        },
        ("unit_review_id", "subject", "proposed_level", "decided_level"),
    ),
}


def _one(condition: str, row: str = "") -> str:
    """1 when a row (``row``: NEW or OLD in a SQLite trigger, nothing in a query) meets ``condition``, else 0."""
    return f"(CASE WHEN {condition.format(r=row)} THEN 1 ELSE 0 END)"


def _rows(counters: dict, source: str, sign: str = "") -> str:
    """Per row of ``source``, its work item and its contribution (``sign``: "" or "-") to each counter."""
    values = ", ".join(f"{sign}{_one(condition)} AS {column}" for column, condition in counters.items())
    return f"SELECT unit_review_id, {values} FROM {source}"


def _update(counters: dict, rows: str) -> str:
    """One UPDATE adding ``rows`` summed per work item to the items' counts."""
    sets = ", ".join(f"{column} = r.{column} + d.{column}" for column in counters)
    sums = ", ".join(f"SUM({column}) AS {column}" for column in counters)
    nonzero = " OR ".join(f"d.{column} <> 0" for column in counters)
    return (
        f"UPDATE {COUNTS} AS r SET {sets} "
        f"FROM (SELECT unit_review_id, {sums} FROM ({rows}) c GROUP BY unit_review_id) d "
        f"WHERE r.unit_review_id = d.unit_review_id AND ({nonzero})"
    )


def postgresql(table: str) -> list[str]:
    counters, _read = COUNTED[table]
    function = f"{table}_counters"
    inserted = _update(counters, _rows(counters, "new_rows"))
    deleted = _update(counters, _rows(counters, "old_rows", "-"))
    both = f"{_rows(counters, 'new_rows')} UNION ALL {_rows(counters, 'old_rows', '-')}"
    updated = _update(counters, both)
    return [
        f"""CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'INSERT' THEN {inserted};
            ELSIF TG_OP = 'DELETE' THEN {deleted};
            ELSE {updated};
            END IF;
            RETURN NULL;
        END $$""",
        f"""CREATE TRIGGER {table}_counters_insert AFTER INSERT ON {table}
            REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {function}()""",
        f"""CREATE TRIGGER {table}_counters_update AFTER UPDATE ON {table}
            REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {function}()""",
        f"""CREATE TRIGGER {table}_counters_delete AFTER DELETE ON {table}
            REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION {function}()""",
    ]


def postgresql_drop(table: str) -> list[str]:
    return [
        *(f"DROP TRIGGER IF EXISTS {table}_counters_{op} ON {table}" for op in ("insert", "update", "delete")),
        f"DROP FUNCTION IF EXISTS {table}_counters()",
    ]


def _sqlite_apply(counters: dict, row: str, sign: str) -> str:
    sets = ", ".join(f"{column} = {column} {sign} {_one(cond, row + '.')}" for column, cond in counters.items())
    return f"UPDATE {COUNTS} SET {sets} WHERE unit_review_id = {row}.unit_review_id;"


def sqlite(table: str) -> list[str]:
    counters, read = COUNTED[table]
    counted_new = " OR ".join(f"({cond.format(r='NEW.')})" for cond in counters.values())
    counted_old = " OR ".join(f"({cond.format(r='OLD.')})" for cond in counters.values())
    changed = " OR ".join(f"OLD.{column} IS NOT NEW.{column}" for column in read)
    return [
        f"""CREATE TRIGGER {table}_counters_insert AFTER INSERT ON {table} WHEN {counted_new}
            BEGIN {_sqlite_apply(counters, "NEW", "+")} END""",
        f"""CREATE TRIGGER {table}_counters_delete AFTER DELETE ON {table} WHEN {counted_old}
            BEGIN {_sqlite_apply(counters, "OLD", "-")} END""",
        f"""CREATE TRIGGER {table}_counters_update AFTER UPDATE ON {table} WHEN {changed}
            BEGIN {_sqlite_apply(counters, "OLD", "-")} {_sqlite_apply(counters, "NEW", "+")} END""",
    ]


def sqlite_drop(table: str) -> list[str]:
    return [f"DROP TRIGGER IF EXISTS {table}_counters_{op}" for op in ("insert", "update", "delete")]


ALL_COUNTERS = [column for counters, _read in COUNTED.values() for column in counters]
ZEROS = ", ".join("0" for _column in ALL_COUNTERS)
ITEM_INSERTED = {
    "postgresql": [
        f"""CREATE FUNCTION appraisal_unitreview_counts_row() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO {COUNTS} (unit_review_id, {", ".join(ALL_COUNTERS)}) SELECT id, {ZEROS} FROM new_rows;
            RETURN NULL;
        END $$""",
        """CREATE TRIGGER appraisal_unitreview_counts_row AFTER INSERT ON appraisal_unitreview
            REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION appraisal_unitreview_counts_row()""",
    ],
    "sqlite": [
        f"""CREATE TRIGGER appraisal_unitreview_counts_row AFTER INSERT ON appraisal_unitreview BEGIN
            INSERT INTO {COUNTS} (unit_review_id, {", ".join(ALL_COUNTERS)}) VALUES (NEW.id, {ZEROS}); END""",
    ],
}
ITEM_INSERTED_DROP = {
    "postgresql": [
        "DROP TRIGGER IF EXISTS appraisal_unitreview_counts_row ON appraisal_unitreview",
        "DROP FUNCTION IF EXISTS appraisal_unitreview_counts_row()",
    ],
    "sqlite": ["DROP TRIGGER IF EXISTS appraisal_unitreview_counts_row"],
}


def _grouped(table: str) -> str:
    counters, _read = COUNTED[table]
    sums = ", ".join(f"SUM({column}) AS {column}" for column in counters)
    return f"(SELECT unit_review_id, {sums} FROM ({_rows(counters, table)}) c GROUP BY unit_review_id)"


# Every work item's row from the rows themselves (PostgreSQL and SQLite alike).
RECOUNT = [
    f"DELETE FROM {COUNTS}",
    f"INSERT INTO {COUNTS} (unit_review_id, {', '.join(ALL_COUNTERS)}) "
    "SELECT ur.id, "
    + ", ".join(f"COALESCE(t{i}.{column}, 0)" for i, (c, _r) in enumerate(COUNTED.values()) for column in c)
    + " FROM appraisal_unitreview ur "
    + " ".join(f"LEFT JOIN {_grouped(table)} t{i} ON t{i}.unit_review_id = ur.id" for i, table in enumerate(COUNTED)),
]


def install(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    build = {"postgresql": postgresql, "sqlite": sqlite}.get(vendor)
    if build is None:
        raise NotImplementedError(f"work item count triggers for {vendor}")
    for statement in ITEM_INSERTED[vendor]:
        schema_editor.execute(statement)
    for table in COUNTED:
        for statement in build(table):
            schema_editor.execute(statement)
    for statement in RECOUNT:
        schema_editor.execute(statement)


def remove(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    drop = {"postgresql": postgresql_drop, "sqlite": sqlite_drop}.get(vendor)
    if drop is None:
        return
    for statement in ITEM_INSERTED_DROP[vendor]:
        schema_editor.execute(statement)
    for table in COUNTED:
        for statement in drop(table):
            schema_editor.execute(statement)


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
        migrations.RunPython(install, remove),
    ]
