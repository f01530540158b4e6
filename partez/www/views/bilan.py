"""The bilan dashboard (coordination: everything; a commune: its own; a funder: aggregates of what
its envelopes paid, small cells hidden), its year-over-year comparison, the funder reports and the
person × project export. Figures come from :mod:`partez.reports.selectors`; charts are server-side
SVG (:mod:`partez.reports.svg`), each with its data table."""

from __future__ import annotations

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from partez.core import audit, spreadsheet
from partez.core.collation import french_order
from partez.core.errors import NotAllowed
from partez.jobs import services as job_services
from partez.network import selectors as network_selectors
from partez.organisations import perms
from partez.organisations.models import Organisation, OrganisationKind
from partez.reports import exports, funder_report, selectors, svg, timeline
from partez.reports.selectors import Filters
from partez.reports.stats import MASKED_EXPLANATION
from partez.reports.stats import text as cell  # one formatting for the page, the charts and the PDF
from partez.schemes.models import Scheme
from partez.territory.models import Commune, Edition, MilestoneKind
from partez.territory.selectors import current_edition

from ..access import membership_required
from ..presenters.bilan import bilan_map, charts, display, key_cards, progress

COMMUNE_COLUMNS = ["registered", "left", "first", "households_left", "rate"]


# --- filters and scope ------------------------------------------------------------------------


def _by(queryset, field, value):
    if not value:
        return None
    obj = queryset.filter(**{field: value}).first()
    if obj is None:
        raise Http404("Filtre inconnu.")
    return obj


def resolve_filters(request, m) -> tuple[Filters, Edition | None, bool]:
    """The filters of the request within what ``m`` may see (:func:`selectors.bilan_filters`: a
    commune's members see their commune only, a funder only what its envelopes paid, for the whole
    edition and always with small cells hidden). Returns the filters, the edition to compare
    with, and whether to suppress small cells."""
    edition, editions = _report_edition(request)
    compare = _by(editions, "year", request.GET.get("compare"))
    commune = _by(Commune.objects.defer("geometry"), "insee_code", request.GET.get("commune"))
    scheme = _by(Scheme.objects.all(), "slug", request.GET.get("scheme"))
    funder = _by(Organisation.objects.filter(kind=OrganisationKind.FUNDER), "slug", request.GET.get("funder"))
    try:
        scoped = selectors.bilan_filters(m, edition, commune=commune, scheme=scheme, funder=funder)
    except NotAllowed as exc:
        raise PermissionDenied(exc.message) from exc
    return scoped.filters, compare, scoped.suppressed


CACHE_SECONDS = 60


def compute(filters: Filters, suppressed: bool, *, fresh: bool = False):
    """The bilan for ``filters``, kept a minute in the cache (the dashboard is read far more often
    than the figures move; ``fresh`` recomputes). The JSON command, the exports and the reports
    always compute from the database."""
    key = "bilan:" + ":".join(str(v) for v in filters.as_dict().values())
    b = None if fresh else cache.get(key)
    if b is None:
        b = selectors.bilan(filters)
        cache.set(key, b, CACHE_SECONDS)
    return selectors.published(b) if suppressed else b


def report_reminders(edition, today=None) -> list:
    """Report deadlines of the edition within 30 days and not done yet (the dashboard's banner)."""
    today = today or timezone.localdate()
    return [
        ms
        for ms in edition.milestones.filter(kind=MilestoneKind.REPORTS_DUE, actual_on__isnull=True)
        .select_related("funder")
        .order_by("planned_on")
        if 0 <= (ms.planned_on - today).days <= 30 or ms.planned_on < today
    ]


@membership_required(perms.can_view_bilan)
def bilan_dashboard(request, m):
    filters, compare, suppressed = resolve_filters(request, m)
    fresh = request.GET.get("frais") == "1"
    b = compute(filters, suppressed, fresh=fresh)
    previous = None
    if compare is not None and compare != filters.edition:
        previous = compute(
            Filters(compare, commune=filters.commune, scheme=filters.scheme, funder=filters.funder),
            suppressed,
        )
    coordinator = perms.sees_whole_territory(m)
    context = {
        "bilan": b,
        "filters": filters,
        "cards": key_cards(b),
        "progress": progress(b),
        "sections": charts(b, previous),
        "map": bilan_map(b),
        "frise": mark_safe(timeline.frise(filters.edition)),
        "history_rows": (history := selectors.history()),
        "history": mark_safe(
            svg.history("Les éditions de l'opération : personnes parties, communes, aides", history)
        ),
        "communes": display(b.tables["by_commune"], COMMUNE_COLUMNS),
        "comparison": [
            {**r, "current": cell(r["key"], r["current"]), "previous": cell(r["key"], r["previous"])}
            for r in selectors.comparison(b, previous)
        ]
        if previous
        else None,
        "previous": previous,
        "editions": Edition.objects.order_by("-year").only("year"),
        "communes_choices": filters.edition.communes.order_by(french_order("name")).only("insee_code", "name")
        if coordinator
        else [],
        "schemes_choices": Scheme.objects.order_by("name").only("slug", "name"),
        "funders_choices": Organisation.objects.filter(kind=OrganisationKind.FUNDER).order_by("name")
        if coordinator
        else [],
        "coordinator": coordinator,
        "suppressed": suppressed,
        "masked_explanation": MASKED_EXPLANATION,
        "reminders": report_reminders(filters.edition) if coordinator else [],
        "can_export": perms.can_export_bilan(m),
        "can_report": perms.can_view_funder_reports(m),
        "query": request.GET.urlencode(),
        "today": timezone.localdate(),
        "network": network_selectors.edition_figures(filters.edition.year),
    }
    return render(request, "www/bilan/dashboard.html", context)


