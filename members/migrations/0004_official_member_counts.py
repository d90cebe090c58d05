"""Once: triggers on the membership table keeping ``PartyUnit.official_members``, in two SQL dialects.

The count is now the members app's ``UnitMemberCount``, kept in Python as memberships are written
(``members.counts``); migration 0007 drops those triggers where this migration installed them and fills the
table. Nothing is installed here any more.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0003_member_sort_and_search_keys"),
        ("party_units", "0004_unit_official_members"),
    ]

    operations = []
