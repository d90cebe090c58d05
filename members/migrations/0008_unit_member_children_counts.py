"""``UnitMemberCount.children_members``: each committee's count of the open official memberships of the units
directly under it (its cells), kept by ``members.counts`` with the unit's own count; counted here once."""

from django.db import migrations, models
from django.db.models import Count, Q


def forwards(apps, schema_editor):
    Membership = apps.get_model("members", "Membership")
    UnitMemberCount = apps.get_model("members", "UnitMemberCount")
    counted = Membership.objects.filter(Q(end_date__isnull=True, kind="official"), unit__parent__isnull=False)
    found = dict(counted.values_list("unit__parent_id").annotate(n=Count("id")).order_by())
    UnitMemberCount.objects.bulk_create(
        [UnitMemberCount(unit_id=pk, children_members=n) for pk, n in found.items()],
        update_conflicts=True,
        unique_fields=["unit"],
        update_fields=["children_members"],
        batch_size=2000,
    )


class Migration(migrations.Migration):
    dependencies = [("members", "0007_unit_member_counts")]

    operations = [
        migrations.AddField(
            model_name="unitmembercount",
            name="children_members",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="unitmembercount",
            index=models.Index(
                condition=models.Q(("children_members__gt", 0)), fields=["unit"], name="member_count_committees_idx"
            ),
        ),
    ]
