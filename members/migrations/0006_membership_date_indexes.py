"""The partial indexes behind a past cycle's members expected (appraisal.selectors.counts.members_at): the open official
memberships by start date, the closed ones by end date — the few that differ from a cell's stored count on a day."""


from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('members', '0005_membership_sort_key'),
        ('party_units', '0004_unit_official_members'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='membership',
            index=models.Index(condition=models.Q(('end_date__isnull', True), ('kind', 'official')), fields=['start_date'], name='membership_open_start_idx'),
        ),
        migrations.AddIndex(
            model_name='membership',
            index=models.Index(condition=models.Q(('end_date__isnull', False), ('kind', 'official')), fields=['end_date'], name='membership_closed_idx'),
        ),
    ]
