"""Load (and delete) the demo edition: the plan of :mod:`partez.demo.generator`, bulk-inserted.

The demo is one operation by the system, so it writes **one** audit entry (action ``demo.load``,
on the coordinator organisation, with the seed and the counts) instead of one per row: tens of
thousands of audit rows would drown the real history and make the load several times slower.
Rows are inserted with ``bulk_create`` (which returns primary keys on PostgreSQL and on SQLite),
in one transaction: a failed load leaves nothing behind.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.db import connection, transaction
from django.db.models import ProtectedError, Q, RestrictedError
from django.utils import timezone

from partez.accompaniment import demo as accompaniment_demo
from partez.core import audit, phone
from partez.core.errors import DomainError
from partez.funding.models import Commitment, Envelope, EnvelopeQuota, FinancingPlan, PlanLine
from partez.households.models import Consent, FollowUp, Household, PastDeparture, Person
from partez.organisations.models import Membership, Organisation, Role
from partez.projects.models import BudgetLine, ChecklistItem, JournalEntry, Project, StatusChange
from partez.reports import demo as reports_demo
from partez.schemes.models import Scheme
from partez.territory.data import load_communes
from partez.territory.models import Commune, Edition, Milestone
from partez.users.models import User

from . import camping, funding, generator
from . import fete as fete_demo
from . import groups as groups_demo
from . import network as network_demo
from . import offers as offers_demo
from .calendar import DemoCalendar
from .generator import COORDINATOR_SLUG, DEMO_EMAIL_DOMAIN, DemoPlan

VOLUNTEER_LOGIN = next(u for u, role, *_ in generator.DEMO_LOGINS if role == Role.VOLUNTEER)

BATCH = 2000
MAX_HOUSEHOLDS = 50_000
ADMIN_GROUP = "Coordination – administration"
# The coordination administers the operation's data in the Django admin.
ADMIN_APPS = ["territory", "organisations", "households", "projects", "users", "jobs", "camping", "offers"]


@dataclass
class LoadResult:
    loaded: bool  # False when the demo was already there and nothing was done
    seed: int | None = None
    counts: dict[str, int] = field(default_factory=dict)
    deleted: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def is_loaded() -> bool:
    return Organisation.objects.filter(slug=COORDINATOR_SLUG).exists()


def demo_organisation_slugs() -> set[str]:
    """Slugs of every organisation the demo can create (one CCAS per commune of the territory)."""
    slugs = {COORDINATOR_SLUG}
    slugs |= {slug for slug, *_ in generator.RELAYS + generator.FUNDERS + generator.HOSTS}
    slugs |= {f"ccas-{generator.ascii_slug(name)}" for name in Commune.objects.values_list("name", flat=True)}
    return slugs


def demo_delete() -> dict[str, int]:
    """Delete the demo organisations and everything attached to them: their households and
    projects, memberships, demo users (e-mail ``@demo.partez.example``) and the demo editions
    when no other project uses them. Meant for demonstration databases; does nothing when the
    demo is not loaded (its coordinator organisation is absent), so real organisations whose
    slugs look like the demo's are never touched by a stray ``--reset``."""
    if not is_loaded():
        return {}
    orgs = Organisation.objects.filter(slug__in=demo_organisation_slugs())
    users = User.objects.filter(email__endswith=f"@{DEMO_EMAIL_DOMAIN}")
    deleted: dict[str, int] = {}

    def delete(label: str, queryset) -> None:  # count the model's own rows, not the cascade
        _total, per_model = queryset.delete()
        deleted[label] = per_model.get(queryset.model._meta.label, 0)

    try:
        with transaction.atomic():
            households = Household.objects.filter(created_by_organisation__in=orgs)
            demo_projects = Project.objects.filter(Q(organisation__in=orgs) | Q(household__in=households))
            fete_demo.delete(orgs, households)  # chèques-vacances and the Fête
            groups_demo.delete(orgs)  # Sac Ados and Seniors en Vacances groups
            offers_demo.delete(orgs, households)  # hosting offers, bookings, matchings
            accompaniment_demo.delete(orgs)  # workshops and their doors, screenings
            network_demo.delete(orgs, users)  # trainings, events, library, directory, news
            Commitment.objects.filter(project__in=demo_projects).delete()
            PlanLine.objects.filter(plan__project__in=demo_projects).delete()
            FinancingPlan.objects.filter(project__in=demo_projects).delete()
            envelopes = Envelope.objects.filter(funder__in=orgs)
            EnvelopeQuota.objects.filter(envelope__in=envelopes).delete()
            delete("enveloppes", envelopes)
            Scheme.objects.filter(funder__in=orgs).update(funder=None)  # the catalogue stays
            delete("projets", Project.objects.filter(Q(organisation__in=orgs) | Q(household__in=households)))
            delete("foyers", households)
            FollowUp.objects.filter(organisation__in=orgs).delete()
            Consent.objects.filter(Q(organisation__in=orgs) | Q(collected_by__in=users)).delete()
            JournalEntry.objects.filter(Q(organisation__in=orgs) | Q(author__in=users)).delete()
            delete("adhésions", Membership.objects.filter(Q(organisation__in=orgs) | Q(user__in=users)))
            delete("organisations", orgs)
            delete("utilisateurs", users)
            editions = Edition.objects.filter(name__startswith=generator.EDITION_NAME)
            delete("éditions", editions.exclude(pk__in=Project.objects.values("edition_id")))
    except (ProtectedError, RestrictedError) as exc:
        raise DomainError(
            "Impossible de supprimer les données de démonstration : d'autres données en dépendent "
            f"({', '.join(sorted({str(o._meta.verbose_name) for o in exc.protected_objects}))})."
            if isinstance(exc, ProtectedError)
            else "Impossible de supprimer les données de démonstration : d'autres données en dépendent."
        ) from exc
    return deleted


