"""The séjour commun's papers: rosters (per campsite and week), bus lists (per trip, by stop with
times) and convocation letters (per household), as PDF (:mod:`partez.core.pdf`) and XLSX.

Each document lists only the households its reader may see (``selectors.participants_for``): the
coordination everything, a commune referent its commune's households, a host those placed in its
campsites. The data is read in a fixed number of queries whatever the number of pages.

All at once, in the background (job ``camping_documents``): one **combined** file per kind
(every roster in one PDF, one page per campsite and week; every letter in one PDF, sorted by
commune then household) rather than a ZIP of single files, because the papers are printed, and a
commune prints its stack in one go; the XLSX has one sheet per campsite and week (or per bus).
"""

from __future__ import annotations

import datetime as dt
import io
import tempfile
from collections import defaultdict
from dataclasses import dataclass

from django.core.files import File
from django.db.models import Prefetch
from django.utils import timezone
from reportlab.platypus import KeepTogether, PageBreak, Spacer

from partez.core import pdf
from partez.core.errors import DomainError, NotAllowed
from partez.core.spreadsheet import Workbook
from partez.households.models import Person
from partez.jobs.models import Job
from partez.jobs.registry import Progress, handler
from partez.organisations.models import Membership
from partez.territory.models import Edition

from . import perms, selectors
from .models import BusStop, BusTrip, CampingPlan, CampingWeek, Placement

KINDS = {
    "rosters_pdf": ("Listes d'accueil par camping et semaine", "listes-accueil", "pdf"),
    "rosters_xlsx": ("Listes d'accueil par camping et semaine", "listes-accueil", "xlsx"),
    "buses_pdf": ("Listes des cars par arrêt", "listes-cars", "pdf"),
    "buses_xlsx": ("Listes des cars par arrêt", "listes-cars", "xlsx"),
    "letters_pdf": ("Convocations des foyers", "convocations", "pdf"),
}
NEED_LABEL = "Accessible (PMR)"


def _hm(t: dt.time | None) -> str:
    return f"{t.hour} h {t.minute:02d}" if t else "—"


def _range(week: CampingWeek) -> str:
    return (
        f"du {pdf.french_date(week.starts_on, weekday=True)} au {pdf.french_date(week.ends_on, weekday=True)}"
    )


# --- data ----------------------------------------------------------------------------------------


def _placements(m: Membership, edition: Edition):
    visible = selectors.participants_for(m, edition).values("pk")
    return (
        Placement.objects.filter(edition=edition, participant__in=visible)
        .select_related(
            "unit__campsite",
            "week__campsite",
            "participant__household__commune",
            "participant__project__organisation",
        )
        .defer("participant__household__commune__geometry")
        .prefetch_related(
            Prefetch("participant__project__travellers", queryset=Person.objects.order_by("birth_date", "pk"))
        )
    )


@dataclass
class RosterPage:
    week: CampingWeek
    placements: list[Placement]


def rosters(m: Membership, edition: Edition, *, week_ids=None) -> list[RosterPage]:
    """One page per campsite-week the reader sees, units in order (only placed households)."""
    weeks = CampingWeek.objects.filter(campsite__in=selectors.campsites_for(m, edition)).select_related(
        "campsite"
    )
    if week_ids is not None:
        weeks = weeks.filter(pk__in=week_ids)
    week_list = list(weeks.order_by("starts_on", "campsite__name"))
    by_week = defaultdict(list)
    for p in _placements(m, edition).filter(week__in=week_list):
        by_week[p.week_id].append(p)
    return [
        RosterPage(w, sorted(by_week[w.pk], key=lambda p: p.unit.label))
        for w in week_list
        if by_week[w.pk] or week_ids
    ]


@dataclass
class TripSheet:
    trip: BusTrip
    stops: list[tuple[BusStop, list[Placement]]]


def trips(m: Membership, edition: Edition, *, trip_ids=None) -> list[TripSheet]:
    """Each bus the reader sees: its stops in order, each with its households."""
    queryset = (
        BusTrip.objects.filter(edition=edition, week__campsite__in=selectors.campsites_for(m, edition))
        .select_related("week__campsite")
        .prefetch_related(
            Prefetch("stops", queryset=BusStop.objects.select_related("commune").defer("commune__geometry"))
        )
    )
    if trip_ids is not None:
        queryset = queryset.filter(pk__in=trip_ids)
    sheets = list(queryset.order_by("week__starts_on", "week__campsite__name", "number"))
    riders = defaultdict(list)
    for p in _placements(m, edition).filter(trip__in=sheets):
        riders[p.trip_id, p.participant.household.commune_id].append(p)
    result = []
    for t in sheets:
        stops = [
            (s, sorted(riders[t.pk, s.commune_id], key=lambda p: p.participant.household.reference))
            for s in t.stops.all()
        ]
        stops = [(s, ps) for s, ps in stops if ps]
        if stops:
            result.append(TripSheet(t, stops))
    return result


