"""One funder's report for an edition: what its envelopes paid for, for whom (aggregates only,
small cells suppressed) and with what outcome, laid out by the report definition in force for the
funding period (:class:`~partez.reports.models.ReportDefinition`), as PDF (the house layout of
:mod:`partez.core.pdf`, charts drawn with reportlab.graphics) and XLSX. No name, no address."""

from __future__ import annotations

import io

from django.db.models import Q
from django.utils import timezone
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.platypus import KeepTogether, Spacer

from partez.core import pdf
from partez.core.spreadsheet import Workbook
from partez.organisations.models import Organisation
from partez.territory.models import Edition

from . import selectors, svg
from .models import ReportDefinition
from .stats import MASKED_EXPLANATION, SUPPRESSED, target_progress, text

# section key → (heading, table of the bilan or None for the key figures, measure charted)
SECTIONS = {
    "key_figures": ("Chiffres clés", None, None),
    "budget": ("Ce que vos enveloppes ont financé", "budget", "granted_cents"),
    "by_scheme": ("Par dispositif d'aide", "by_scheme", "left"),
    "by_commune": ("Par commune de résidence", "by_commune", "left"),
    "by_age": ("Par âge", "by_age", "registered"),
    "by_household_type": ("Par type de foyer", "by_household_type", "registered"),
    "by_qf": ("Par quotient familial", "by_qf", "registered"),
    "by_employment": ("Par situation", "by_employment", "registered"),
    "destinations": ("Destinations", "by_region", "stays"),
    "satisfaction": ("Satisfaction au retour", "satisfaction", "responses"),
    "groups": ("Départs en groupe (Sac Ados, Seniors en Vacances)", "groups", "people"),
}
KEY_FIGURES = [
    "households_accepted",
    "households_left",
    "persons_accepted",
    "persons_left",
    "persons_returned",
    "first_departures",
    "person_nights",
    "granted_cents",
    "consumed_cents",
]


def definition_for(funder: Organisation | None, edition: Edition) -> ReportDefinition:
    """The funder's own definition in force on the edition's first day, else the common one."""
    day = edition.starts_on
    in_force = ReportDefinition.objects.filter(valid_from__lte=day).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=day)
    )
    found = in_force.filter(funder=funder).order_by("-valid_from").first() if funder else None
    found = found or in_force.filter(funder__isnull=True).order_by("-valid_from").first()
    if found is None:
        return ReportDefinition(name="Rapport aux financeurs", valid_from=day, sections=list(SECTIONS))
    return found


def report_bilan(funder: Organisation | None, edition: Edition) -> selectors.Bilan:
    """What the report prints: the funder's figures (every funder's without one), published."""
    return selectors.published(selectors.bilan(selectors.Filters(edition, funder=funder)))


def report_title(funder: Organisation | None, edition: Edition) -> str:
    return f"Rapport {edition.year} — {funder.name}" if funder else f"Bilan {edition.year} — tous financeurs"