def demo_load(
    *,
    seed: int = 2025,
    households: int = generator.DEFAULT_HOUSEHOLDS,
    reset: bool = False,
    today: dt.date | None = None,
) -> LoadResult:
    """Load the demo edition for ``seed`` unless it is already loaded (then do nothing);
    with ``reset``, delete the demo data first. Deterministic for a given seed and ``today``
    (default: the local date), the day the season's dates are relative to
    (:mod:`partez.demo.calendar`)."""
    if not 1 <= households <= MAX_HOUSEHOLDS:
        raise DomainError(
            f"Le nombre de foyers doit être compris entre 1 et {MAX_HOUSEHOLDS}.", field="households"
        )
    started = time.monotonic()
    with transaction.atomic():
        deleted = demo_delete() if reset else {}
        if is_loaded():
            return LoadResult(loaded=False)
        if not Commune.objects.exists():  # e.g. after a test database flush
            load_communes()
        communes = list(Commune.objects.values_list("insee_code", "name", "population"))
        today = today or timezone.localdate()
        calendar = DemoCalendar.on(today)
        plan = generator.generate(seed=seed, communes=communes, households=households, today=today)
        _check_free(plan)
        counts = _insert(plan)
        edition = Edition.objects.get(year=calendar.year)
        counts.update(funding.load(edition))
        counts.update(camping.load(edition, calendar))
        counts.update(offers_demo.load(edition, calendar, seed=seed))
        counts.update(reports_demo.load(edition, seed))
        counts.update(
            fete_demo.load(
                edition,
                calendar,
                seed=seed,
                user_id=User.objects.get(username=generator.DEMO_LOGINS[0][0]).pk,
                volunteer_id=User.objects.get(username=VOLUNTEER_LOGIN).pk,
            )
        )
        counts.update(groups_demo.load(calendar))
        counts.update(
            accompaniment_demo.load(
                edition,
                seed=seed,
                today=today,
                user_id=User.objects.get(username=generator.DEMO_LOGINS[0][0]).pk,
                volunteer_id=User.objects.get(username=VOLUNTEER_LOGIN).pk,
            )
        )
        counts.update(network_demo.load(edition, today=today, seed=seed))
        coordinator = Organisation.objects.get(slug=COORDINATOR_SLUG)
        audit.record(
            actor=None,
            organisation=coordinator,
            action="demo.load",
            obj=coordinator,
            changes={"seed": seed, "reset": reset, **counts},
        )
    # Bulk-loaded tables have no planner statistics yet (SQLite never gathers them by itself):
    # without them both engines pick poor plans for the scoped dashboard queries.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return LoadResult(
        loaded=True, seed=seed, counts=counts, deleted=deleted, seconds=time.monotonic() - started
    )


def _check_free(plan: DemoPlan) -> None:
    """Refuse, in French, to load over organisations or accounts that are not the demo's."""
    slugs = sorted(
        Organisation.objects.filter(slug__in=[o.slug for o in plan.organisations]).values_list(
            "slug", flat=True
        )
    )
    if slugs:
        raise DomainError(
            f"Des organisations existantes portent les identifiants de la démonstration ({', '.join(slugs[:5])}) : "
            "chargez la démonstration dans une base dédiée."
        )
    usernames = sorted(
        User.objects.filter(username__in=[u.username for u in plan.users]).values_list("username", flat=True)
    )
    if usernames:
        raise DomainError(
            f"Des comptes existants portent les identifiants de la démonstration ({', '.join(usernames[:5])}) : "
            "chargez la démonstration dans une base dédiée."
        )


