"""Two derived keys of a member's name, filled here for existing rows and on every save after:
- sort_key: the Vietnamese alphabetical order as an indexed string (members.text.sort_key_text), so rosters
  sort and page in the database on PostgreSQL and SQLite alike;
- search_key: the name without marks (members.text.fold), so "duc" finds "Đức" in one query.
"""

from django.db import migrations, models


def fill(apps, schema_editor):
    from members.text import fold, sort_key_text

    Member = apps.get_model("members", "Member")
    batch = []
    for member in Member.objects.only("id", "full_name", "name_key", "given_name").iterator(chunk_size=2000):
        member.sort_key = sort_key_text(member.given_name, member.name_key)
        member.search_key = fold(member.full_name)[:120]
        batch.append(member)
        if len(batch) >= 1000:
            Member.objects.bulk_update(batch, ["sort_key", "search_key"])
            batch = []
    if batch:
        Member.objects.bulk_update(batch, ["sort_key", "search_key"])


class Migration(migrations.Migration):
    dependencies = [("members", "0002_name_key_canonical_tones")]

    operations = [
        migrations.AddField(
            model_name="member",
            name="search_key",
            field=models.CharField(db_index=True, default="", editable=False, max_length=120),
        ),
        migrations.AddField(
            model_name="member",
            name="sort_key",
            field=models.CharField(db_index=True, default="", editable=False, max_length=1000),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterModelOptions(
            name="member",
            options={"ordering": ["sort_key", "id"], "verbose_name": "đảng viên", "verbose_name_plural": "đảng viên"},
        ),
    ]