def letters(
    m: Membership, edition: Edition, *, participant_ids=None
) -> list[tuple[Placement, BusStop | None]]:
    """Every placed household the reader sees (sorted by commune, then reference), with its stop."""
    placements = _placements(m, edition).select_related("trip")
    if participant_ids is not None:
        placements = placements.filter(participant_id__in=participant_ids)
    placements = list(placements)
    stops = {
        (s.trip_id, s.commune_id): s
        for s in BusStop.objects.filter(trip__in={p.trip_id for p in placements if p.trip_id}).select_related(
            "commune"
        )
    }
    placements.sort(key=lambda p: (p.participant.household.commune.name, p.participant.household.reference))
    return [(p, stops.get((p.trip_id, p.participant.household.commune_id))) for p in placements]


def _head_person(p: Placement) -> Person | None:
    travellers = list(p.participant.project.travellers.all())
    return next((t for t in travellers if t.relation == "head"), travellers[0] if travellers else None)


def _head(p: Placement) -> str:
    head = _head_person(p)
    return f"{head.last_name.upper()} {head.first_name}" if head else p.participant.household.reference


def _addressee(p: Placement) -> str:
    """The name a convocation is posted to: the head's first name and SURNAME."""
    head = _head_person(p)
    return (
        f"{head.first_name} {head.last_name.upper()}"
        if head
        else f"Foyer {p.participant.household.reference}"
    )


def _needs(p: Placement) -> str:
    return NEED_LABEL if p.participant.needs_accessible else ""


# --- PDF -------------------------------------------------------------------------------------------


def rosters_pdf(pages: list[RosterPage], *, output=None):
    story = []
    for i, page in enumerate(pages):
        w = page.week
        if i:
            story.append(PageBreak())
        story += [
            pdf.para(f"{w.campsite.name} — liste d'accueil", "title"),
            pdf.para(f"Semaine {_range(w)} · {w.campsite.address or w.campsite.town}", "small"),
            Spacer(1, 4 * pdf.mm),
        ]
        rows: list[list[str | int]] = [["Hébergement", "Lits", "Foyer", "Personnes", "Commune", "Besoins"]]
        for p in page.placements:
            names = ", ".join(t.first_name for t in p.participant.project.travellers.all())
            rows.append(
                [
                    f"{p.unit.label} ({p.unit.get_kind_display()})",
                    p.unit.beds,
                    f"{_head(p)} — {p.participant.household.reference}",
                    f"{p.participant.people} : {names}",
                    p.participant.household.commune.name,
                    _needs(p),
                ]
            )
        if len(rows) == 1:
            rows.append(["Aucun foyer placé cette semaine.", "", "", "", "", ""])
        story.append(
            pdf.table(
                rows,
                widths=[30 * pdf.mm, 10 * pdf.mm, 44 * pdf.mm, 46 * pdf.mm, 24 * pdf.mm, 24 * pdf.mm],
                align_right=[1],
            )
        )
        people = sum(p.participant.people for p in page.placements)
        story.append(pdf.para(f"{len(page.placements)} foyers, {people} personnes.", "small"))
    if not story:
        story = [pdf.para("Aucun foyer placé.", "body")]
    return pdf.build(story, title="Séjour commun — listes d'accueil", output=output)


def trips_pdf(sheets: list[TripSheet], *, output=None):
    story = []
    for i, sheet in enumerate(sheets):
        t, w = sheet.trip, sheet.trip.week
        if i:
            story.append(PageBreak())
        story += [
            pdf.para(f"Car n° {t.number} vers {w.campsite.name} ({w.campsite.town})", "title"),
            pdf.para(
                f"Aller le {pdf.french_date(w.starts_on, weekday=True)}, retour le {pdf.french_date(w.ends_on, weekday=True)} · {t.passengers} passagers",
                "small",
            ),
        ]
        for stop, placements in sheet.stops:
            story.append(
                pdf.para(
                    f"Arrêt {stop.order} : {stop.commune.name} — {stop.place or 'lieu à préciser'} — départ {_hm(stop.departure_time)}, retour vers {_hm(stop.return_time)}",
                    "h2",
                )
            )
            rows: list[list[str | int]] = [["Présent", "Foyer", "Personnes", "Hébergement", "Besoins"]]
            for p in placements:
                rows.append(
                    [
                        "[  ]",
                        f"{_head(p)} — {p.participant.household.reference}",
                        p.participant.people,
                        p.unit.label,
                        _needs(p),
                    ]
                )
            story.append(
                pdf.table(
                    rows,
                    widths=[16 * pdf.mm, 70 * pdf.mm, 22 * pdf.mm, 30 * pdf.mm, 40 * pdf.mm],
                    align_right=[2],
                )
            )
    if not story:
        story = [pdf.para("Aucun car.", "body")]
    return pdf.build(story, title="Séjour commun — listes des cars", output=output)