def _chart(table, measure: str, width: float) -> Drawing | None:
    rows = table.rows  # every row: a chart of 14 communes out of 28 reads as the whole territory
    if not rows:
        return None
    values = []
    for r in rows:
        v = r.values.get(measure)
        values.append(
            v / 100
            if measure.endswith("_cents") and isinstance(v, int)
            else (v if isinstance(v, int | float) else 0)
        )
    step = 16 if len(rows) <= 20 else 12
    height = step * len(rows) + 24
    d = Drawing(width, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = 150, 12
    chart.width, chart.height = width - 210, height - 20
    chart.data = [list(reversed(values))]
    labels = [pdf.clean(label) for label in reversed(svg.distinct_labels([r.label for r in rows], 34))]
    chart.categoryAxis.categoryNames = labels
    chart.categoryAxis.labels.fontName = "Helvetica"
    chart.categoryAxis.labels.fontSize = 7.5
    chart.categoryAxis.labels.dx = -4
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontName = "Helvetica"
    chart.valueAxis.labels.fontSize = 7
    chart.bars[0].fillColor = pdf.ACCENT
    chart.bars[0].strokeColor = None
    chart.barWidth = 8 if step == 16 else 6
    d.add(chart)
    top = max(values) or 1
    for i, r in enumerate(reversed(rows)):
        value = r.values.get(measure)
        x = chart.x + chart.width * (values[len(rows) - 1 - i] / top) + 3
        y = chart.y + chart.height * (i + 0.5) / len(rows) - 3
        d.add(String(x, y, pdf.clean(text(measure, value)), fontName="Helvetica", fontSize=7))
    return d


def _progress(b: selectors.Bilan, funder: Organisation | None, edition: Edition) -> list:
    """The whole operation's progress towards the edition's target (the public page's figure:
    a funder's own share of it would not be the goal's)."""
    if not edition.departures_target:
        return []
    whole = b if funder is None else report_bilan(None, edition)
    progress = target_progress(whole.key.get("persons_left"), edition.departures_target)
    if progress is None:
        return []
    return [
        pdf.para("L'opération vers son objectif", "h2"),
        pdf.para(("Toute l'opération : " if funder is not None else "") + progress["text"]),
        pdf.para(progress["explanation"], "small"),
    ]


def _table_rows(table) -> list[list]:
    measures = list(table.measures)
    rows = [["", *[table.measures[m] for m in measures]]]
    rows += [[r.label, *[text(m, r.values.get(m)) for m in measures]] for r in table.rows]
    rows.append(["Ensemble", *[text(m, table.total.get(m)) for m in measures]])
    return rows


def _sections(b: selectors.Bilan, definition: ReportDefinition) -> list[str]:
    return [s for s in definition.sections if s in SECTIONS]


def build_pdf(funder: Organisation | None, edition: Edition, output=None) -> bytes | None:
    """The report as PDF (``funder`` None: the whole edition, published the same way)."""
    b = report_bilan(funder, edition)
    definition = definition_for(funder, edition)
    width = pdf.A4[0] - 32 * pdf.mm
    story = [
        pdf.para(report_title(funder, edition), "title"),
        pdf.para(f"{edition.name} · modèle « {definition.name} »", "small"),
        Spacer(1, 4 * pdf.mm),
        pdf.para(
            "Ce rapport ne contient que des chiffres agrégés de ce que vos enveloppes ont financé : "
            "aucun nom, aucune adresse. " + MASKED_EXPLANATION,
            "small",
        ),
    ]
    for section in _sections(b, definition):
        heading, table_key, measure = SECTIONS[section]
        if table_key is None:
            rows = [["Indicateur", "Valeur"]]
            rows += [[selectors.KEY_LABELS[k], text(k, b.key.get(k))] for k in KEY_FIGURES]
            story += [
                pdf.para(heading, "h2"),
                pdf.table(rows, widths=[width * 0.7, width * 0.3], align_right=[1]),
            ]
            story += _progress(b, funder, edition)
            continue
        table = b.tables[table_key]
        block = [pdf.para(heading, "h2")]
        chart = _chart(table, measure, width) if measure else None
        if chart is not None:
            block.append(chart)
        story.append(KeepTogether(block))
        n = len(table.measures)
        rows = _table_rows(table)
        story.append(pdf.table(rows, widths=pdf.fitted_widths(rows, width), align_right=range(1, n + 1)))
    story += [
        Spacer(1, 4 * pdf.mm),
        pdf.para(f"Établi le {pdf.french_date(timezone.localdate())} par partez.", "small"),
    ]
    return pdf.build(story, title=report_title(funder, edition), output=output)


def build_xlsx(funder: Organisation | None, edition: Edition) -> bytes:
    """The same report as a workbook: one sheet per section, amounts in euros as numbers."""
    b = report_bilan(funder, edition)
    definition = definition_for(funder, edition)
    wb = Workbook()
    for section in _sections(b, definition):
        heading, table_key, _measure = SECTIONS[section]
        ws = wb.create_sheet(heading[:31])
        if table_key is None:
            ws.append(["Indicateur", "Valeur"])
            for k in KEY_FIGURES:
                ws.append([selectors.KEY_LABELS[k], _xlsx_value(k, b.key.get(k))])
            continue
        table = b.tables[table_key]
        measures = list(table.measures)
        header = ["", *[table.measures[m] + (" (€)" if m.endswith("_cents") else "") for m in measures]]
        ws.append(header)
        for r in table.rows:
            ws.append([r.label, *[_xlsx_value(m, r.values.get(m)) for m in measures]])
        ws.append(["Ensemble", *[_xlsx_value(m, table.total.get(m)) for m in measures]])
    body = io.BytesIO()
    wb.save(body)
    return body.getvalue()


def _xlsx_value(measure: str, value):
    if value == SUPPRESSED or value is None:
        return value
    if measure.endswith("_cents"):
        return round(value / 100, 2)
    return value
