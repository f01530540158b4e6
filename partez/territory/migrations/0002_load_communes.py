"""Load the 36 communes of the CA de Lens-Liévin from the committed fixture (no network)."""

from django.db import migrations


def load(apps, schema_editor):
    from partez.territory.data import load_communes

    load_communes(apps.get_model("territory", "Commune"))


class Migration(migrations.Migration):
    dependencies = [("territory", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
