"""The households export: one line per person of the households an organisation sees, read in
chunks (keyset on the household), as XLSX (the UI's background job) or CSV (French Excel:
semicolons, BOM, dates as dd/mm/yyyy) — the same lines either way, written through
``core.spreadsheet`` (formula cells neutralised). ``manage.py export_households`` writes it too."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from partez.core import spreadsheet
from partez.organisations import perms
from partez.organisations.models import Membership, Organisation

from .models import Person
from .selectors import households_for

CHUNK = 500
HEADERS = [
    "Référence foyer",
    "Commune",
    "Code INSEE",
    "QF (€)",
    "Prénom",
    "Nom",
    "Date de naissance",
    "Lien",
    "Situation",
    "Handicap",
]


def households_of(m: Membership):
    """The households ``m`` sees (the scope of ``selectors.households_for``), in export order."""
    return households_for(m).order_by("pk")


def rows(households, on_chunk: Callable[[int], None] | None = None) -> Iterator[list]:
    """The lines (without the header); ``on_chunk(households done)`` after each chunk."""
    done, last_pk = 0, 0
    while True:
        batch = list(
            households.filter(pk__gt=last_pk).select_related("commune").defer("commune__geometry")[:CHUNK]
        )
        if not batch:
            return
        persons = Person.objects.filter(household__in=batch).order_by("household_id", "birth_date", "pk")
        by_household: dict[int, list[Person]] = {}
        for p in persons:
            by_household.setdefault(p.household_id, []).append(p)
        for h in batch:
            for p in by_household.get(h.pk, []):
                yield [
                    h.reference,
                    h.commune.name,
                    h.commune.insee_code,
                    h.qf_euros,
                    p.first_name,
                    p.last_name,
                    p.birth_date,
                    p.get_relation_display(),
                    p.get_employment_display(),
                    "oui" if p.has_disability else "non",
                ]
        done += len(batch)
        last_pk = batch[-1].pk
        if on_chunk is not None:
            on_chunk(done)


def write_xlsx(lines, output) -> None:
    wb = spreadsheet.Workbook()
    ws = wb.create_sheet("Personnes")
    ws.append(HEADERS)
    for line in lines:
        ws.append(line)
    wb.save(output)


def write_csv(lines, output) -> None:
    """``output``: a text stream (open it with ``newline=""``)."""
    output.write("\ufeff")
    writer = spreadsheet.csv_writer(output, delimiter=";")
    writer.writerow(HEADERS)
    for line in lines:
        writer.writerow(line)


def organisation_view(organisation: Organisation) -> Membership | None:
    """Run without a member (the command): the widest view a member of ``organisation`` allowed
    to export has (its first such role: coordinator, commune referent, social worker), as an
    unsaved membership; None when no role of that kind of organisation may export."""
    for role in perms.ROLES_BY_KIND.get(organisation.kind, []):
        view = Membership(organisation=organisation, role=role)
        if perms.can_export_households(view):
            return view
    return None
