import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from partez.households.models import Household
from partez.imports.models import BatchStatus, ImportBatch

from .conftest import ROWS, csv_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db


def upload(client, content, name="foyers.xlsx", scopes=("casework",), on="2026-01-05"):
    return client.post(
        reverse("imports_index"),
        {
            "file": SimpleUploadedFile(name, content),
            "consent_scopes": list(scopes),
            "consent_collected_on": on,
        },
    )


def test_every_error_of_the_upload_form_at_once(client, lens_referent):
    client.force_login(lens_referent.user)
    response = client.post(reverse("imports_index"), {"consent_collected_on": "2099-01-01"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Choisissez le fichier" in page
    response = upload(client, b"", scopes=(), on="")
    page = response.content.decode()
    assert "traitement du dossier" in page and "quand le consentement" in page


def test_upload_preview_fix_confirm_and_undo(client, lens_referent):
    client.force_login(lens_referent.user)
    response = upload(client, xlsx_bytes())
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response.url == reverse("imports_detail", args=[batch.pk])
    page = client.get(response.url).content.decode()
    assert "Ligne 6 · Date de naissance : Date impossible : « 31/02/1990 »." in page
    assert "Ligne 7 · Commune : Commune inconnue" in page
    assert "Importer 2 foyers" in page
    response = client.post(
        reverse("imports_row_edit", args=[batch.pk, 6]),
        {
            "r6-birth_date": "28/02/1990",
            "r6-last_name": "Bernard",
            "r6-first_name": "Lucie",
            "r6-relation": "demandeur",
            "r6-commune": "Lens",
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("imports_detail", args=[batch.pk])).content.decode()
    assert "Importer 3 foyers" in page and "31/02/1990" not in page
    response = client.post(reverse("imports_confirm", args=[batch.pk]))
    assert response.status_code == 302 and "/traitements/" in response.url or "job" in response.url
    batch.refresh_from_db()
    assert batch.status == BatchStatus.IMPORTED and Household.objects.count() == 3
    report = client.get(reverse("imports_report", args=[batch.pk]))
    assert report.status_code == 200 and report["Content-Type"].startswith("application/vnd.openxmlformats")
    response = client.post(reverse("imports_undo", args=[batch.pk]))
    assert response.status_code == 302 and Household.objects.count() == 0


def test_another_organisation_gets_404(client, lens_referent, other_org):
    from tests import factories

    client.force_login(lens_referent.user)
    upload(client, csv_bytes(), name="foyers.csv")
    batch = ImportBatch.objects.get()
    stranger = factories.MembershipFactory(organisation=other_org, role="commune_referent")
    client.force_login(stranger.user)
    assert client.get(reverse("imports_detail", args=[batch.pk])).status_code == 404
    assert client.post(reverse("imports_confirm", args=[batch.pk])).status_code == 404


def test_the_preview_page_costs_a_constant_number_of_queries(
    client, lens_referent, django_assert_max_num_queries
):
    client.force_login(lens_referent.user)
    rows = [
        [f"F{i}", f"Famille{i}", "Alix", "03/05/1987", "demandeur", "Lens"] + [""] * 7 for i in range(400)
    ]
    upload(client, csv_bytes(rows=rows + [list(r) for r in ROWS]), name="foyers.csv")
    batch = ImportBatch.objects.get()
    with django_assert_max_num_queries(20):
        response = client.get(reverse("imports_detail", args=[batch.pk]))
    assert response.status_code == 200 and "Importer 402 foyers" in response.content.decode()


def test_the_template_downloads(client, lens_referent):
    import io

    import openpyxl

    client.force_login(lens_referent.user)
    response = client.get(reverse("imports_template"))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [c.value for c in sheet[1]][:4] == ["N° foyer", "Nom", "Prénom", "Date de naissance"]
