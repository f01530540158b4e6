import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from partez.core.errors import DomainError, NotAllowed
from partez.households.models import Consent, Household, Person
from partez.imports import reader, services
from partez.imports.models import BatchStatus
from tests import factories

from .conftest import HEADERS, ROWS, csv_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db


def test_xlsx_with_a_merged_title_and_excel_dates():
    table = reader.read("foyers.xlsx", xlsx_bytes())
    assert table.headers == HEADERS
    assert table.rows[0][0] == 3  # the file's own row number: title, headers, then data
    assert table.rows[0][1][3] == "1987-05-03"


def test_merged_header_cells_name_every_column_they_cover():
    import io

    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(title=False)))
    sheet = book.active
    sheet.insert_rows(1)
    sheet["A1"] = "Identité"
    sheet.merge_cells("A1:C1")
    out = io.BytesIO()
    book.save(out)
    table = reader.read("foyers.xlsx", out.getvalue())
    assert table.headers[:3] == HEADERS[:3]


def test_csv_as_french_excel_writes_it():
    table = reader.read("foyers.csv", csv_bytes(encoding="cp1252"))
    assert table.headers[2] == "Prénom" and table.rows[2][1][1] == "Lefèvre"
    assert reader.read("foyers.csv", csv_bytes(sep=",")).rows[0][1][1] == "Dupont"


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("foyers.csv", b"", "vide"),
        ("foyers.pdf", b"%PDF-1.4", "Format non pris en charge"),
        ("foyers.csv", b"a;b;c\n1;2;3\n", "Aucune ligne d'en-t"),
        ("foyers.xlsx", b"PK\x03\x04 broken", "ne peut pas"),
    ],
)
def test_unreadable_files_say_why(name, content, message):
    with pytest.raises(DomainError, match=message):
        reader.read(name, content)


def test_the_preview_says_what_will_happen_and_every_error(read, lens_referent):
    batch = read()
    preview = services.preview(batch, lens_referent)
    assert [p.action for p in preview.planned] == ["create", "create", "error", "error"]
    errors = {(e.row, e.field) for e in preview.errors}
    assert errors == {
        (5, "Date de naissance"),
        (6, "Commune"),
        (6, "Téléphone"),
        (6, "Revenus imposables annuels"),
        (6, "Lien"),  # a household with only a spouse has no head
    }
    assert Household.objects.count() == 0  # nothing saved before confirming


def test_consent_is_asked_with_its_date(read):
    with pytest.raises(DomainError) as caught:
        read(scopes=(), on=None)
    assert set(caught.value.errors) == {"consent_scopes", "consent_collected_on"}
    with pytest.raises(DomainError, match="futur"):
        read(on=timezone.localdate() + dt.timedelta(days=3))


def test_only_the_coordination_and_a_commune_referent_import(worker):
    with pytest.raises(NotAllowed):
        services.batch_read(
            actor=worker,
            name="f.csv",
            content=csv_bytes(),
            consent_scopes=["casework"],
            consent_collected_on=dt.date(2026, 1, 1),
        )


def test_confirm_imports_households_without_errors_with_their_consent(read, lens_referent):
    batch = read(scopes=("casework", "contact"))
    services.batch_confirm(actor=lens_referent, batch=batch)  # the job runs at once in tests
    batch.refresh_from_db()
    assert batch.status == BatchStatus.IMPORTED
    assert batch.summary["households_created"] == 2 and batch.summary["persons_created"] == 3
    dupont = Household.objects.get(persons__first_name="Sylvie")
    assert dupont.phone == "+33612345678" and dupont.caf_number == "1234567"
    assert dupont.annual_taxable_income_cents == 1_450_000 and dupont.qf_cents is not None
    consent = Consent.objects.get(household=dupont)
    assert consent.scopes == ["casework", "contact"] and consent.collected_at.date() == dt.date(2026, 1, 5)
    assert dupont.followups.get().organisation == lens_referent.organisation


def test_fixing_a_row_in_place_lets_its_household_in(read, lens_referent):
    batch = read()
    batch = services.row_edit(actor=lens_referent, batch=batch, row=5, values={"birth_date": "28/02/1990"})
    batch = services.row_edit(
        actor=lens_referent,
        batch=batch,
        row=6,
        values={"commune": "Lens", "phone": "", "income": "50", "relation": "demandeuse"},
    )
    preview = services.preview(batch, lens_referent)
    assert [p.action for p in preview.planned] == ["create"] * 4 and not preview.errors
    assert batch.edited_rows == [5, 6]


