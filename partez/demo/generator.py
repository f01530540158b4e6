"""The demo edition as plain data, drawn from one seed (no ORM, no database).

Everything comes from ``random.Random(seed)`` and a Faker ``fr_FR`` instance seeded with the same
seed, so a seed always gives the same organisations, people, references and projects. Names,
addresses, e-mails and phone numbers are fictitious: e-mails use reserved domains
(``example.org``, ``*.example``) and phone numbers the range ARCEP reserves for fiction
(06 39 98 xx xx). The season is drawn on a template calendar and moved to the week of
``today`` (:mod:`partez.demo.calendar`), and the appointments "in the coming weeks" follow the day
itself, so the dashboard is alive whatever the day the demo is loaded.

Amounts below (wages, benefits, prices) are *demo approximations* used to draw plausible
households; the rules engine's real yearly parameters live in its own dated data files.
"""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from faker import Faker

from partez.core.codes import new_reference
from partez.households import quotient
from partez.households.models import ConsentScope, EmploymentSituation, Relation, SchemeCode, Schooling
from partez.organisations.models import OrganisationKind, Role
from partez.projects.models import DEFAULT_CHECKLIST, BudgetKind, JournalKind, ProjectFormat
from partez.projects.workflow import Status
from partez.territory.models import MilestoneKind

from .calendar import TEMPLATE_TODAY, TEMPLATE_YEAR, DemoCalendar, status_on, stay_by
from .reference import (
    APPOINTMENTS,
    CAMPSITES,
    FUNDERS,
    HOSTS,
    HOUSEHOLD_TYPES,
    INLAND,
    NOTES,
    PROGRESS,
    REFUSAL_REASONS,
    RELAYS,
    RETURN_NOTES,
    SEASIDE,
    SENIOR_DESTINATIONS,
    STATUS_SHARES,
    WITHDRAWAL_REASONS,
)
from .situation import schooling, situation

TZ = ZoneInfo("Europe/Paris")
DEMO_PASSWORD = "partez-demo"
DEMO_EMAIL_DOMAIN = "demo.partez.example"
COORDINATOR_SLUG = "vacances-ouvertes"
EDITION_YEAR = TEMPLATE_YEAR  # on the template calendar; the loaded edition's is DemoCalendar.year
EDITION_NAME = "10 000 départs – Ne rêvez plus, partez !"  # the demo's editions: this and the year
PARTICIPATING_COMMUNES = 28  # the biggest communes by population take part in the demo edition
DEFAULT_HOUSEHOLDS = 4000

# One demo login per role: (username, role, organisation slug, what it shows).
DEMO_LOGINS = [
    (
        "coordination",
        Role.COORDINATOR,
        COORDINATOR_SLUG,
        "Coordination (Vacances Ouvertes), accès à l'administration",
    ),
    ("referent.lens", Role.COMMUNE_REFERENT, "ccas-lens", "Référent·e communal·e du CCAS de Lens"),
    ("travailleur.lens", Role.SOCIAL_WORKER, "ccas-lens", "Travailleur·se social·e du CCAS de Lens"),
    (
        "financeur.caf",
        Role.FUNDER,
        "caf-pas-de-calais",
        "Financeur : CAF du Pas-de-Calais (données agrégées)",
    ),
    ("benevole", Role.VOLUNTEER, COORDINATOR_SLUG, "Bénévole de la Fête des vacances (pointage)"),
    ("hebergeur", Role.HOST, "camping-dieppe", "Hébergeur : camping de Dieppe"),
]


# --- plain data -------------------------------------------------------------------------------


@dataclass
class EditionSpec:
    year: int
    name: str
    starts_on: dt.date
    ends_on: dt.date
    communes: list[str]  # INSEE codes
    milestones: list[tuple[str, str, dt.date, dt.date | None]]  # kind, label, planned, actual


@dataclass
class OrganisationSpec:
    slug: str
    name: str
    kind: str
    commune: str | None = None  # INSEE code


@dataclass
class UserSpec:
    username: str
    first_name: str
    last_name: str
    email: str
    is_staff: bool
    organisation: str  # slug
    role: str


@dataclass
class PersonSpec:
    first_name: str
    last_name: str
    birth_date: dt.date
    relation: str
    has_disability: bool = False
    employment: str = EmploymentSituation.OTHER
    schooling: str = Schooling.NOT_AT_SCHOOL
    # (year, scheme, index in DemoPlan.projects when the departure is one of the demo's projects)
    past_departures: list[tuple[int, str, int | None]] = field(default_factory=list)


@dataclass
class HouseholdSpec:
    reference: str
    kind: str  # the demo's household type (single, family, seniors…), for statistics only
    commune: str
    persons: list[PersonSpec]
    address: str
    phone: str
    email: str
    caf_number: str
    annual_taxable_income_cents: int
    monthly_family_benefits_cents: int
    rfr_cents: int | None
    tax_parts: Decimal | None
    is_taxable: bool | None
    qf_cents: int | None
    qf_parts: Decimal
    qf_lines: list[str]
    referent: str  # organisation slug (the commune's CCAS)
    relay: str | None  # a relay structure that also follows the household
    consent_scopes: list[str]
    collected_by: str  # username
    created_at: dt.datetime
    minimum_benefits: list[str] = field(default_factory=list)
    mobility: str = ""
    mobility_note: str = ""


