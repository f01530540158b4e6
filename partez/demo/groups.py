"""The demo's group departures: Sac Ados groups of the relay structures in every state (a jury
session done, one ahead; a ceremony done, one ahead) and Seniors en Vacances groups of the CCAS
(their conventions, stay options outside July–August). Written through the groups' services, as a
relay's and a CCAS's professionals would, on the template season's dates moved by the calendar
(:mod:`partez.demo.calendar`), so every verdict is the rules' own. Deterministic: persons are taken
in a fixed order (oldest file first) and the young people's answers are fixed texts. Idempotent: a
second run finds the demo's jury session and does nothing. The services' audit entries are folded
into the demo's single « demo.load » entry.
"""

from __future__ import annotations

import base64
import datetime as dt
import io

from django.db.models import Max, Q
from django.utils import timezone

from partez.attendance import services as attendance
from partez.attendance.models import Roster, Ticket
from partez.core.errors import DomainError
from partez.core.models import AuditLog
from partez.groups import services
from partez.groups.apps import CEREMONY_KIND
from partez.groups.models import (
    Convention,
    Decision,
    Group,
    JuryReview,
    JurySession,
    Member,
    Pack,
    PackStock,
    RelayApproval,
    Scheme,
    Stay,
)
from partez.households.models import PastDeparture, Person
from partez.households.quotient import age_on
from partez.households.selectors import households_for
from partez.organisations.models import Membership, Organisation, OrganisationKind, Role

from .calendar import DemoCalendar
from .generator import COORDINATOR_SLUG

D = dt.date
# Sac Ados groups on the template season (today: Tuesday 8 July 2025):
# (name, destination, transport, start, nights, size, final state)
SAC_ADOS = [
    ("Les Baroudeuses", "Marseille", "TGV", D(2025, 4, 14), 5, 3, "returned"),
    ("Cap sur Bordeaux", "Bordeaux", "Train et vélo", D(2025, 4, 21), 5, 2, "returned"),
    ("Les Randonneurs", "Annecy", "Train", D(2025, 7, 5), 7, 4, "departed"),
    ("Océan", "Biarritz", "Covoiturage", D(2025, 7, 7), 4, 3, "departed"),
    ("Les Grimpeurs", "Chamonix", "Train de nuit", D(2025, 8, 4), 6, 3, "accepted"),
    ("Camping en Bretagne", "Crozon", "Train et car", D(2025, 8, 11), 5, 4, "accepted"),
    ("Festival", "Carhaix", "Covoiturage", D(2025, 7, 17), 4, 3, "rework"),
    ("Week-end à Paris", "Paris", "Bus", D(2025, 8, 1), 4, 2, "refused"),
    ("Les Cévennes à pied", "Florac", "Train", D(2025, 8, 18), 5, 3, "submitted"),
    ("Île de Ré", "La Flotte", "Train et vélo", D(2025, 8, 25), 6, 2, "submitted"),
    ("Lyon et ses pentes", "Lyon", "Train", D(2025, 9, 1), 4, 3, "draft"),
    ("Vosges", "Gérardmer", "", D(2025, 10, 20), 4, 2, "draft"),
]
JURY_DONE = (D(2025, 3, 25), "Hôtel du Département, Arras")
JURY_AHEAD = (D(2025, 7, 22), "Maison des sports, Lens")
JURORS = "Élue du Département (jeunesse), CAF du Pas-de-Calais, coordination, une structure relais"
CEREMONY_DONE = D(2025, 4, 5)
CEREMONY_AHEAD = D(2025, 7, 25)
# Seniors en Vacances: (provider, place, start, nights, price, capacity, option until, final state)
STAYS = [
    ("Vacances pour tous", "Le Crotoy", D(2025, 5, 19), 4, 36900, 30, D(2025, 3, 31), "returned"),
    ("VVF", "Saint-Malo", D(2025, 6, 16), 7, 44200, 30, D(2025, 4, 30), "returned"),
    ("Cap France", "Annecy", D(2025, 9, 8), 7, 44200, 30, D(2025, 7, 31), "accepted"),
    ("Vacances pour tous", "Hardelot", D(2025, 10, 6), 4, 36900, 30, D(2025, 8, 31), "draft"),
]
SUMMER = {7, 8}  # Seniors en Vacances stays are outside July and August
SENIOR_GROUP_NAMES = ["Les Amis de la Baie", "Escapade bretonne", "Lac et montagnes", "Côte d'Opale"]
SCORES = {"autonomy": 3, "budget": 3, "safety": 4, "presentation": 3}
REASONS = {
    "rework": "Le budget du transport est à revoir : demandez un devis au transporteur.",
    "refused": "Le projet ne prévoit pas d'hébergement pour les quatre nuits.",
}


def _png() -> str:
    import segno

    out = io.BytesIO()
    segno.make("signature").save(out, kind="png", scale=2)
    return base64.b64encode(out.getvalue()).decode()


def _worker(org: Organisation) -> Membership | None:
    return (
        Membership.objects.filter(
            organisation=org, role__in=[Role.SOCIAL_WORKER, Role.COMMUNE_REFERENT], is_active=True
        )
        .select_related("organisation", "user")
        .order_by("pk")
        .first()
    )


