"""The group documents: the ANCV participant list and the insurer's list (XLSX, through
:mod:`partez.core.spreadsheet`), the jury's minutes (PDF, through :mod:`partez.core.pdf`)."""

from __future__ import annotations

import io
from collections.abc import Iterable
from decimal import Decimal

from partez.core import pdf
from partez.core.spreadsheet import Workbook
from partez.households.models import EmploymentSituation

from . import rules
from .models import Convention, Group, JurySession, Member, Pack, Role

ANCV_COLUMNS = [
    "N°",
    "Nom",
    "Prénom",
    "Date de naissance",
    "Commune de résidence",
    "Situation",
    "Non imposable",
    "Qualité",
    "Aide ANCV (€)",
    "Reste à payer (€)",
]


def _cents(value: int) -> Decimal:
    """Euros as an exact decimal cell (never a float)."""
    return Decimal(value) / 100


def ancv_list_xlsx(group: Group, members: Iterable[Member], convention: Convention | None) -> bytes:
    """The participant list the porteur sends the ANCV: the convention and the stay on top, then
    one line per participant with their aid or full price."""
    wb = Workbook()
    sheet = wb.create_sheet("Participants")
    stay = group.stay
    sheet.append(["Porteur de projet", group.organisation.name])
    sheet.append(
        ["Convention ANCV", f"{convention.year} — {convention.reference}" if convention else "aucune"]
    )
    if stay is not None:
        sheet.append(["Séjour", f"{stay.place} ({stay.provider})"])
        sheet.append(
            ["Dates", f"du {group.starts_on:%d/%m/%Y} au {group.ends_on:%d/%m/%Y} ({group.nights} nuits)"]
        )
        sheet.append(["Prix par personne (€)", _cents(stay.price_cents)])
    sheet.append(["Groupe", f"{group.reference} — {group.name}"])
    if group.staff:
        sheet.append(["Car et accompagnant·es", group.staff])
    sheet.append([])
    sheet.append(ANCV_COLUMNS)
    for i, m in enumerate(members, start=1):
        p = m.person
        household = p.household
        quality = "Aidant·e" if m.role == Role.CARER else ("Bénéficiaire" if m.eligible else "Plein tarif")
        sheet.append(
            [
                i,
                p.last_name,
                p.first_name,
                p.birth_date,
                household.commune.name,
                EmploymentSituation(p.employment).label if p.employment in EmploymentSituation.values else "",
                {True: "non", False: "oui", None: "non renseigné"}[household.is_taxable],
                quality,
                _cents(m.aid_cents),
                _cents(m.left_to_pay_cents),
            ]
        )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def insurance_xlsx(packs: Iterable[Pack]) -> bytes:
    """The insurer's list of the nominative insurances: names, birth dates, destination, dates."""
    wb = Workbook()
    sheet = wb.create_sheet("Assurance")
    sheet.append(
        ["Nom", "Prénom", "Date de naissance", "Groupe", "Destination", "Départ", "Retour", "N° d'assurance"]
    )
    for pack in packs:
        p, g = pack.member.person, pack.member.group
        sheet.append(
            [
                p.last_name,
                p.first_name,
                p.birth_date,
                g.name,
                g.destination,
                g.starts_on,
                g.ends_on,
                pack.insurance_reference,
            ]
        )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def jury_minutes_pdf(session: JurySession) -> bytes:
    """The minutes: who sat, the grid in force that day, each group's scores, decision and reasons."""
    grid = rules.jury_grid(session.held_on)
    reviews = list(session.reviews.select_related("group__organisation").order_by("group__reference"))
    flow = [
        pdf.para("Sac Ados — procès-verbal du jury", "title"),
        pdf.para(f"{pdf.french_date(session.held_on, weekday=True)}, {session.place}"),
        pdf.para(f"Membres du jury : {session.jurors}"),
        pdf.para("Grille de notation", "h2"),
        pdf.table([["Critère", "Poids"], *[[i.label, str(i.weight)] for i in grid]], align_right=[1]),
        pdf.para("Décisions", "h2"),
    ]
    rows = [["Groupe", "Structure relais", *[i.label for i in grid], "Note /100", "Décision", "Motifs"]]
    for r in reviews:
        rows.append(
            [
                f"{r.group.reference} {r.group.name}",
                r.group.organisation.name,
                *[str(r.scores.get(i.key, "—")) for i in grid],
                "—" if r.score is None else str(r.score),
                r.get_decision_display() or "en attente",
                r.reasons,
            ]
        )
    flow.append(pdf.table(rows, align_right=range(2, 3 + len(grid))))
    accepted = sum(1 for r in reviews if r.decision == "accepted")
    flow.append(pdf.para(f"{accepted} groupe(s) accepté(s) sur {len(reviews)} examiné(s)."))
    if session.closed_at:
        flow.append(
            pdf.para(f"Procès-verbal arrêté le {pdf.french_date(session.closed_at.date())}.", "small")
        )
    result = pdf.build(
        flow, title=f"Jury Sac Ados du {session.held_on:%d/%m/%Y}", pagesize=pdf.landscape(pdf.A4)
    )
    assert result is not None
    return result
