import datetime as dt

from django.db import migrations

# Every section of a funder's report (partez.reports.funder_report.SECTIONS), in print order.
DEFAULT_SECTIONS = [
    "key_figures",
    "budget",
    "by_scheme",
    "by_commune",
    "by_age",
    "by_household_type",
    "by_qf",
    "by_employment",
    "destinations",
    "satisfaction",
]


def create(apps, schema_editor):
    ReportDefinition = apps.get_model("reports", "ReportDefinition")
    ReportDefinition.objects.get_or_create(
        funder=None,
        valid_from=dt.date(2024, 1, 1),
        defaults={"name": "Rapport aux financeurs — modèle commun", "sections": DEFAULT_SECTIONS},
    )


def remove(apps, schema_editor):
    apps.get_model("reports", "ReportDefinition").objects.filter(
        funder=None, valid_from=dt.date(2024, 1, 1)
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_report_definitions_survey_reminders")]

    operations = [migrations.RunPython(create, remove)]
