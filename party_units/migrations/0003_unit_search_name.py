from django.db import migrations, models


def fill_search_names(apps, schema_editor):
    from party_units.models import fold

    PartyUnit = apps.get_model("party_units", "PartyUnit")
    units = list(PartyUnit.objects.only("pk", "name", "short_name"))
    for unit in units:
        unit.search_name = fold(f"{unit.name} {unit.short_name}")
    PartyUnit.objects.bulk_update(units, ["search_name"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("party_units", "0002_drop_redundant_path_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="partyunit",
            name="search_name",
            field=models.CharField(default="", editable=False, max_length=400),
        ),
        migrations.RunPython(fill_search_names, migrations.RunPython.noop),
    ]