def _insert(plan: DemoPlan) -> dict[str, int]:
    communes = {c.insee_code: c for c in Commune.objects.all()}

    # editions and their milestones (an edition of the same year is reused)
    editions = {}
    for spec in plan.editions:
        edition, created = Edition.objects.get_or_create(
            year=spec.year,
            defaults={
                "name": spec.name,
                "starts_on": spec.starts_on,
                "ends_on": spec.ends_on,
                "departures_target": 10_000,  # the operation's name: « 10 000 départs »
            },
        )
        edition.communes.add(*[communes[i] for i in spec.communes])
        if created:
            Milestone.objects.bulk_create(
                Milestone(edition=edition, kind=kind, label=label, planned_on=planned, actual_on=actual)
                for kind, label, planned, actual in spec.milestones
            )
        editions[spec.year] = edition
    edition = editions[plan.editions[-1].year]  # the current one, after its predecessor

    # organisations, professionals (one password hash for all), memberships
    orgs = Organisation.objects.bulk_create(
        Organisation(
            slug=o.slug, name=o.name, kind=o.kind, commune=communes.get(o.commune) if o.commune else None
        )
        for o in plan.organisations
    )
    org = {o.slug: o for o in orgs}
    password = make_password(generator.DEMO_PASSWORD)
    users = User.objects.bulk_create(
        User(
            username=u.username,
            first_name=u.first_name,
            last_name=u.last_name,
            email=u.email,
            is_staff=u.is_staff,
            password=password,
        )
        for u in plan.users
    )
    user = {u.username: u for u in users}
    Membership.objects.bulk_create(
        Membership(user=user[u.username], organisation=org[u.organisation], role=u.role) for u in plan.users
    )
    admins, _ = Group.objects.get_or_create(name=ADMIN_GROUP)
    admins.permissions.set(Permission.objects.filter(content_type__app_label__in=ADMIN_APPS))
    admins.user_set.add(*[user[u.username] for u in plan.users if u.role == Role.COORDINATOR])

    # households, their members, consent and follow-ups
    households = Household.objects.bulk_create(
        (
            Household(
                reference=h.reference,
                commune=communes[h.commune],
                address=h.address,
                phone=phone.to_e164(h.phone),
                email=h.email,
                caf_number=h.caf_number,
                annual_taxable_income_cents=h.annual_taxable_income_cents,
                monthly_family_benefits_cents=h.monthly_family_benefits_cents,
                rfr_cents=h.rfr_cents,
                tax_parts=h.tax_parts,
                is_taxable=h.is_taxable,
                minimum_benefits=h.minimum_benefits,
                mobility=h.mobility,
                mobility_note=h.mobility_note,
                qf_cents=h.qf_cents,
                qf_parts=h.qf_parts,
                qf_lines=h.qf_lines,
                sort_name=next(
                    (Person.search_key(p.first_name, p.last_name) for p in h.persons if p.relation == "head"),
                    "",
                ),
                created_by_organisation=org[h.referent],
            )
            for h in plan.households
        ),
        batch_size=BATCH,
    )
    persons = Person.objects.bulk_create(
        (
            Person(
                household=household,
                first_name=p.first_name,
                last_name=p.last_name,
                search_name=Person.search_key(p.first_name, p.last_name),
                birth_date=p.birth_date,
                relation=p.relation,
                has_disability=p.has_disability,
                employment=p.employment,
                schooling=p.schooling,
            )
            for household, h in zip(households, plan.households, strict=True)
            for p in h.persons
        ),
        batch_size=BATCH,
    )
    members: list[list[Person]] = []  # members[household index][person index]
    offset = 0
    for h in plan.households:
        members.append(persons[offset : offset + len(h.persons)])
        offset += len(h.persons)
    Consent.objects.bulk_create(
        (
            Consent(
                household=household,
                scopes=h.consent_scopes,
                collected_by=user[h.collected_by],
                organisation=org[h.referent],
                collected_at=h.created_at,
            )
            for household, h in zip(households, plan.households, strict=True)
        ),
        batch_size=BATCH,
    )
    followups = []
    for household, h in zip(households, plan.households, strict=True):
        followups.append(
            FollowUp(
                household=household,
                organisation=org[h.referent],
                is_referent=True,
                started_on=h.created_at.date(),
            )
        )
        if h.relay:
            started = h.created_at.date() + dt.timedelta(days=7)
            followups.append(FollowUp(household=household, organisation=org[h.relay], started_on=started))
    FollowUp.objects.bulk_create(followups, batch_size=BATCH)

    # projects and everything hanging from them
    projects = Project.objects.bulk_create(
        (
            Project(
                reference=p.reference,
                household=households[p.household],
                organisation=org[p.organisation],
                edition=editions[p.edition_year] if p.edition_year else edition,
                format=p.format,
                status=p.status,
                destination=p.destination,
                destination_department=p.destination_department,
                start_date=p.start_date,
                end_date=p.end_date,
                status_reason=p.status_reason,
                created_by=user[p.created_by],
            )
            for p in plan.projects
        ),
        batch_size=BATCH,
    )
    through = Project.travellers.through
    through.objects.bulk_create(
        (
            through(project_id=project.pk, person_id=members[p.household][t].pk)
            for project, p in zip(projects, plan.projects, strict=True)
            for t in p.travellers
        ),
        batch_size=BATCH,
    )
    pairs = list(zip(projects, plan.projects, strict=True))
    BudgetLine.objects.bulk_create(
        (
            BudgetLine(project=project, kind=kind, label=label, amount_cents=amount)
            for project, p in pairs
            for kind, label, amount in p.budget
        ),
        batch_size=BATCH,
    )
    ChecklistItem.objects.bulk_create(
        (
            ChecklistItem(project=project, label=label, received_at=received)
            for project, p in pairs
            for label, received in p.checklist
        ),
        batch_size=BATCH,
    )
    changes = [
        (StatusChange(project=project, from_status=a, to_status=b, reason=reason, by=user[by]), when)
        for project, p in pairs
        for a, b, reason, when, by in p.changes
    ]
    StatusChange.objects.bulk_create([c for c, _ in changes], batch_size=BATCH)
    journal = [
        (
            JournalEntry(
                project=project,
                kind=kind,
                text=text,
                happens_at=happens,
                author=user[author],
                organisation=project.organisation,
            ),
            written,
        )
        for project, p in pairs
        for kind, text, happens, written, author in p.journal
    ]
    JournalEntry.objects.bulk_create([j for j, _ in journal], batch_size=BATCH)
    departures = PastDeparture.objects.bulk_create(
        (
            PastDeparture(
                person=person, year=year, scheme=scheme, project=None if index is None else projects[index]
            )
            for people, h in zip(members, plan.households, strict=True)
            for person, p in zip(people, h.persons, strict=True)
            for year, scheme, index in p.past_departures
        ),
        batch_size=BATCH,
    )

    # auto_now_add stamped every row "now": give them their place in the edition's calendar
    _backdate(Household, "created_at", zip(households, (h.created_at for h in plan.households), strict=True))
    _backdate(Project, "created_at", zip(projects, (p.created_at for p in plan.projects), strict=True))
    _backdate(StatusChange, "at", changes)
    _backdate(JournalEntry, "created_at", journal)

    return {
        "organisations": len(orgs),
        "users": len(users),
        "households": len(households),
        "persons": len(persons),
        "projects": len(projects),
        "past_departures": len(departures),
    }


def _backdate(model, field_name: str, rows) -> None:
    """Set a datetime column row by row, in one ``UPDATE … FROM (VALUES …)`` per 500 rows.

    ``bulk_update`` builds a ``CASE`` expression per row in Python and took longer than all
    the inserts together; ``UPDATE … FROM`` runs on PostgreSQL and on SQLite ≥ 3.33, and both
    name the columns of a ``VALUES`` list ``column1``, ``column2``."""
    ops = connection.ops
    table, pk = ops.quote_name(model._meta.db_table), ops.quote_name(model._meta.pk.column)
    column = ops.quote_name(model._meta.get_field(field_name).column)
    values = []
    for obj, when in rows:
        setattr(obj, field_name, when)
        values.append((obj.pk, ops.adapt_datetimefield_value(when)))
    with connection.cursor() as cursor:
        for start in range(0, len(values), 500):
            chunk = values[start : start + 500]
            placeholders = ", ".join(["(%s, %s)"] * len(chunk))
            cursor.execute(
                f"UPDATE {table} SET {column} = v.column2 FROM (VALUES {placeholders}) AS v WHERE {table}.{pk} = v.column1",
                [param for row in chunk for param in row],
            )