def _young(actor: Membership, start: dt.date, taken: set[int], n: int) -> list[Person]:
    """``n`` persons the relay follows, 16–25 on ``start``, never in a group nor gone with Sac Ados."""
    gone = PastDeparture.objects.filter(scheme="sac_ados").values("person_id")
    people = (
        Person.objects.filter(household__in=households_for(actor))
        .exclude(pk__in=taken)
        .exclude(pk__in=gone)
        .order_by("pk")
    )
    chosen = [p for p in people if 16 <= age_on(p.birth_date, start) <= 25][:n]
    return chosen if len(chosen) == n else []


def load(calendar: DemoCalendar) -> dict[str, int]:
    coordination_org = Organisation.objects.filter(slug=COORDINATOR_SLUG).first()
    if coordination_org is None or JurySession.objects.filter(organisation=coordination_org).exists():
        return {}
    coordinator = (
        Membership.objects.filter(organisation=coordination_org, role=Role.COORDINATOR).order_by("pk").first()
    )
    if coordinator is None:
        return {}
    mark = AuditLog.objects.aggregate(last=Max("pk"))["last"] or 0
    counts = {
        "groupes Sac Ados": _sac_ados(calendar, coordinator),
        "groupes Seniors en Vacances": _seniors(calendar),
    }
    # The services wrote their audit entries: the demo keeps its one entry (« demo.load », with
    # these counts), like the rest of the demo written in bulk; unsealed, so the chain is intact.
    AuditLog.objects.filter(pk__gt=mark, seq__isnull=True).delete()
    return counts