def letters_pdf(items, plan: CampingPlan, *, output=None):
    story = []
    bring = [line.strip() for line in plan.what_to_bring.splitlines() if line.strip()]
    for i, (p, stop) in enumerate(items):
        participant, household, w = p.participant, p.participant.household, p.week
        if i:
            story.append(PageBreak())
        travellers = ", ".join(f"{t.first_name} {t.last_name}" for t in participant.project.travellers.all())
        story += [
            pdf.address_block(
                pdf.PostalAddress(
                    name=_addressee(p),
                    street=household.address,
                    postcode=household.commune.postcode,
                    commune=household.commune.name,
                )
            ),
            pdf.para(f"Convocation — séjour commun {plan.edition.year}", "title"),
            pdf.para(f"Foyer {household.reference} · {_head(p)}", "small"),
            Spacer(1, 5 * pdf.mm),
            pdf.para("Madame, Monsieur,"),
            pdf.para(
                f"Votre foyer part au séjour commun de l'opération « {plan.edition.name} ». "
                "Voici les informations de votre séjour : gardez cette lettre et montrez-la au départ du car."
            ),
            Spacer(1, 3 * pdf.mm),
        ]
        unit = f"{p.unit.get_kind_display()} {p.unit.label} ({p.unit.beds} lits{', accessible' if p.unit.accessible else ''})"
        campsite = w.campsite
        site = ", ".join(x for x in [campsite.name, campsite.address or campsite.town] if x)
        if stop is not None:
            bus = (
                f"Le {pdf.french_date(w.starts_on, weekday=True)} à {_hm(stop.departure_time)}, "
                f"{stop.place or 'lieu communiqué par votre commune'} ({stop.commune.name}) — car n° {p.trip.number}. "
                "Merci d'arriver un quart d'heure avant."
            )
            back = f"Le {pdf.french_date(w.ends_on, weekday=True)}, arrivée vers {_hm(stop.return_time)} au même endroit."
        else:
            bus = "Votre commune vous indiquera le lieu et l'heure du départ."
            back = f"Le {pdf.french_date(w.ends_on, weekday=True)}."
        facts = [
            ["Dates", _range(w)],
            ["Camping", site],
            ["Hébergement", unit],
            ["Personnes", f"{participant.people} : {travellers}"],
            ["Départ en car", bus],
            ["Retour", back],
        ]
        story.append(pdf.table(facts, header=False, widths=[35 * pdf.mm, 140 * pdf.mm]))
        story.append(pdf.para("À emporter", "h2"))
        story += [pdf.para(f"•  {line}") for line in bring]
        story.append(pdf.para("Qui appeler", "h2"))
        calls = []
        if plan.contact_name or plan.contact_phone:
            calls.append(f"Pendant le séjour : {plan.contact_name} {plan.contact_phone}".strip())
        if campsite.phone:
            calls.append(f"Le camping : {campsite.phone}")
        calls.append(f"Pour toute question avant le départ : {participant.project.organisation.name}")
        story += [pdf.para(line) for line in calls]
        story.append(Spacer(1, 6 * pdf.mm))
        story.append(
            KeepTogether(
                [
                    pdf.para("Nous vous souhaitons un très bon séjour."),
                    pdf.para("La coordination de l'opération", "small"),
                ]
            )
        )
    if not story:
        story = [pdf.para("Aucun foyer placé.", "body")]
    return pdf.build(story, title=f"Séjour commun {plan.edition.year} — convocations", output=output)


# --- XLSX ------------------------------------------------------------------------------------------


def _sheet_title(text: str, used: set[str]) -> str:
    for char in "[]:*?/\\":
        text = text.replace(char, " ")
    title = text[:31]
    n = 2
    while title in used:
        suffix = f" {n}"
        title = text[: 31 - len(suffix)] + suffix
        n += 1
    used.add(title)
    return title


