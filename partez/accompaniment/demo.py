"""The demo's accompaniment, drawn from the demo's seed (called by ``load_demo`` after the
projects and their plans; deterministic for a seed and a day):

- a first screening for most projects of both editions (dated before the stay), its barriers
  drawn with the shares seen in the communes, and the plan the rules propose from it — steps
  whose date is past mostly done, those ahead open (a few late);
- after return, a second screening (some barriers lifted) and the debrief for the evaluated;
- the mobility of the projects whose household has no car;
- ten workshops of the biggest communes' CCAS, six past (with check-ins at their door and what
  they covered) and four ahead (one full, with a waitlist);
- « left on their own »: some households helped last year recorded as leaving again this year
  without a project, so the autonomy figure has all its outcomes.

Written in bulk like the rest of the demo (one audit entry for the whole load).
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from zoneinfo import ZoneInfo

from django.db.models import Count

from partez.attendance.models import Attendance, Roster, Ticket
from partez.fete.codes import new_code
from partez.households.models import PastDeparture, Person, SchemeCode
from partez.organisations.models import Organisation, OrganisationKind
from partez.projects.models import Project
from partez.projects.workflow import Status
from partez.territory.models import Edition

from . import rules, selectors
from .models import (
    BarrierAnswer,
    Debrief,
    Mobility,
    Mode,
    Phase,
    Registration,
    RegistrationStatus,
    Screening,
    Step,
    Theme,
    Wish,
    Workshop,
)
from .services import WORKSHOP_KIND

TZ = ZoneInfo("Europe/Paris")
SCREENED_SHARE = 0.8
# the share of screened households with each barrier
BARRIER_SHARES = {
    "left_to_pay": 0.55,
    "no_savings": 0.45,
    "never_booked": 0.4,
    "no_internet": 0.2,
    "papers": 0.12,
    "never_left": 0.35,
    "fear_elsewhere": 0.18,
    "isolation": 0.15,
    "no_car": 0.38,
    "no_licence": 0.22,
    "health": 0.08,
    "disability": 0.06,
    "young_children": 0.2,
    "carer": 0.05,
}
LIFTED_SHARE = 0.55  # of a barrier, by the second screening
DONE_SHARE = 0.85  # of the steps whose date is past
LEFT = {Status.DEPARTED, Status.RETURNED, Status.EVALUATED}
AFTER = {Status.RETURNED, Status.EVALUATED}
# (theme, title, days from today, place)
WORKSHOPS = [
    (Theme.BUDGET, "Budget des vacances", -56, "Maison des familles"),
    (Theme.PACKING, "Préparer sa valise", -42, "Centre social"),
    (Theme.CHILDREN, "Partir avec des enfants", -28, "Médiathèque"),
    (Theme.TRAIN, "Premier voyage en train", -21, "Gare, salle d'accueil"),
    (Theme.BUDGET, "Budget des vacances", -10, "Centre social"),
    (Theme.PACKING, "Préparer sa valise", -3, "Maison des familles"),
    (Theme.TRAIN, "Premier voyage en train", 4, "Gare, salle d'accueil"),
    (Theme.CHILDREN, "Partir avec des enfants", 9, "Centre social"),
    (Theme.BUDGET, "Budget des vacances", 16, "Maison des familles"),
    (Theme.OTHER, "Se repérer sur son lieu de vacances", 23, "Médiathèque"),
]
COVERED = {
    Theme.BUDGET: "Le budget d'une semaine, les chèques-vacances, ce qui reste à payer et comment l'épargner.",
    Theme.PACKING: "La liste de ce qu'il faut emporter, les papiers, la trousse de secours.",
    Theme.CHILDREN: "Les activités pour les enfants, le trajet avec eux, les repas.",
    Theme.TRAIN: "Lire un billet, trouver son quai, les correspondances, les tarifs réduits.",
    Theme.OTHER: "Le plan du lieu, les transports sur place, les numéros utiles.",
}
CAPACITY = 12


def delete(orgs) -> None:
    """Before the demo organisations go: their workshops and doors, the screenings they made."""
    workshops = Workshop.objects.filter(organisation__in=orgs)
    rosters = list(workshops.exclude(roster=None).values_list("roster_id", flat=True))
    workshops.delete()
    Roster.objects.filter(pk__in=rosters).delete()
    Screening.objects.filter(organisation__in=orgs).delete()


def _noon(day: dt.date, hour: int = 14) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=TZ)


class _Loader:
    def __init__(self, seed: int, today: dt.date, user_id: int, volunteer_id: int):
        self.rng = random.Random(f"accompaniment-{seed}")
        self.today = today
        self.user_id = user_id
        self.volunteer_id = volunteer_id
        self.screenings: list[Screening] = []
        self.answers: list[tuple[Screening, dict[str, bool]]] = []
        self.steps: list[Step] = []
        self.mobility: list[Mobility] = []
        self.debriefs: list[Debrief] = []
        self.questions = selectors.default_questions()

    def _screen(
        self, project: Project, phase: str, on: dt.date, barriers: set[str], left: int | None
    ) -> None:
        s = Screening(
            household_id=project.household_id,
            project=project,
            phase=phase,
            screened_on=min(on, self.today),
            left_to_pay_cents=left,
            organisation_id=project.organisation_id,
            by_id=project.created_by_id,
        )
        self.screenings.append(s)
        self.answers.append((s, {q.code: q.code in barriers for q in self.questions}))

    def project(self, p: Project) -> None:
        if self.rng.random() >= SCREENED_SHARE:
            return
        barriers = {code for code, share in BARRIER_SHARES.items() if self.rng.random() < share}
        left = (
            self.rng.choice([5_000, 9_000, 12_000, 18_000, 25_000, 40_000])
            if "left_to_pay" in barriers
            else None
        )
        first_on = (p.start_date or self.today) - dt.timedelta(days=self.rng.randint(70, 120))
        first_on = min(max(first_on, p.created_at.date()), self.today)
        self._screen(p, Phase.FIRST, first_on, barriers, left)
        proposed = rules.propose(
            rules.rules_on(p.start_date or self.today),
            barriers=sorted(barriers),
            left_to_pay_cents=left,
            start=p.start_date,
            end=p.end_date,
        )
        for step in proposed:
            done = None
            past = step.due_on is not None and step.due_on <= self.today
            if past and (p.status in LEFT or self.rng.random() < DONE_SHARE):
                assert step.due_on is not None
                done = step.due_on - dt.timedelta(days=self.rng.randint(0, 5))
            if step.kind == rules.DEBRIEF and p.status != Status.EVALUATED:
                done = None
            self.steps.append(
                Step(
                    project=p,
                    kind=step.kind,
                    label=step.label,
                    due_on=step.due_on,
                    who=step.who,
                    done_on=done,
                    barrier=step.barrier,
                )
            )
        if barriers & rules.NO_TRANSPORT:
            mode = (
                Mode.COACH
                if p.format == "camping"
                else self.rng.choice([Mode.TRAIN, Mode.TRAIN, Mode.CARSHARING, Mode.LIFT])
            )
            cost = {
                Mode.COACH: 0,
                Mode.TRAIN: self.rng.randint(40, 160) * 100,
                Mode.CARSHARING: 3_500,
                Mode.LIFT: 0,
            }[mode]
            fares = "Tarif solidaire régional" if mode == Mode.TRAIN else ""
            self.mobility.append(Mobility(project=p, mode=mode, cost_cents=cost, reduced_fares=fares))
        if p.status in AFTER and p.end_date:
            kept = {b for b in barriers if self.rng.random() >= LIFTED_SHARE}
            self._screen(p, Phase.AFTER, p.end_date + dt.timedelta(days=self.rng.randint(8, 20)), kept, None)
        if p.status == Status.EVALUATED and p.end_date:
            wish = self.rng.choices(list(Wish.values), weights=[30, 50, 8, 12])[0]
            self.debriefs.append(
                Debrief(
                    project=p,
                    how_it_went=self.rng.choice(
                        [
                            "Très bien, les enfants ont adoré la mer.",
                            "Bien, un peu fatigant le trajet.",
                            "Une première, tout s'est bien passé.",
                        ]
                    ),
                    what_helped=self.rng.choice(
                        ["Le rendez-vous de préparation.", "L'atelier budget.", "L'appel avant le départ."]
                    ),
                    what_to_change=self.rng.choice(["", "Partir moins loin.", "Réserver plus tôt."]),
                    wish=wish,
                    held_on=min(p.end_date + dt.timedelta(days=14), self.today),
                    by_id=p.created_by_id,
                )
            )

    def save(self) -> None:
        Screening.objects.bulk_create(self.screenings, batch_size=2000)
        BarrierAnswer.objects.bulk_create(
            (
                BarrierAnswer(
                    screening=s, code=q.code, category=q.category, wording=q.wording, present=present[q.code]
                )
                for s, present in self.answers
                for q in self.questions
            ),
            batch_size=2000,
        )
        Step.objects.bulk_create(self.steps, batch_size=2000)
        Mobility.objects.bulk_create(self.mobility, batch_size=2000)
        Debrief.objects.bulk_create(self.debriefs, batch_size=2000)


def _workshops(loader: _Loader, edition: Edition) -> tuple[int, int]:
    """Ten workshops of the biggest communes' CCAS, with registrations, doors and check-ins."""
    ccas = list(
        Organisation.objects.filter(kind=OrganisationKind.COMMUNE, commune__in=edition.communes.all())
        .annotate(n=Count("projects"))
        .order_by("-n", "slug")[:4]
    )
    if not ccas:
        return 0, 0
    rng = loader.rng
    households: defaultdict[int, list[tuple[int, int]]] = defaultdict(list)
    for pk, org_id, hh in (
        Project.objects.filter(edition=edition, organisation__in=ccas)
        .exclude(status__in=[Status.WITHDRAWN, Status.REFUSED])
        .order_by("pk")
        .values_list("pk", "organisation_id", "household_id")
    ):
        if hh not in {h for _p, h in households[org_id]}:  # one registration per household
            households[org_id].append((pk, hh))
    heads = {
        h: f"{first} {last[:1]}."
        for h, first, last in Person.objects.filter(household__projects__edition=edition, relation="head")
        .distinct()
        .values_list("household_id", "first_name", "last_name")
    }
    count = 0
    for i, (theme, title, days, place) in enumerate(WORKSHOPS):
        org = ccas[i % len(ccas)]
        starts = _noon(loader.today + dt.timedelta(days=days), 14 if i % 2 else 10)
        roster = Roster.objects.create(
            kind=WORKSHOP_KIND, title=title, starts_at=starts, place=place, organisation=org
        )
        workshop = Workshop.objects.create(
            edition=edition,
            organisation=org,
            theme=theme,
            title=title,
            starts_at=starts,
            place=place,
            capacity=CAPACITY,
            roster=roster,
            covered=COVERED[theme] if days < 0 else "",
        )
        pool = households[org.pk]
        capacity = CAPACITY
        if i == 6:  # the first one ahead is full, three households waiting
            capacity = max(1, min(CAPACITY, len(pool) - 3))
            workshop.capacity = capacity
            workshop.save(update_fields=["capacity"])
        wanted = capacity + 3 if i == 6 else rng.randint(6, CAPACITY)
        chosen = rng.sample(pool, min(wanted, len(pool)))
        seats = 0
        for project_id, household_id in chosen:
            status = RegistrationStatus.REGISTERED if seats < capacity else RegistrationStatus.WAITLISTED
            seats += 1
            r = Registration.objects.create(
                workshop=workshop, household_id=household_id, project_id=project_id, status=status
            )
            if status != RegistrationStatus.REGISTERED:
                continue
            ticket = Ticket.objects.create(
                roster=roster, subject=r.subject, holder=heads.get(household_id, "Foyer"), code=new_code(rng)
            )
            if days < 0 and rng.random() < 0.78:
                Attendance.objects.create(
                    ticket=ticket, nonce=f"demo-{ticket.pk}-{rng.randrange(10**9)}", by_id=loader.volunteer_id
                )
                r.attended_at = starts + dt.timedelta(minutes=rng.randint(0, 20))
                r.save(update_fields=["attended_at"])
            count += 1
    return len(WORKSHOPS), count