def test_reimporting_the_same_file_changes_nothing_and_a_new_value_updates(read, lens_referent):
    services.batch_confirm(actor=lens_referent, batch=read())
    households, persons = Household.objects.count(), Person.objects.count()
    again = read()
    preview = services.preview(again, lens_referent)
    assert [p.action for p in preview.planned] == ["skip", "skip", "error", "error"]
    with pytest.raises(DomainError, match="Rien à importer"):
        services.batch_confirm(actor=lens_referent, batch=again)
    rows = [list(r) for r in ROWS]
    rows[0][6] = "9 rue Neuve"
    rows.append(["A1", "Dupont", "Jade", "01/04/2019", "enfant", "", "", "", "", "", "", "", ""])
    moved = read(content=csv_bytes(rows=rows))
    [first, *_] = services.preview(moved, lens_referent).planned
    assert first.action == "update" and first.changes == ["adresse", "1 personne ajoutée"]
    services.batch_confirm(actor=lens_referent, batch=moved)
    assert Household.objects.count() == households and Person.objects.count() == persons + 1
    assert Household.objects.get(persons__first_name="Jade").address == "9 rue Neuve"


def test_a_known_household_is_found_by_its_caf_number_or_its_head(read, lens_referent, ccas, commune):
    existing = factories.HouseholdFactory(commune=commune, created_by_organisation=ccas, caf_number="1234567")
    factories.PersonFactory(
        household=existing,
        relation="head",
        first_name="Sylvie",
        last_name="Dupont-Martin",
        birth_date="1987-05-03",
    )
    preview = services.preview(read(), lens_referent)
    assert preview.planned[0].action == "update" and preview.planned[0].household == existing


def test_undo_removes_what_it_created_and_restores_what_it_changed(read, lens_referent):
    services.batch_confirm(actor=lens_referent, batch=read())
    rows = [list(r) for r in ROWS]
    rows[0][6] = "9 rue Neuve"
    second = read(
        content=csv_bytes(
            rows=rows + [["A9", "Nouveau", "Tom", "01/01/1970", "demandeur", "Lens"] + [""] * 7]
        )
    )
    services.batch_confirm(actor=lens_referent, batch=second)
    assert Household.objects.count() == 3
    services.batch_undo(actor=lens_referent, batch=second)
    assert Household.objects.count() == 2
    assert Household.objects.get(persons__first_name="Sylvie").address == "4 rue des Tilleuls"
    second.refresh_from_db()
    assert second.status == BatchStatus.UNDONE
    with pytest.raises(DomainError, match="terminé"):
        services.batch_undo(actor=lens_referent, batch=second)


def test_undo_is_refused_once_a_project_exists(read, lens_referent, edition):
    batch = read()
    services.batch_confirm(actor=lens_referent, batch=batch)
    factories.ProjectFactory(
        household=Household.objects.first(), organisation=lens_referent.organisation, edition=edition
    )
    with pytest.raises(DomainError, match="projets"):
        services.batch_undo(actor=lens_referent, batch=batch)
    assert Household.objects.count() == 2


def test_a_column_mapped_once_is_recognised_in_the_next_file(read, lens_referent):
    headers = [*HEADERS[:2], "Nom de jeune fille", *HEADERS[2:]]
    rows = [[*r[:2], "", *r[2:]] for r in ROWS]
    batch = read(content=csv_bytes(rows=rows, headers=headers))
    assert services.preview(batch, lens_referent).unknown_headers == ["Nom de jeune fille"]
    batch = services.mapping_save(actor=lens_referent, batch=batch, mapping={"Nom de jeune fille": ""})
    assert services.preview(batch, lens_referent).unknown_headers == []
    later = read(content=csv_bytes(rows=rows, headers=headers))
    assert services.preview(later, lens_referent).unknown_headers == []


def test_command_prints_one_json_object_and_dry_run_saves_nothing(tmp_path, lens_referent, capsys):
    path = tmp_path / "foyers.xlsx"
    path.write_bytes(xlsx_bytes())
    slug = lens_referent.organisation.slug
    call_command("import_households", organisation=slug, file=str(path), dry_run=True)
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert set(result) == {
        "rows",
        "households_created",
        "households_updated",
        "persons_created",
        "rows_in_error",
        "errors",
    }
    assert result["rows"] == 5 and result["households_created"] == 2 and result["rows_in_error"] == 2
    assert {
        "row": 7,
        "field": "Commune",
        "message": "Commune inconnue : « Atlantis » (une commune du territoire, ou son code INSEE).",
    } in result["errors"]
    assert Household.objects.count() == 0
    call_command("import_households", organisation=slug, file=str(path))
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert result["households_created"] == 2 and Household.objects.count() == 2
    call_command("import_households", organisation=slug, file=str(path))
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert result["households_created"] == 0 and result["households_updated"] == 0