# --- the person × project export --------------------------------------------------------------


class _Echo:
    def write(self, value):
        return value


def _export_filters(request, m) -> Filters:
    if not perms.can_export_bilan(m):
        raise PermissionDenied("Votre rôle ne donne pas accès aux données nominatives.")
    filters, _compare, _suppressed = resolve_filters(request, m)
    return filters


@membership_required(perms.can_export_bilan)
def bilan_export_csv(request, m):
    """One line per person × project, streamed (French Excel: semicolons, BOM)."""
    filters = _export_filters(request, m)
    writer = spreadsheet.csv_writer(_Echo(), delimiter=";")

    def lines():
        yield "\ufeff" + writer.writerow(exports.HEADERS)
        for row in exports.rows(filters, m):
            yield writer.writerow(row)

    audit.record(
        actor=m.user,
        organisation=m.organisation,
        action="bilan.export_csv",
        obj=filters.edition,
        changes=filters.as_dict(),
    )
    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="bilan-{filters.edition.year}-personnes.csv"'
    return response


@require_POST
@membership_required(perms.can_export_bilan)
def bilan_export_xlsx(request, m):
    filters = _export_filters(request, m)
    job = job_services.job_start(
        actor=m,
        kind="bilan_export",
        label=f"Export du bilan {filters.edition.year} (personnes × projets)",
        params=filters.as_dict(),
    )
    return redirect("job_detail", pk=job.pk)


# --- funder reports ---------------------------------------------------------------------------


def _report_edition(request) -> tuple[Edition, object]:
    editions = Edition.objects.order_by("-year")
    year = request.GET.get("edition")
    edition = _by(editions, "year", year) if year else (current_edition() or editions.first())
    if edition is None:
        raise Http404("Aucune édition.")
    return edition, editions


def _report_target(request, m, slug):
    """The funder (the coordination: any funder of the edition; a funder: itself, else 404)."""
    edition, _editions = _report_edition(request)
    return get_object_or_404(selectors.report_funders_for(m, edition), slug=slug), edition


@membership_required(perms.can_view_funder_reports)
def funder_reports(request, m):
    edition, editions = _report_edition(request)
    funders = list(selectors.report_funders_for(m, edition))
    deadlines = {
        ms.funder_id: ms
        for ms in edition.milestones.filter(kind=MilestoneKind.REPORTS_DUE).order_by("-planned_on")
    }
    rows = [
        {
            "funder": f,
            "definition": funder_report.definition_for(f, edition),
            "deadline": deadlines.get(f.pk) or deadlines.get(None),
        }
        for f in funders
    ]
    return render(request, "www/bilan/reports.html", {"edition": edition, "editions": editions, "rows": rows})


@membership_required(perms.can_view_funder_reports)
def funder_report_pdf(request, m, slug):
    funder, edition = _report_target(request, m, slug)
    body = funder_report.build_pdf(funder, edition)
    audit.record(
        actor=m.user,
        organisation=m.organisation,
        action="bilan.funder_report",
        obj=funder,
        changes={"edition": edition.year, "format": "pdf"},
    )
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="rapport-{edition.year}-{funder.slug}.pdf"'
    return response


@membership_required(perms.can_view_funder_reports)
def funder_report_xlsx(request, m, slug):
    funder, edition = _report_target(request, m, slug)
    body = funder_report.build_xlsx(funder, edition)
    audit.record(
        actor=m.user,
        organisation=m.organisation,
        action="bilan.funder_report",
        obj=funder,
        changes={"edition": edition.year, "format": "xlsx"},
    )
    response = HttpResponse(
        body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="rapport-{edition.year}-{funder.slug}.xlsx"'
    return response