def _on_their_own(loader: _Loader, edition: Edition, previous: Edition) -> int:
    """A third of the households helped last year that have no project this year left again on
    their own: the referent recorded it as a past departure without a project."""
    helped = set(
        Project.objects.filter(edition=previous, status__in=LEFT).values_list("household_id", flat=True)
    )
    again = set(Project.objects.filter(edition=edition).values_list("household_id", flat=True))
    candidates = sorted(helped - again)
    chosen = [h for h in candidates if loader.rng.random() < 1 / 3] or candidates[:1]
    heads = Person.objects.filter(household_id__in=chosen, relation="head").order_by("household_id", "pk")
    rows = [PastDeparture(person=head, year=edition.year, scheme=SchemeCode.OTHER) for head in heads]
    PastDeparture.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def load(edition: Edition, *, seed: int, today: dt.date, user_id: int, volunteer_id: int) -> dict[str, int]:
    loader = _Loader(seed, today, user_id, volunteer_id)
    previous = Edition.objects.filter(year=edition.year - 1).first()
    editions = [e for e in (previous, edition) if e is not None]
    projects = (
        Project.objects.filter(edition__in=editions)
        .exclude(status__in=[Status.DRAFT, Status.WITHDRAWN, Status.REFUSED])
        .order_by("pk")
    )
    for p in projects:
        loader.project(p)
    loader.save()
    workshops, registrations = _workshops(loader, edition)
    alone = _on_their_own(loader, edition, previous) if previous is not None else 0
    return {
        "repérages": len(loader.screenings),
        "étapes d'accompagnement": len(loader.steps),
        "ateliers": workshops,
        "inscriptions aux ateliers": registrations,
        "départs en autonomie": alone,
    }
