"""Recompute name keys: they now also place tone marks in one canonical position ("Thủy" = "Thuỷ")."""

from django.db import migrations


def recompute(apps, schema_editor):
    from members.models import name_key

    Member = apps.get_model("members", "Member")
    batch = []
    for member in Member.objects.only("id", "full_name", "name_key", "given_name").iterator(chunk_size=2000):
        key = name_key(member.full_name)
        if key != member.name_key:
            member.name_key = key
            member.given_name = key.rsplit(" ", 1)[-1][:40] if key else ""
            batch.append(member)
        if len(batch) >= 1000:
            Member.objects.bulk_update(batch, ["name_key", "given_name"])
            batch = []
    if batch:
        Member.objects.bulk_update(batch, ["name_key", "given_name"])


class Migration(migrations.Migration):
    dependencies = [("members", "0001_initial")]

    operations = [migrations.RunPython(recompute, migrations.RunPython.noop)]