@dataclass
class ProjectSpec:
    reference: str
    household: int  # index in DemoPlan.households
    organisation: str
    created_by: str
    format: str
    status: str
    travellers: list[int]  # indices in the household's persons
    destination: str = ""
    destination_department: str = ""
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    status_reason: str = ""
    created_at: dt.datetime | None = None
    budget: list[tuple[str, str, int]] = field(default_factory=list)
    checklist: list[tuple[str, dt.datetime | None]] = field(default_factory=list)
    changes: list[tuple[str, str, str, dt.datetime, str]] = field(
        default_factory=list
    )  # from, to, reason, at, by
    journal: list[tuple[str, str, dt.datetime | None, dt.datetime, str]] = field(default_factory=list)
    edition_year: int | None = None  # None: the current edition


@dataclass
class DemoPlan:
    seed: int
    editions: list[EditionSpec]
    organisations: list[OrganisationSpec]
    users: list[UserSpec]
    households: list[HouseholdSpec]
    projects: list[ProjectSpec]

    @property
    def persons(self) -> int:
        return sum(len(h.persons) for h in self.households)


# --- reference data: reference.py; the dates of the demo edition ------------------------------

COMMISSIONS = [dt.date(2025, 3, 25), dt.date(2025, 4, 15), dt.date(2025, 5, 13), dt.date(2025, 6, 3)]
CAMPING_WEEKS = [dt.date(2025, 7, 5) + dt.timedelta(weeks=i) for i in range(8)]
REFERENCE_DATE = dt.date(2025, 3, 3)  # registration opens: ages and QF are taken on that day
SEASON_OPENS = dt.date(2025, 5, 3)  # the first departures


# --- helpers ----------------------------------------------------------------------------------


