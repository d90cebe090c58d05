"""PartyUnit.official_members goes: the count is the members app's own table now (members.UnitMemberCount, made
and filled by members' migration 0007, which also drops the triggers that wrote this column)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("party_units", "0004_unit_official_members"),
        ("members", "0007_unit_member_counts"),
    ]

    operations = [
        migrations.RemoveField(model_name="partyunit", name="official_members"),
    ]
