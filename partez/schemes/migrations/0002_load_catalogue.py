"""Load the shipped scheme catalogue (version 1 of each scheme; edits later create new versions)."""

from django.db import migrations


def load(apps, schema_editor):
    from partez.schemes import catalogue
    from partez.schemes.definition import parse

    Scheme = apps.get_model("schemes", "Scheme")
    SchemeVersion = apps.get_model("schemes", "SchemeVersion")
    known = set(catalogue.slugs())
    for slug in catalogue.slugs():
        if Scheme.objects.filter(slug=slug).exists():
            continue
        raw = catalogue.raw(slug)
        d = parse(raw, known_slugs=known)
        scheme = Scheme.objects.create(
            slug=slug, name=d.name, channel=d.channel, scope=d.scope, definition=raw, version=1
        )
        SchemeVersion.objects.create(scheme=scheme, number=1, definition=raw, comment="Catalogue livré")


class Migration(migrations.Migration):
    dependencies = [("schemes", "0001_schemes_and_versions")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
