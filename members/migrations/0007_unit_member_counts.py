"""The members' counters kept in Python: ``UnitMemberCount`` made and filled, the triggers dropped.

Migrations 0004 and 0005 used to install triggers (in a PostgreSQL and a SQLite dialect) keeping
``PartyUnit.official_members`` and ``Membership.sort_key``. The members app now keeps both itself, as it writes
the rows (``members.counts``): this migration drops those triggers wherever they were installed, counts every
unit's open official memberships into the new table and copies every member's sort key onto their memberships.
(party_units' migration 0005 then drops the old column.)
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Count, OuterRef, Q, Subquery

TRIGGERS = {  # name -> table
    "members_membership_count_insert": "members_membership",
    "members_membership_count_update": "members_membership",
    "members_membership_count_delete": "members_membership",
    "members_membership_sort_key": "members_membership",
    "members_membership_sort_key_insert": "members_membership",
    "members_membership_sort_key_update": "members_membership",
    "members_member_sort_key": "members_member",
}
FUNCTIONS = (
    "members_membership_official_count",
    "members_membership_take_sort_key",
    "members_member_pass_sort_key",
)


def drop_triggers(schema_editor) -> None:
    postgresql = schema_editor.connection.vendor == "postgresql"
    for name, table in TRIGGERS.items():
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}" + (f" ON {table}" if postgresql else ""))
    if postgresql:
        for name in FUNCTIONS:
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {name}()")


def forwards(apps, schema_editor):
    drop_triggers(schema_editor)
    Member = apps.get_model("members", "Member")
    Membership = apps.get_model("members", "Membership")
    UnitMemberCount = apps.get_model("members", "UnitMemberCount")
    counted = Membership.objects.filter(Q(end_date__isnull=True, kind="official"))
    found = counted.values_list("unit_id").annotate(n=Count("id")).order_by()
    UnitMemberCount.objects.bulk_create(
        [UnitMemberCount(unit_id=unit_id, official_members=n) for unit_id, n in found], batch_size=2000
    )
    key = Subquery(Member.objects.filter(pk=OuterRef("member_id")).values("sort_key")[:1])
    Membership.objects.exclude(sort_key=key).update(sort_key=key)


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0006_membership_date_indexes"),
        ("party_units", "0004_unit_official_members"),
    ]

    operations = [
        migrations.CreateModel(
            name="UnitMemberCount",
            fields=[
                (
                    "unit",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="member_count",
                        serialize=False,
                        to="party_units.partyunit",
                    ),
                ),
                ("official_members", models.PositiveIntegerField(default=0, editable=False)),
            ],
            options={
                "verbose_name": "số đảng viên của tổ chức",
                "verbose_name_plural": "số đảng viên của tổ chức",
            },
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