def ascii_slug(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return "".join(c if c.isalnum() else "-" for c in text).strip("-").replace("--", "-")


def ccas_name(commune: str) -> str:
    vowel = ascii_slug(commune[:1]) in {"a", "e", "i", "o", "u", "y"}
    return f"CCAS d'{commune}" if vowel else f"CCAS de {commune}"


def apportion(total: int, weights: dict) -> dict:
    """Largest-remainder apportionment of ``total`` items by weight (deterministic, keys in order)."""
    weight_sum = sum(weights.values())
    exact = {k: total * w / weight_sum for k, w in weights.items()}
    counts = {k: int(v) for k, v in exact.items()}
    rest = total - sum(counts.values())
    for k in sorted(weights, key=lambda k: (-(exact[k] - counts[k]), list(weights).index(k)))[:rest]:
        counts[k] += 1
    return counts


def at(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)


def age(birth: dt.date, on: dt.date = REFERENCE_DATE) -> int:
    return quotient.age_on(birth, on)


class Generator:
    def __init__(self, seed: int, communes: list[tuple[str, str, int]], households: int, today: dt.date):
        self.seed = seed
        self.rng = random.Random(seed)
        self.fake = Faker("fr_FR")
        self.fake.seed_instance(seed)
        self.communes = sorted(communes, key=lambda c: (-c[2], c[0]))  # (insee, name, population)
        self.names = {c[0]: c[1] for c in communes}
        self.n_households = households
        self.today = today  # the upcoming appointments follow the day itself
        # the season stands on the first day of today's week (from TEMPLATE_TODAY's weekday), so
        # that the demo is the same all week; DemoCalendar moves it by whole weeks
        self.now = today - dt.timedelta(days=(today - TEMPLATE_TODAY).days % 7)
        self.usernames: set[str] = {u for u, *_ in DEMO_LOGINS}
        self.references: set[str] = set()
        self.workers: dict[str, list[str]] = {}  # organisation slug → usernames of casework roles
        self.referents: dict[str, str] = {}  # organisation slug → username of a decision role
        upcoming = (today + dt.timedelta(days=n) for n in range(1, 29))
        self.working_days = [d for d in upcoming if d.weekday() < 5]  # for the next appointments
        self.agenda = random.Random(f"agenda-{seed}")

    # -- small draws --

    def pick(self, weighted: dict):
        keys = list(weighted)
        return self.rng.choices(keys, weights=[weighted[k] for k in keys])[0]

    def reference(self, prefix: str) -> str:
        while True:
            ref = new_reference(prefix, rng=self.rng)
            if ref not in self.references:
                self.references.add(ref)
                return ref

    def day_between(self, start: dt.date, end: dt.date) -> dt.date:
        return start + dt.timedelta(days=self.rng.randint(0, (end - start).days))

    def birth(self, min_age: int, max_age: int) -> dt.date:
        latest = REFERENCE_DATE.replace(year=REFERENCE_DATE.year - min_age) - dt.timedelta(days=1)
        earliest = REFERENCE_DATE.replace(year=REFERENCE_DATE.year - max_age - 1) + dt.timedelta(days=1)
        return self.day_between(earliest, latest)

    def username(self, first: str, last: str) -> str:
        base = f"{ascii_slug(first)}.{ascii_slug(last)}".replace("-", "")
        name, n = base, 1
        while name in self.usernames:
            n += 1
            name = f"{base}{n}"
        self.usernames.add(name)
        return name

    # -- editions, organisations, professionals --

    def editions(self) -> list[EditionSpec]:
        participating = [c[0] for c in self.communes[:PARTICIPATING_COMMUNES]]
        # 2024: fewer communes; the list changes every year.
        previous = [c[0] for c in self.communes[:20]] + sorted(
            self.rng.sample([c[0] for c in self.communes[20:32]], 5)
        )
        specs = []
        for year, communes, fete in [
            (2024, previous, dt.date(2024, 6, 29)),
            (2025, participating, dt.date(2025, 6, 28)),
        ]:
            m = [
                (
                    MilestoneKind.REGISTRATION_OPENS,
                    "Ouverture des inscriptions en mairie et au CCAS",
                    dt.date(year, 3, 3),
                ),
                (MilestoneKind.REGISTRATION_CLOSES, "Clôture des inscriptions", dt.date(year, 4, 30)),
                (MilestoneKind.COMMISSION, "Première commission d'attribution", dt.date(year, 3, 25)),
                (MilestoneKind.COMMISSION, "Commission d'attribution", dt.date(year, 4, 15)),
                (MilestoneKind.COMMISSION, "Commission d'attribution", dt.date(year, 5, 13)),
                (MilestoneKind.COMMISSION, "Dernière commission", dt.date(year, 6, 3)),
                (MilestoneKind.FETE, "Fête des vacances au stade Bollaert-Delelis", fete),
                (MilestoneKind.DEPARTURES_START, "Premiers départs", dt.date(year, 5, 3)),
                (MilestoneKind.DEPARTURES_END, "Derniers retours", dt.date(year, 10, 31)),
                (MilestoneKind.REPORTS_DUE, "Bilans dus aux financeurs", dt.date(year, 11, 28)),
            ]
            milestones: list[tuple[str, str, dt.date, dt.date | None]] = [
                (k, label, d, d if d <= self.now else None) for k, label, d in m
            ]
            specs.append(
                EditionSpec(
                    year=year,
                    name=f"{EDITION_NAME} {year}",
                    starts_on=dt.date(year, 1, 6),
                    ends_on=dt.date(year, 12, 19),
                    communes=sorted(communes),
                    milestones=milestones,
                )
            )
        return specs

    def organisations(self, participating: list[str]) -> list[OrganisationSpec]:
        orgs = [OrganisationSpec(COORDINATOR_SLUG, "Vacances Ouvertes", OrganisationKind.COORDINATOR)]
        for insee in sorted(participating, key=lambda i: self.names[i]):
            name = self.names[insee]
            orgs.append(
                OrganisationSpec(f"ccas-{ascii_slug(name)}", ccas_name(name), OrganisationKind.COMMUNE, insee)
            )
        orgs += [OrganisationSpec(slug, name, OrganisationKind.RELAY, insee) for slug, name, insee in RELAYS]
        orgs += [OrganisationSpec(slug, name, OrganisationKind.FUNDER) for slug, name in FUNDERS]
        orgs += [OrganisationSpec(slug, name, OrganisationKind.HOST) for slug, name in HOSTS]
        return orgs

    def user(
        self, organisation: str, role: str, username: str | None = None, staff: bool = False
    ) -> UserSpec:
        female = self.rng.random() < 0.7  # the social professions are mostly women
        first = self.fake.first_name_female() if female else self.fake.first_name_male()
        last = self.fake.last_name()
        username = username or self.username(first, last)
        if role in (Role.COORDINATOR, Role.COMMUNE_REFERENT, Role.SOCIAL_WORKER):
            self.workers.setdefault(organisation, []).append(username)
        if role in (Role.COORDINATOR, Role.COMMUNE_REFERENT):
            self.referents.setdefault(organisation, username)
        return UserSpec(username, first, last, f"{username}@{DEMO_EMAIL_DOMAIN}", staff, organisation, role)

    def users(self, orgs: list[OrganisationSpec], population: dict[str, int]) -> list[UserSpec]:
        fixed = {(slug, role): username for username, role, slug, _ in DEMO_LOGINS}
        users = []

        def add(slug, role, count):
            for i in range(count):
                username = fixed.get((slug, role)) if i == 0 else None
                users.append(self.user(slug, role, username, staff=role == Role.COORDINATOR))

        for org in orgs:
            if org.kind == OrganisationKind.COORDINATOR:
                add(org.slug, Role.COORDINATOR, 4)
                add(org.slug, Role.VOLUNTEER, 6)
            elif org.kind == OrganisationKind.COMMUNE:
                assert org.commune is not None  # a commune's organisation has its commune
                pop = population[org.commune]
                add(org.slug, Role.COMMUNE_REFERENT, 1)
                add(org.slug, Role.SOCIAL_WORKER, 1 + (pop > 8000) + (pop > 15000))
            elif org.kind == OrganisationKind.RELAY:
                add(org.slug, Role.SOCIAL_WORKER, 1)
            elif org.kind == OrganisationKind.FUNDER:
                add(org.slug, Role.FUNDER, 1)
            else:
                add(org.slug, Role.HOST, 1)
        return users

    # -- households --

    def employment(self, person_age: int, relation: str) -> str:
        """Tuned so that adults come out ~70 % employees, 17 % retired, 8 % inactive (2024 profile)."""
        e = EmploymentSituation
        if person_age < 3:
            return e.OTHER
        if person_age < 18:
            return e.OTHER  # a child: its schooling says the rest (see ``schooling``)
        if relation == Relation.CHILD and person_age < 20 and self.rng.random() < 0.7:
            return e.STUDENT
        if person_age >= 62:
            return self.pick({e.RETIRED: 95, e.INACTIVE: 5})
        if person_age >= 60:
            return self.pick({e.RETIRED: 50, e.EMPLOYEE: 40, e.INACTIVE: 10})
        if person_age <= 25:
            return self.pick({e.EMPLOYEE: 70, e.STUDENT: 14, e.JOBSEEKER: 11, e.INACTIVE: 5})
        return self.pick({e.EMPLOYEE: 86, e.INACTIVE: 10, e.JOBSEEKER: 2, e.OTHER: 2})

    def person(self, last_name: str, relation: str, min_age: int, max_age: int, female: bool | None = None):
        female = self.rng.random() < 0.5 if female is None else female
        first = self.fake.first_name_female() if female else self.fake.first_name_male()
        birth = self.birth(min_age, max_age)
        return PersonSpec(
            first_name=first,
            last_name=last_name,
            birth_date=birth,
            relation=relation,
            has_disability=self.rng.random() < 0.05,
            employment=(employment := self.employment(age(birth), relation)),
            schooling=schooling(age(birth), employment),
        )

    def composition(self, kind: str) -> list[PersonSpec]:
        last = self.fake.last_name()
        spouse_last = last if self.rng.random() < 0.7 else self.fake.last_name()
        female_head = self.rng.random() < 0.55
        if kind == "single":
            return [self.person(last, Relation.HEAD, 26, 59)]
        if kind == "young_adult":
            return [self.person(last, Relation.HEAD, 18, 25)]
        if kind == "senior_single":
            return [self.person(last, Relation.HEAD, 60, 88)]
        if kind in ("couple", "senior_couple"):
            low, high = (26, 59) if kind == "couple" else (60, 85)
            head = self.person(last, Relation.HEAD, low, high, female_head)
            spouse_age = min(max(age(head.birth_date) + self.rng.randint(-5, 5), low), high)
            return [head, self.person(spouse_last, Relation.SPOUSE, spouse_age, spouse_age, not female_head)]
        if kind == "with_relative":  # an adult and an elderly parent, sometimes with a child
            head = self.person(last, Relation.HEAD, 30, 55, female_head)
            members = [head, self.person(last, Relation.OTHER, 62, 88)]
            if self.rng.random() < 0.4:
                members.append(self.person(last, Relation.CHILD, 0, min(17, age(head.birth_date) - 18)))
            return members
        # single parents and couples with 1 to 5 children
        head = self.person(
            last,
            Relation.HEAD,
            22,
            52,
            True if kind == "single_parent" and self.rng.random() < 0.85 else None,
        )
        members = [head]
        if kind == "family":
            a = age(head.birth_date)
            members.append(
                self.person(spouse_last, Relation.SPOUSE, max(20, a - 4), min(55, a + 4), not female_head)
            )
            children = self.pick({1: 28, 2: 35, 3: 21, 4: 11, 5: 5})
        else:
            children = self.pick({1: 45, 2: 35, 3: 20})
        oldest = max(0, min(17, age(head.birth_date) - 19))
        for _ in range(children):
            members.append(self.person(last, Relation.CHILD, 0, oldest))
        if self.rng.random() < 0.08 and age(head.birth_date) >= 42:  # an adult child still at home
            members.append(self.person(last, Relation.CHILD, 19, 24))
        return members

    def resources(self, members: list[PersonSpec], kind: str) -> tuple[int, int]:
        """Annual taxable income after allowances and monthly family benefits, in cents."""
        income = 0.0
        for p in members:
            if age(p.birth_date) < 18:
                continue
            bands: dict[str, tuple[int, int, int]] = {
                EmploymentSituation.EMPLOYEE: (7000, 21000, 12500),
                EmploymentSituation.RETIRED: (8000, 19000, 12000),
                EmploymentSituation.JOBSEEKER: (4000, 13000, 8000),
                EmploymentSituation.INACTIVE: (0, 3000, 0),
                EmploymentSituation.STUDENT: (0, 6000, 1000),
            }
            low, high, mode = bands.get(p.employment, (0, 8000, 2000))
            income += self.rng.triangular(low, high, mode)
        dependants = [p for p in members if p.relation == Relation.CHILD and age(p.birth_date) < 20]
        n = len(dependants)
        benefits = {0: 0, 1: 0, 2: 148, 3: 338}.get(n, 338 + 190 * (n - 3))
        if any(age(p.birth_date) < 3 for p in dependants):
            benefits += 190
        if kind == "single_parent" and self.rng.random() < 0.6:
            benefits += 195 * n
        benefits += 150 * sum(p.has_disability for p in dependants)
        return round(income / 10) * 1000, benefits * 100

    def household(self, commune: str, ccas: str, relays: dict[str, list[str]]) -> HouseholdSpec:
        kind = self.pick(dict(HOUSEHOLD_TYPES))
        members = self.composition(kind)
        income, benefits = self.resources(members, kind)
        qf = quotient.quotient_familial(
            annual_taxable_income_cents=income,
            monthly_family_benefits_cents=benefits,
            members=[quotient.Member(p.birth_date, p.relation, p.has_disability) for p in members],
            on=REFERENCE_DATE,
        )
        adults = [p for p in members if p.relation in (Relation.HEAD, Relation.SPOUSE)]
        children = [p for p in members if p.relation == Relation.CHILD and age(p.birth_date) < 20]
        tax_parts = Decimal(len(adults)) + sum(
            Decimal("0.5") if i < 2 else Decimal(1) for i in range(len(children))
        )
        tax_parts += Decimal("0.5") * (len(adults) == 1 and bool(children))
        tax_parts += Decimal("0.5") * sum(p.has_disability for p in members if p.relation != Relation.OTHER)
        known_tax = self.rng.random() < 0.93
        head = members[0]
        collected = at(self.day_between(dt.date(2025, 2, 17), dt.date(2025, 4, 30)), self.rng.randint(9, 16))
        relay = None
        local = relays.get(commune, [])
        if self.rng.random() < 0.12 or (local and self.rng.random() < 0.1):
            youth = any(16 <= age(p.birth_date) <= 25 for p in members)
            relay = self.rng.choice(local) if local else ("mission-locale-lens-lievin" if youth else None)
        scopes = [ConsentScope.CASEWORK, ConsentScope.STATISTICS]
        if relay:
            scopes.append(ConsentScope.SHARING)
        if self.rng.random() < 0.6:
            scopes.append(ConsentScope.CONTACT)
        if self.rng.random() < 0.06:  # a few households with no fiscal notice and no contact
            phone = email = ""
        else:
            phone = f"06 39 98 {self.rng.randint(0, 99):02d} {self.rng.randint(0, 99):02d}"
            email = ""
            if self.rng.random() < 0.45:
                email = f"{ascii_slug(head.first_name)}.{ascii_slug(head.last_name)}{self.rng.randint(1, 99)}@example.org"
        reference = self.reference("F")
        return HouseholdSpec(
            reference=reference,
            kind=kind,
            commune=commune,
            persons=members,
            address=self.fake.street_address(),
            phone=phone,
            email=email,
            caf_number=f"{self.rng.randint(1000000, 9999999)}" if self.rng.random() < 0.85 else "",
            annual_taxable_income_cents=income,
            monthly_family_benefits_cents=benefits,
            rfr_cents=income if known_tax else None,
            tax_parts=tax_parts if known_tax else None,
            is_taxable=(income / 100 / float(tax_parts) > 17500) if known_tax else None,
            qf_cents=qf.qf_cents,
            qf_parts=qf.parts,
            qf_lines=qf.lines,
            referent=ccas,
            relay=relay,
            consent_scopes=sorted(scopes),
            collected_by=self.rng.choice(self.workers[ccas]),
            created_at=collected,
            **situation(reference, members, qf.qf_cents, age),
        )

    def past_departures(self, h: HouseholdSpec) -> None:
        draw = self.rng.random()
        if draw < 0.2:  # left with the operation last year
            seniors = all(age(p.birth_date) >= 60 for p in h.persons)
            scheme = (
                SchemeCode.SENIORS if seniors else self.pick({"individual": 65, "camping": 30, "hosting": 5})
            )
            for p in h.persons:
                if p.birth_date < dt.date(2024, 6, 1):
                    p.past_departures.append((2024, scheme, None))
        elif draw < 0.28:  # an older holiday through another scheme
            year = self.rng.randint(2016, 2023)
            scheme = self.pick(
                {SchemeCode.CAF: 40, SchemeCode.BSV: 25, SchemeCode.APV: 20, SchemeCode.OTHER: 15}
            )
            for p in h.persons:
                if p.birth_date.year < year:
                    p.past_departures.append((year, scheme, None))

    # -- projects --

    def format_for(self, h: HouseholdSpec) -> str:
        ages = [age(p.birth_date) for p in h.persons]
        if h.kind in ("senior_single", "senior_couple"):
            return self.pick(
                {ProjectFormat.SENIORS: 70, ProjectFormat.INDIVIDUAL: 20, ProjectFormat.CAMPING: 10}
            )
        if h.kind == "young_adult":
            return self.pick({ProjectFormat.SAC_ADOS: 60, ProjectFormat.INDIVIDUAL: 40})
        if any(a < 18 for a in ages):
            return self.pick({"individual": 52, "camping": 26, "bsv": 12, "hosting": 10})
        return self.pick({"individual": 60, "bsv": 20, "camping": 10, "hosting": 10})

    def travellers(self, h: HouseholdSpec, fmt: str) -> list[int]:
        ages = [age(p.birth_date) for p in h.persons]
        everyone = list(range(len(h.persons)))
        if fmt == ProjectFormat.SENIORS:
            chosen = [i for i in everyone if ages[i] >= 60 or (ages[i] >= 55 and h.persons[i].has_disability)]
            return chosen or [0]
        if fmt == ProjectFormat.SAC_ADOS:
            return [i for i in everyone if 16 <= ages[i] <= 25][:6]
        stay_home = [i for i in everyone[1:] if ages[i] >= 18]
        if stay_home and len(everyone) > 2 and self.rng.random() < 0.12:  # an adult stays home
            return [i for i in everyone if i != stay_home[-1]]
        return everyone

    def dates(self, fmt: str, earliest: dt.date) -> tuple[dt.date, dt.date, str, str]:
        """Dates and destination, starting on or after ``earliest`` when the format's window allows."""
        for _ in range(20):
            drawn = self._dates(fmt)
            if drawn[0] >= earliest:
                break
        return drawn

    def _dates(self, fmt: str) -> tuple[dt.date, dt.date, str, str]:
        if fmt == ProjectFormat.CAMPING:
            start = self.rng.choice(CAMPING_WEEKS)
            town, dep = self.rng.choice(CAMPSITES)
            return start, start + dt.timedelta(days=7), town, dep
        if fmt == ProjectFormat.SENIORS:  # outside July and August
            spring = self.rng.random() < 0.5
            nights = self.rng.choice([7, 7, 4])
            window = (
                (dt.date(2025, 5, 5), dt.date(2025, 6, 22))
                if spring
                else (dt.date(2025, 9, 1), dt.date(2025, 10, 20))
            )
            start = self.day_between(*window)
            if spring:
                start = min(start, dt.date(2025, 6, 30) - dt.timedelta(days=nights))
            return start, start + dt.timedelta(days=nights), *self.rng.choice(SENIOR_DESTINATIONS)
        if fmt == ProjectFormat.SAC_ADOS:
            nights = self.rng.randint(4, 7)
            start = self.day_between(dt.date(2025, 6, 28), dt.date(2025, 8, 20))
            return start, start + dt.timedelta(days=nights), *self.rng.choice(SEASIDE + INLAND)
        if fmt == ProjectFormat.HOSTING:  # the foundation's summer and Toussaint periods
            start = self.rng.choice(
                [dt.date(2025, 7, 12), dt.date(2025, 8, 2), dt.date(2025, 8, 16), dt.date(2025, 10, 18)]
            )
            return start, start + dt.timedelta(days=7), *self.rng.choice(SEASIDE + INLAND)
        nights = 7 if fmt == ProjectFormat.BSV else self.rng.choice([7, 7, 7, 8, 10, 14])
        summer = self.rng.random() < 0.75
        window = (
            (dt.date(2025, 7, 1), dt.date(2025, 8, 24))
            if summer
            else (dt.date(2025, 5, 3), dt.date(2025, 10, 10))
        )
        start = self.day_between(*window)
        return (
            start,
            start + dt.timedelta(days=nights),
            *self.rng.choice(SEASIDE if self.rng.random() < 0.8 else INLAND),
        )

    def budget(self, fmt: str, travellers: int, nights: int) -> list[tuple[str, str, int]]:
        r = self.rng
        lines: list[tuple[str, str, int]] = []
        if fmt != ProjectFormat.CAMPING:
            lines.append((BudgetKind.TRANSPORT, "Train aller-retour", travellers * r.randint(30, 90) * 100))
        lodgings: dict[str, tuple[str, int]] = {
            ProjectFormat.INDIVIDUAL: ("Location", nights * r.randint(40, 85) * 100),
            ProjectFormat.CAMPING: ("Semaine en mobil-home", travellers * r.randint(150, 220) * 100),
            ProjectFormat.SENIORS: (
                "Séjour en pension complète",
                travellers * (442 if nights == 7 else 369) * 100,
            ),
            ProjectFormat.BSV: ("Location à tarif solidaire", r.randint(75, 400) * 100),
            ProjectFormat.SAC_ADOS: ("Camping", nights * r.randint(10, 20) * 100),
        }
        lodging = lodgings.get(fmt)
        if lodging:
            lines.append((BudgetKind.LODGING, *lodging))
        if fmt != ProjectFormat.SENIORS:
            lines.append((BudgetKind.FOOD, "Courses et repas", nights * travellers * r.randint(8, 15) * 100))
        lines.append((BudgetKind.ACTIVITIES, "Sorties et activités", r.randint(2, 15) * 1000))
        return lines

    def project(self, index: int, h: HouseholdSpec, fmt: str, status: str) -> ProjectSpec:
        r = self.rng
        organisation = h.relay if (fmt == ProjectFormat.SAC_ADOS and h.relay) else h.referent
        author = r.choice(self.workers[organisation])
        decider = self.referents[h.referent]
        travellers = self.travellers(h, fmt)
        created = h.created_at + dt.timedelta(days=r.randint(0, 20), hours=r.randint(0, 2))
        p = ProjectSpec(
            self.reference("P"), index, organisation, author, fmt, status, travellers, created_at=created
        )
        incomplete = status == Status.DRAFT and r.random() < 0.4
        if not incomplete:
            earliest = created.date() + dt.timedelta(days=21)
            p.start_date, p.end_date, p.destination, p.destination_department = self.dates(fmt, earliest)
            if not (status == Status.DRAFT and r.random() < 0.3):
                p.budget = self.budget(fmt, len(travellers), (p.end_date - p.start_date).days)
            if status in (Status.DEPARTED, Status.RETURNED, Status.EVALUATED):
                stay_by(p, max(earliest, SEASON_OPENS), self.now, self.day_between)
            status = p.status = status_on(status, p.start_date, p.end_date, self.now)
        # the path through the workflow up to the current status
        path = PROGRESS[: PROGRESS.index(status) + 1] if status in PROGRESS else []
        if status == Status.REFUSED:
            path = [Status.DRAFT, Status.SUBMITTED, Status.REFUSED]
            p.status_reason = r.choice(REFUSAL_REASONS)
        elif status == Status.WITHDRAWN:
            path = PROGRESS[: r.randint(1, 4)] + [Status.WITHDRAWN]
            p.status_reason = r.choice(WITHDRAWAL_REASONS)
        elif status == Status.DRAFT and not incomplete and r.random() < 0.15:
            path = [Status.DRAFT, Status.SUBMITTED, Status.REFUSED, Status.DRAFT]  # refused, then reopened
        moment = created
        # steps before departure happen before it (an urgent file skips the commission calendar)
        deadline = at(p.start_date - dt.timedelta(days=1), 17) if p.start_date else None

        def before_departure(when: dt.datetime) -> dt.datetime:
            if deadline and when > deadline:
                return max(moment + dt.timedelta(hours=2), min(when, deadline))
            return when

        for before, after in zip(path, path[1:], strict=False):
            if after == Status.SUBMITTED:
                moment = before_departure(moment + dt.timedelta(days=r.randint(2, 20)))
            elif after in (Status.VALIDATED, Status.REFUSED):
                commission = next(
                    (c for c in COMMISSIONS if c > moment.date()), moment.date() + dt.timedelta(days=1)
                )
                moment = before_departure(at(commission, 14))
            elif after == Status.AID_GRANTED:
                moment = before_departure(moment + dt.timedelta(days=r.randint(3, 15)))
            elif after == Status.DEPARTED:
                assert p.start_date is not None  # a project that leaves has its dates
                moment = max(moment + dt.timedelta(hours=1), at(p.start_date, 9))
            elif after == Status.RETURNED:
                assert p.end_date is not None
                moment = max(moment + dt.timedelta(hours=1), at(p.end_date, 18))
            elif after == Status.EVALUATED:  # 10 to 40 days after the return, and not after today
                moment = min(moment + dt.timedelta(days=r.randint(10, 40)), at(self.now, 9))
            else:  # withdrawn, reopened
                moment += dt.timedelta(days=r.randint(1, 15))
            reason = p.status_reason if after in (Status.REFUSED, Status.WITHDRAWN) else ""
            by = decider if after in (Status.VALIDATED, Status.REFUSED, Status.AID_GRANTED) else author
            p.changes.append((before, after, reason, moment, by))
        submitted = next((c[3] for c in p.changes if c[1] == Status.SUBMITTED), None)
        for label in DEFAULT_CHECKLIST:
            if submitted:
                p.checklist.append((label, submitted - dt.timedelta(hours=r.randint(1, 72))))
            else:
                p.checklist.append((label, created + dt.timedelta(hours=1) if r.random() < 0.4 else None))
        # the accompaniment journal
        p.journal.append((JournalKind.NOTE, NOTES[0], None, created + dt.timedelta(minutes=30), author))
        if r.random() < 0.5:
            p.journal.append(
                (
                    JournalKind.NOTE,
                    r.choice(NOTES[1:]),
                    None,
                    created + dt.timedelta(days=r.randint(1, 10)),
                    author,
                )
            )
        if (
            status in (Status.RETURNED, Status.EVALUATED)
            and r.random() < 0.6
            and p.end_date is not None
            and p.end_date < self.now - dt.timedelta(days=5)
        ):
            p.journal.append(
                (
                    JournalKind.NOTE,
                    r.choice(RETURN_NOTES),
                    None,
                    at(p.end_date, 11) + dt.timedelta(days=5),
                    author,
                )
            )
        if r.random() < 0.3:
            when = created + dt.timedelta(days=r.randint(3, 12))
            p.journal.append(
                (JournalKind.APPOINTMENT, r.choice(APPOINTMENTS), when.replace(minute=0), created, author)
            )
        if (
            status in (Status.DRAFT, Status.SUBMITTED, Status.VALIDATED, Status.AID_GRANTED)
            and r.random() < 0.35
        ):
            # a draw of its own: the number of working days ahead must not shift the main sequence
            day = self.agenda.choice(self.working_days)
            when = at(day, r.randint(9, 16), r.choice([0, 30]))
            written = at(self.today - dt.timedelta(days=r.randint(1, 10)), r.randint(9, 17))
            p.journal.append((JournalKind.APPOINTMENT, r.choice(APPOINTMENTS), when, written, author))
        return p

    # -- the whole plan --

    def plan(self) -> DemoPlan:
        editions = self.editions()
        participating = editions[-1].communes
        population = {c[0]: c[2] for c in self.communes}
        orgs = self.organisations(participating)
        users = self.users(orgs, population)
        ccas = {o.commune: o.slug for o in orgs if o.kind == OrganisationKind.COMMUNE}
        relays: dict[str, list[str]] = {}
        for slug, _name, insee in RELAYS:
            relays.setdefault(insee, []).append(slug)
        counts = apportion(self.n_households, {insee: population[insee] for insee in participating})
        households = []
        for insee in participating:
            for _ in range(counts[insee]):
                h = self.household(insee, ccas[insee], relays)
                self.past_departures(h)
                households.append(h)
        self.rng.shuffle(households)  # interleave communes, as registrations arrive
        # who has a project: ~60 % of households, plus Sac Ados for some teenagers of families
        wanted: list[tuple[int, str]] = []
        for i, h in enumerate(households):
            if self.rng.random() < 0.6:
                wanted.append((i, self.format_for(h)))
            teenager = any(16 <= age(p.birth_date) <= 25 for p in h.persons)
            if h.kind in ("family", "single_parent") and teenager and self.rng.random() < 0.12:
                wanted.append((i, ProjectFormat.SAC_ADOS))
        statuses = [s for s, n in apportion(len(wanted), STATUS_SHARES).items() for _ in range(n)]
        self.rng.shuffle(statuses)
        projects = [
            self.project(i, households[i], fmt, status)
            for (i, fmt), status in zip(wanted, statuses, strict=True)
        ]
        for index, p in enumerate(projects):
            if p.status in (Status.DEPARTED, Status.RETURNED, Status.EVALUATED):
                for t in p.travellers:
                    person = households[p.household].persons[t]
                    if not any(d[:2] == (EDITION_YEAR, p.format) for d in person.past_departures):
                        person.past_departures.append((EDITION_YEAR, p.format, index))
        projects += self.previous_projects(households, len(projects))
        return DemoPlan(self.seed, editions, orgs, users, households, projects)

    def previous_projects(self, households: list[HouseholdSpec], first: int) -> list[ProjectSpec]:
        """Last year's edition, for the bilan's year-over-year columns: an evaluated project for
        each household that left with the operation then (its travellers' past departure points
        at it), drawn like this year's and moved back 52 weeks. A draw of its own: this year's
        sequence does not move."""
        year, back = EDITION_YEAR - 1, DemoCalendar(-52)
        main, now = self.rng, self.now
        self.rng, self.now = random.Random(f"previous-{self.seed}"), dt.date(EDITION_YEAR, 12, 31)
        projects: list[ProjectSpec] = []
        try:
            for i, h in enumerate(households):
                left = [t for t, p in enumerate(h.persons) if any(d[0] == year for d in p.past_departures)]
                if not left:
                    continue
                scheme = next(d[1] for d in h.persons[left[0]].past_departures if d[0] == year)
                p = back.moved(self.project(i, h, scheme, Status.EVALUATED))
                p.travellers, p.edition_year = left, year
                for t in left:
                    person = h.persons[t]
                    person.past_departures = [
                        (y, s, first + len(projects) if y == year else index)
                        for y, s, index in person.past_departures
                    ]
                projects.append(p)
        finally:
            self.rng, self.now = main, now
        return projects


def generate(
    *, seed: int, communes: list[tuple[str, str, int]], households: int = DEFAULT_HOUSEHOLDS, today: dt.date
) -> DemoPlan:
    """The demo edition for ``seed`` over ``communes`` ((INSEE code, name, population) triples),
    its season drawn on the template calendar then moved to the week of ``today``
    (:mod:`partez.demo.calendar`)."""
    calendar = DemoCalendar.on(today)
    plan = calendar.moved(Generator(seed, communes, households, calendar.template_day(today)).plan())
    for e in plan.editions:
        e.year, e.name = calendar.year_of(e.year), e.name.replace(str(e.year), str(calendar.year_of(e.year)))
    for h in plan.households:
        for p in h.persons:
            p.past_departures = [(calendar.year_of(y), scheme, i) for y, scheme, i in p.past_departures]
    for p in plan.projects:
        if p.edition_year is not None:
            p.edition_year = calendar.year_of(p.edition_year)
    return plan


def profile(plan: DemoPlan) -> dict[str, object]:
    """Shares of the generated population, to compare with the published 2024 profile."""
    adults = [p for h in plan.households for p in h.persons if age(p.birth_date) >= 18]
    employment = Counter(p.employment for p in adults)
    qf = [h.qf_cents / 100 for h in plan.households if h.qf_cents is not None]
    return {
        "households": len(plan.households),
        "persons": plan.persons,
        "adults_employment": {k: round(v / len(adults), 3) for k, v in employment.most_common()},
        "qf_300_1200": round(sum(300 <= q <= 1200 for q in qf) / len(qf), 3),
        "household_types": dict(Counter(h.kind for h in plan.households).most_common()),
        "projects": len(plan.projects),
        "formats": dict(Counter(p.format for p in plan.projects).most_common()),
    }
