"""Membership.sort_key: the member's sort key on the membership row, for the rosters' order.

A ward's roster is the ward's open official memberships in Vietnamese name order, a page at a time. Ordered by the
member's key, PostgreSQL walks every member of the database in name order until it has found a page of the ward's
(3,000 rows for a ward of a city of 100,000; 170,000 in a country of 5.6 million). With the key on the membership,
the ward's rows come from an index by cell and name, and a city's from an index by name that holds the cell.

The copy was once kept by triggers installed here; it is kept in Python now (``Membership.save``,
``Member.save``, ``members.counts.sort_keys_copy`` for bulk writers), and migration 0007 drops those triggers
and fills the copies.
"""

from django.db import migrations, models

OPEN_OFFICIAL = models.Q(("end_date__isnull", True), ("kind", "official"))


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0004_official_member_counts"),
        ("party_units", "0004_unit_official_members"),
    ]

    operations = [
        migrations.AddField(
            model_name="membership",
            name="sort_key",
            field=models.CharField(default="", editable=False, max_length=1000),
        ),
        migrations.AddIndex(
            model_name="membership",
            index=models.Index(
                condition=OPEN_OFFICIAL, fields=["unit", "sort_key", "member"], name="membership_roster_cell"
            ),
        ),
        migrations.AddIndex(
            model_name="membership",
            index=models.Index(
                condition=OPEN_OFFICIAL, fields=["sort_key", "member", "unit"], name="membership_roster_all"
            ),
        ),
    ]
