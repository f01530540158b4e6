"""Invitation tokens stored as their SHA-256 only (like API tokens): the clear token of an
invitation already sent is hashed in place, so its e-mail link keeps working."""

import hashlib

from django.db import migrations, models


def hash_existing(apps, schema_editor):
    Invitation = apps.get_model("organisations", "Invitation")
    for invitation in Invitation.objects.all().only("pk", "token"):
        Invitation.objects.filter(pk=invitation.pk).update(
            token_hash=hashlib.sha256(invitation.token.encode()).hexdigest()
        )


class Migration(migrations.Migration):
    dependencies = [("organisations", "0002_initial")]

    operations = [
        migrations.AddField(
            model_name="invitation",
            name="token_hash",
            field=models.CharField(max_length=64, null=True),
        ),
        migrations.RunPython(hash_existing, migrations.RunPython.noop),
        migrations.RemoveField(model_name="invitation", name="token"),
        migrations.AlterField(
            model_name="invitation",
            name="token_hash",
            field=models.CharField(max_length=64, unique=True),
        ),
    ]