def rosters_xlsx(pages: list[RosterPage], output) -> None:
    wb = Workbook()
    used: set[str] = set()
    for page in pages:
        w = page.week
        ws = wb.create_sheet(_sheet_title(f"{w.campsite.name} {w.starts_on:%d-%m}", used))
        ws.append(
            [
                "Camping",
                "Arrivée",
                "Départ",
                "Hébergement",
                "Type",
                "Lits",
                "Foyer",
                "Nom",
                "Personnes",
                "Voyageurs",
                "Commune",
                "Besoins",
            ]
        )
        for p in page.placements:
            ws.append(
                [
                    w.campsite.name,
                    w.starts_on,
                    w.ends_on,
                    p.unit.label,
                    p.unit.get_kind_display(),
                    p.unit.beds,
                    p.participant.household.reference,
                    _head(p),
                    p.participant.people,
                    ", ".join(t.first_name for t in p.participant.project.travellers.all()),
                    p.participant.household.commune.name,
                    _needs(p),
                ]
            )
    if not pages:
        wb.create_sheet("Aucun foyer").append(["Aucun foyer placé."])
    wb.save(output)


def trips_xlsx(sheets: list[TripSheet], output) -> None:
    wb = Workbook()
    used: set[str] = set()
    for sheet in sheets:
        t, w = sheet.trip, sheet.trip.week
        ws = wb.create_sheet(_sheet_title(f"Car {t.number} {w.campsite.name} {w.starts_on:%d-%m}", used))
        ws.append(
            [
                "Arrêt",
                "Commune",
                "Lieu",
                "Départ",
                "Retour",
                "Foyer",
                "Nom",
                "Personnes",
                "Hébergement",
                "Besoins",
            ]
        )
        for stop, placements in sheet.stops:
            for p in placements:
                ws.append(
                    [
                        stop.order,
                        stop.commune.name,
                        stop.place,
                        stop.departure_time,
                        stop.return_time,
                        p.participant.household.reference,
                        _head(p),
                        p.participant.people,
                        p.unit.label,
                        _needs(p),
                    ]
                )
    if not sheets:
        wb.create_sheet("Aucun car").append(["Aucun car."])
    wb.save(output)


def render(kind: str, m: Membership, edition: Edition, output, **filters) -> None:
    """Write document ``kind`` (a key of :data:`KINDS`) for what ``m`` may see into ``output``."""
    if kind.startswith("rosters"):
        pages = rosters(m, edition, week_ids=filters.get("week_ids"))
        rosters_pdf(pages, output=output) if kind.endswith("pdf") else rosters_xlsx(pages, output)
    elif kind.startswith("buses"):
        sheets = trips(m, edition, trip_ids=filters.get("trip_ids"))
        trips_pdf(sheets, output=output) if kind.endswith("pdf") else trips_xlsx(sheets, output)
    elif kind == "letters_pdf":
        letters_pdf(
            letters(m, edition, participant_ids=filters.get("participant_ids")),
            selectors.camping_plan(edition),
            output=output,
        )
    else:
        raise DomainError("Document inconnu.", field="kind")


def render_bytes(kind: str, m: Membership, edition: Edition, **filters) -> bytes:
    buffer = io.BytesIO()
    render(kind, m, edition, buffer, **filters)
    return buffer.getvalue()


def documents_start(*, actor: Membership, edition: Edition, kind: str) -> Job:
    """Every document of a kind, at once, in the background (one combined file)."""
    from partez.jobs.services import job_start

    if not perms.can_view_camping(actor):
        raise NotAllowed("Votre rôle ne donne pas accès aux documents du séjour commun.")
    if kind not in KINDS:
        raise DomainError("Document inconnu.", field="kind")
    if kind == "letters_pdf" and not perms.can_get_letters(actor):
        raise NotAllowed("Les convocations sont envoyées par la coordination et les communes.")
    label, _slug, ext = KINDS[kind]
    return job_start(
        actor=actor,
        kind="camping_documents",
        label=f"{label} ({ext.upper()}) — {edition.name}",
        params={"edition": edition.pk, "kind": kind},
    )


@handler("camping_documents", may_download=perms.can_view_camping)
def run_documents(job: Job, progress: Progress) -> None:
    actor = (
        Membership.objects.active()
        .select_related("organisation", "user")
        .filter(user=job.created_by, organisation=job.organisation)
        .first()
    )
    if actor is None or not perms.can_view_camping(actor):
        raise PermissionError("L'auteur·rice n'a plus accès aux documents du séjour commun.")
    edition = Edition.objects.get(pk=job.params["edition"])
    kind = job.params["kind"]
    _label, slug, ext = KINDS[kind]
    progress.update(5, 100, "Lecture du plan…")
    with tempfile.TemporaryFile() as tmp:
        render(kind, actor, edition, tmp)
        progress.update(95, 100, "Enregistrement du fichier…")
        tmp.seek(0)
        name = f"{slug}-{edition.year}-{timezone.localtime(job.created_at):%Y%m%d-%H%M}.{ext}"
        job.result_file.save(f"{job.pk}.{ext}", File(tmp), save=False)
    Job.objects.filter(pk=job.pk).update(result_file=job.result_file.name, result_name=name)
