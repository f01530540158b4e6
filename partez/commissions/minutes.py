"""The minutes (procès-verbal) of a commission session, as PDF in the house layout
(:mod:`partez.core.pdf`): who sat, each decision with its amounts and reason, the amounts
engaged on each envelope, and a block for the members' signatures."""

from __future__ import annotations

from collections import defaultdict

from reportlab.platypus import KeepTogether, Spacer, Table, TableStyle

from partez.core import pdf
from partez.core.money import euros
from partez.households.naming import household_name
from partez.projects.models import ProjectFormat

from .models import CommissionDecision, CommissionSession, DecisionKind


def _dates(decision: CommissionDecision) -> str:
    p = decision.project
    if p.start_date and p.end_date:
        return f"du {p.start_date:%d/%m/%Y} au {p.end_date:%d/%m/%Y}"
    return "dates à préciser"


def _plural(n: int, words: str) -> str:
    """« 2 projets validés »: every word of ``words`` agrees with ``n`` (French: 0 and 1 singular)."""
    return f"{n} " + " ".join(w + ("s" if n > 1 else "") for w in words.split())


def _left(table: Table) -> Table:
    table.hAlign = "LEFT"  # a table narrower than the page starts at the margin, like the text
    return table


def session_title(session: CommissionSession) -> str:
    where = f"Commission de {session.commune.name}" if session.commune else "Commission de la coordination"
    return f"{where} — séance du {pdf.french_date(session.held_on)}"


def minutes_pdf(session: CommissionSession, decisions: list[CommissionDecision]) -> bytes:
    """The minutes' PDF; ``decisions`` from ``selectors.session_decisions`` (names prefetched)."""
    formats = dict(ProjectFormat.choices)
    title = session_title(session)
    story: list = [
        pdf.para("Procès-verbal de la commission d'attribution", "title"),
        pdf.para(f"{title} · édition {session.edition.year} · {session.organisation.name}", "small"),
    ]
    if session.is_open:
        story.append(
            pdf.para("Séance en cours : procès-verbal provisoire, à éditer de nouveau à la clôture.", "h2")
        )
    story += [
        pdf.para("Membres présents", "h2"),
        pdf.para("\n".join(session.member_list) or "Non renseignés."),
    ]

    counts: dict[str, int] = defaultdict(int)
    for d in decisions:
        counts[d.kind] += 1
    aid = sum(d.aid_cents for d in decisions)
    engaged = sum(d.engaged_cents for d in decisions)
    summary = (
        f"{_plural(len(decisions), 'décision')} : {_plural(counts[DecisionKind.VALIDATE], 'projet validé')}"
        f", {_plural(counts[DecisionKind.REFUSE], 'refusé')}, {counts[DecisionKind.ASK_COMPLETION]} à compléter ; "
        f"{euros(aid)} d'aides aux plans validés, dont {euros(engaged)} engagés sur les enveloppes."
    )
    story += [pdf.para("Décisions", "h2"), pdf.para(summary)]
    rows: list[list[str]] = [
        ["Projet", "Famille", "Commune", "Séjour", "Décision", "Aides", "Reste à charge", "Motif"]
    ]
    for d in decisions:
        p = d.project
        rows.append(
            [
                p.reference,
                household_name(p.household),
                p.household.commune.name,
                f"{formats.get(p.format, p.format)}, {_dates(d)}",
                d.get_kind_display(),
                euros(d.aid_cents) if d.kind == DecisionKind.VALIDATE else "",
                euros(d.remaining_cents) if d.remaining_cents is not None else "",
                d.reason,
            ]
        )
    if len(rows) == 1:
        rows.append(["Aucune décision.", "", "", "", "", "", "", ""])
    mm = pdf.mm
    story.append(
        pdf.table(
            rows,
            widths=[22 * mm, 36 * mm, 28 * mm, 52 * mm, 22 * mm, 22 * mm, 24 * mm, 59 * mm],
            align_right=[5, 6],
        )
    )

    per_envelope: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for d in decisions:
        for draw in d.draws:
            key = (str(draw.get("label", "")), str(draw.get("funder", "")))
            per_envelope[key][0] += 1
            per_envelope[key][1] += int(draw.get("cents", 0) or 0)
    envelope_rows: list[list[str]] = [["Enveloppe", "Financeur", "Projets", "Montant engagé"]]
    for (label, funder), (n, cents) in sorted(per_envelope.items()):
        envelope_rows.append([label, funder, str(n), euros(cents)])
    envelope_rows.append(["Total", "", "", euros(engaged)])
    story += [
        pdf.para("Montants engagés par enveloppe", "h2"),
        _left(pdf.table(envelope_rows, widths=[95 * mm, 80 * mm, 30 * mm, 40 * mm], align_right=[2, 3])),
    ]

    place = session.commune.name if session.commune else session.organisation.name
    signatures = [[pdf.para(name, "cell"), ""] for name in session.member_list] or [
        [pdf.para("", "cell"), ""]
    ]
    grid = Table(
        [[pdf.para("Membre", "cell_bold"), pdf.para("Signature", "cell_bold")], *signatures],
        colWidths=[90 * mm, 90 * mm],
        rowHeights=[6 * mm] + [16 * mm] * len(signatures),
    )
    grid.setStyle(
        TableStyle([("GRID", (0, 0), (-1, -1), 0.5, pdf.MUTED), ("VALIGN", (0, 0), (-1, -1), "TOP")])
    )
    story += [
        Spacer(1, 4 * mm),
        KeepTogether(
            [
                pdf.para("Signatures", "h2"),
                pdf.para(f"Fait à {place}, le {pdf.french_date(session.held_on)}."),
                Spacer(1, 2 * mm),
                _left(grid),
            ]
        ),
    ]
    return pdf.build(story, title=f"Procès-verbal — {title}", pagesize=pdf.landscape(pdf.A4)) or b""