def _sac_ados(calendar: DemoCalendar, coordinator: Membership) -> int:
    relays = list(Organisation.objects.filter(kind=OrganisationKind.RELAY).order_by("slug"))
    for i, relay in enumerate(relays):
        RelayApproval.objects.get_or_create(
            organisation=relay,
            scheme=Scheme.SAC_ADOS,
            defaults={
                "approved_on": calendar.date(D(2024, 11, 4)),
                "trained_professional": "Professionnel·le référent·e Sac Ados",
                # one relay has not declared its training yet: its groups show the rule unmet
                "trained_on": None
                if i == len(relays) - 1
                else calendar.date(D(2024, 10, 1) + dt.timedelta(days=7 * i)),
            },
        )
    workers = [w for w in (_worker(r) for r in relays) if w is not None]
    if not workers:
        return 0
    done = services.jury_session_create(
        actor=coordinator, held_on=calendar.date(JURY_DONE[0]), place=JURY_DONE[1], jurors=JURORS
    )
    ahead = services.jury_session_create(
        actor=coordinator, held_on=calendar.date(JURY_AHEAD[0]), place=JURY_AHEAD[1], jurors=JURORS
    )
    taken: set[int] = set()
    made: list[tuple[Group, Membership, str]] = []
    for n, (name, destination, transport, start, nights, size, state) in enumerate(SAC_ADOS):
        actor = workers[n % len(workers)]
        begin = calendar.date(start)
        people = _young(actor, begin, taken, size)
        if not people:
            continue
        taken.update(p.pk for p in people)
        data = services.GroupInput(
            scheme=Scheme.SAC_ADOS,
            name=name,
            members=[p.pk for p in people],
            destination=destination,
            starts_on=begin,
            ends_on=begin + dt.timedelta(days=nights),
            transport=transport,
        )
        try:
            group, _ = services.group_create(actor=actor, data=data)
        except DomainError:
            continue
        if state != "draft" or n % 2 == 0:  # the last draft has no budget yet
            per = 8000 * nights
            services.group_update(
                actor=None,
                group=group,
                destination=destination,
                transport=transport,
                wishes="Découvrir la région, se débrouiller seuls, rencontrer d'autres jeunes.",
                budget=[
                    ("transport", "", 9000 * size),
                    ("accommodation", "", per * size // 2),
                    ("food", "", 1500 * nights * size),
                    ("own", "", 6000 * size),
                    ("bourse", "", 15000 * size),
                ],
            )
        made.append((group, actor, state))
    # the jury done: every group past the draft but those ahead
    for group, actor, state in made:
        if state == "draft":
            continue
        services.group_transition(actor=actor, group=group, action="submit")
        session = ahead if state == "submitted" else done
        review = services.jury_agenda_add(actor=coordinator, session=session, group=group)
        if session is done:
            decision = {"rework": Decision.REWORK, "refused": Decision.REFUSED}.get(state, Decision.ACCEPTED)
            services.jury_decide(
                actor=coordinator,
                review=review,
                scores=SCORES,
                decision=decision,
                reasons=REASONS.get(state, ""),
            )
    services.jury_close(actor=coordinator, session=done)
    year = calendar.year
    services.stock_set(actor=coordinator, year=year, bags=60, kits=60)
    accepted = [(g, a, s) for g, a, s in made if s in ("accepted", "departed", "returned")]
    early = [g for g, _a, s in accepted if s != "accepted"]
    later = [g for g, _a, s in accepted if s == "accepted"]
    signature = _png()
    if early:
        past = timezone.make_aware(dt.datetime.combine(calendar.date(CEREMONY_DONE), dt.time(15)))
        roster = services.ceremony_open(
            actor=coordinator,
            title="Remise des packs Sac Ados",
            starts_at=past,
            place="Hôtel du Département, Arras",
            groups=early,
        )
        for i, t in enumerate(Ticket.objects.filter(roster=roster).order_by("pk")):
            attendance.check_in(
                actor=coordinator,
                code=t.code,
                nonce=f"demo-ceremonie-{roster.pk}-{i:04d}",
                roster_id=roster.pk,
            )
        for i, pack in enumerate(Pack.objects.filter(roster=roster).order_by("pk")):
            services.pack_hand_over(
                actor=coordinator,
                pack=pack,
                signature_png_base64=signature,
                insurance_reference=f"SAC-{year}-{i + 1:04d}",
                bag=True,
                kit=True,
            )
    if later:
        soon = timezone.make_aware(dt.datetime.combine(calendar.date(CEREMONY_AHEAD), dt.time(15)))
        services.ceremony_open(
            actor=coordinator,
            title="Remise des packs Sac Ados — été",
            starts_at=soon,
            place="Arras",
            groups=later,
        )
    for group, actor, state in accepted:
        if state in ("departed", "returned"):
            group = services.group_transition(actor=actor, group=group, action="depart")
        if state == "returned":
            group = services.group_transition(actor=actor, group=group, action="return")
            for k, member in enumerate(group.members.order_by("pk")):
                services.return_answer(
                    group=group,
                    member_id=member.pk,
                    answers={
                        "rating": 5 - k % 2,
                        "went_well": "L'organisation entre nous.",
                        "would_leave_again": True,
                    },
                )
    return len(made)


def _seniors(calendar: DemoCalendar) -> int:
    porteurs = list(
        Organisation.objects.filter(kind=OrganisationKind.COMMUNE, commune__isnull=False).order_by(
            "-commune__population", "slug"
        )[: len(STAYS)]
    )
    made = 0
    for (provider, place, start, nights, price, capacity, option, state), name, porteur in zip(
        STAYS, SENIOR_GROUP_NAMES, porteurs, strict=False
    ):
        actor = _worker(porteur)
        if actor is None:
            continue
        begin = calendar.date(start)
        while {
            begin.month,
            (begin + dt.timedelta(days=nights - 1)).month,
        } & SUMMER:  # the season moved into summer
            begin += dt.timedelta(weeks=1)
        if Convention.objects.filter(organisation=porteur, year=begin.year).first() is None:
            services.convention_save(
                actor=actor,
                year=begin.year,
                places_granted=60,
                reference=f"SEV-{begin.year}-{porteur.pk:03d}",
            )
        try:
            stay = services.stay_create(
                actor=actor,
                provider=provider,
                place=place,
                starts_on=begin,
                nights=nights,
                price_cents=price,
                capacity=capacity,
                # the demo replays the season: the option held when the group was made
                option_expires_on=max(calendar.date(option), timezone.localdate()),
            )
        except DomainError:
            continue
        seniors = [
            p
            for p in Person.objects.filter(
                household__in=households_for(actor), employment__in=["retired", "inactive"]
            )
            .exclude(group_memberships__isnull=False)
            .order_by("pk")
            .select_related("household")
            if age_on(p.birth_date, begin) >= 60
        ][:28]
        if len(seniors) < 2:
            continue
        data = services.GroupInput(
            scheme=Scheme.SENIORS,
            name=name,
            members=[p.pk for p in seniors],
            destination=place,
            starts_on=begin,
            ends_on=begin + dt.timedelta(days=nights),
            transport="Car affrété par le CCAS",
            staff="Car Autocars du Littoral ; deux accompagnant·es du CCAS",
            stay_id=stay.pk,
        )
        try:
            group, _ = services.group_create(actor=actor, data=data)
        except DomainError:
            continue
        Stay.objects.filter(pk=stay.pk).update(option_expires_on=calendar.date(option))
        if state != "draft":
            group = services.group_transition(actor=actor, group=group, action="confirm")
        if state == "returned":
            group = services.group_transition(actor=actor, group=group, action="depart")
            services.group_transition(actor=actor, group=group, action="return")
        made += 1
    return made


def delete(orgs) -> None:
    """The groups of the demo's organisations, before their households and organisations."""
    groups = Group.objects.filter(organisation__in=orgs)
    Pack.objects.filter(member__group__in=groups).delete()
    JuryReview.objects.filter(Q(group__in=groups) | Q(session__organisation__in=orgs)).delete()
    JurySession.objects.filter(organisation__in=orgs).delete()
    Member.objects.filter(group__in=groups).delete()
    groups.delete()
    Stay.objects.filter(organisation__in=orgs).delete()
    Convention.objects.filter(organisation__in=orgs).delete()
    RelayApproval.objects.filter(organisation__in=orgs).delete()
    PackStock.objects.filter(organisation__in=orgs).delete()
    Roster.objects.filter(kind=CEREMONY_KIND, organisation__in=orgs).delete()
