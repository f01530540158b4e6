"""The séjour commun's weeks run in July and August (the shipped catalogue said June to August,
so a 9 June stay was offered a camping week): a new version of the scheme whose stored season is
still the one shipped; a season the coordination has edited is left as it is."""

from django.db import migrations

SHIPPED = [6, 7, 8]


def update(apps, schema_editor):
    from partez.schemes import catalogue

    Scheme = apps.get_model("schemes", "Scheme")
    SchemeVersion = apps.get_model("schemes", "SchemeVersion")
    scheme = Scheme.objects.filter(slug="sejour-commun").first()
    if scheme is None:
        return
    definition = dict(scheme.definition)
    months = definition.get("parameters", {}).get("months", {})
    if [v.get("value") for v in months.get("values", [])] != [SHIPPED]:
        return
    shipped = catalogue.raw("sejour-commun")["parameters"]["months"]
    definition["parameters"] = {**definition["parameters"], "months": shipped}
    scheme.definition = definition
    scheme.version += 1
    scheme.save(update_fields=["definition", "version"])
    SchemeVersion.objects.create(
        scheme=scheme,
        number=scheme.version,
        definition=definition,
        comment="Catalogue : les semaines en camping ont lieu en juillet et août",
    )


class Migration(migrations.Migration):
    dependencies = [("schemes", "0002_load_catalogue")]
    operations = [migrations.RunPython(update, migrations.RunPython.noop)]
