"""The demo's network of local actors, after the professionals and the projects:

- the training catalogue and a year of eight sessions around the demo's « today »: three past
  ones with their attendance at the door (so some relay structures have a trained Sac Ados
  professional), two upcoming full ones with a waitlist, three upcoming with places left;
- the colloque on the right to holidays (Louvre-Lens, before the Fête, public) with its
  programme, professionals' and public registrations, badges and check-ins; an upcoming meeting
  of the Sac Ados relay structures;
- about forty resources (documents as small text files with their versions, links), some validated
  by the coordination, and the practice sheets drawn from the edition's projects;
- the directory: most professionals opted in, with the contact they chose; announcements to
  everyone and to segments, some read.

Bulk-written like the rest of the demo (its one audit entry), deterministic for a seed and a day.
"""

from __future__ import annotations

import datetime as dt
import random

from django.core.files.base import ContentFile
from django.db.models import Q
from faker import Faker

from partez.attendance.models import Attendance, Roster, Ticket
from partez.fete.codes import new_code
from partez.network import services
from partez.network.models import (
    Announcement,
    AnnouncementRead,
    Digest,
    Event,
    EventRegistration,
    Profile,
    ProgrammeItem,
    Registration,
    RegistrationStatus,
    Resource,
    ResourceVersion,
    Skill,
    Training,
    TrainingSession,
    Visibility,
)
from partez.network.perms import PROFESSIONAL_ROLES
from partez.organisations.models import Membership, Organisation, Role
from partez.territory.models import Edition

from .generator import COORDINATOR_SLUG, TZ

TRAININGS = [  # title, skill, hours, summary
    (
        "Accompagner un premier départ",
        Skill.FIRST_DEPARTURE,
        6,
        "Repérer les freins, construire le projet avec la famille, préparer le jour du départ.",
    ),
    (
        "Sac Ados : devenir structure relais",
        Skill.SAC_ADOS,
        3,
        "Le dispositif Sac Ados, le rôle de la structure relais, l'accompagnement des jeunes de 16 à 25 ans.",
    ),
    (
        "Budget vacances avec les familles",
        Skill.BUDGET,
        3,
        "Construire un budget réaliste, les aides qui se cumulent, le reste à charge.",
    ),
    ("Utiliser partez", Skill.TOOL, 2, "Dossiers, plans de financement, pointage : la prise en main."),
]
# (training index, days from today, capacity, registrations wanted, place)
SESSIONS = [
    (0, -150, 16, 15, "Maison des associations, Lens"),
    (1, -90, 12, 12, "Centre social Jean-Jaurès, Liévin"),
    (2, -30, 14, 11, "Salle des fêtes, Hénin-Beaumont"),
    (1, 6, 10, 14, "Visioconférence"),
    (0, 13, 12, 16, "Maison des associations, Lens"),
    (3, 20, 20, 9, "Visioconférence"),
    (2, 34, 14, 6, "Centre social, Bruay-la-Buissière"),
    (1, 55, 12, 4, "Médiathèque, Carvin"),
]
TRAINERS = ["Camille Roussel (Vacances Ouvertes)", "Mehdi Bensaïd (CAF)", "Sophie Leclercq (ANCV)"]
PROGRAMME = [  # minutes after the start, title, speakers
    (0, "Accueil et ouverture", "La coordination de l'opération"),
    (45, "Table ronde : le droit aux vacances, un droit pour tous", "Élu·es, CAF, ANCV"),
    (120, "Ce que le premier départ change pour une famille", "Témoignages de familles et de référent·es"),
    (240, "Ateliers : partir sans voiture, partir en famille nombreuse, partir seul à 18 ans", ""),
    (330, "Restitution des ateliers et clôture", "La coordination de l'opération"),
]
DOCUMENTS = [  # category, title, description, tags, visibility
    (
        "rules",
        "Règlement de l'opération {year}",
        "Les règles de l'édition : qui peut partir, les aides, les dates.",
        ["règles", "édition"],
        "public",
    ),
    (
        "rules",
        "Calendrier de l'édition {year}",
        "Inscriptions, commissions, Fête des vacances, départs, bilans.",
        ["calendrier"],
        "public",
    ),
    (
        "rules",
        "Barème du quotient familial {year}",
        "Les tranches de QF et les aides de chaque dispositif.",
        ["QF", "barème"],
        "professionals",
    ),
    (
        "guide",
        "Guide du premier départ",
        "Préparer un premier départ avec une famille : les étapes, les pièges, les contacts.",
        ["premier départ"],
        "public",
    ),
    (
        "guide",
        "Guide Sac Ados pour les structures relais",
        "Le rôle de la structure relais, le kit, le suivi du jeune.",
        ["Sac Ados", "jeunes"],
        "professionals",
    ),
    (
        "guide",
        "Partir avec un enfant en situation de handicap",
        "Hébergements accessibles, aides complémentaires, transport.",
        ["handicap", "accessibilité"],
        "public",
    ),
    (
        "guide",
        "Seniors en vacances : accompagner un départ",
        "Le programme Seniors en vacances de l'ANCV, les porteurs de projet.",
        ["seniors"],
        "professionals",
    ),
    (
        "guide",
        "Partir sans voiture",
        "Train, car, covoiturage solidaire : les destinations accessibles depuis le bassin minier.",
        ["transport", "sans voiture"],
        "public",
    ),
    (
        "template",
        "Modèle de projet de départ",
        "La trame à remplir avec la famille : destination, dates, budget.",
        ["projet"],
        "professionals",
    ),
    (
        "template",
        "Attestation d'accompagnement",
        "À signer par le ou la référent·e du foyer.",
        ["attestation"],
        "professionals",
    ),
    (
        "template",
        "Fiche de liaison structure relais",
        "Pour transmettre un dossier à une autre structure.",
        ["liaison"],
        "professionals",
    ),
    (
        "template",
        "Questionnaire de retour de séjour",
        "Ce que la famille a vécu, pour le bilan.",
        ["bilan", "retour"],
        "professionals",
    ),
    (
        "budget",
        "Fiche budget séjour en famille",
        "Transport, hébergement, alimentation, loisirs : la grille de calcul.",
        ["budget", "famille"],
        "public",
    ),
    (
        "budget",
        "Fiche budget jeune 18-25 ans",
        "Le budget d'un premier séjour autonome avec Départ 18:25.",
        ["budget", "jeunes"],
        "public",
    ),
    (
        "budget",
        "Chèques-vacances : ce qu'on peut payer",
        "Les prestataires qui les acceptent, les e-Chèques, les délais.",
        ["chèques-vacances"],
        "public",
    ),
    (
        "budget",
        "Reste à charge : exemples chiffrés",
        "Six familles, six plans de financement, le reste à payer de chacune.",
        ["reste à charge"],
        "professionals",
    ),
    (
        "letter",
        "Courrier d'invitation à la réunion d'information",
        "À adapter par chaque CCAS.",
        ["courrier", "information"],
        "professionals",
    ),
    (
        "letter",
        "Courrier de refus motivé",
        "Le modèle de la commission, avec les voies de recours.",
        ["courrier", "commission"],
        "professionals",
    ),
    (
        "letter",
        "Courrier de confirmation de séjour",
        "Dates, hébergement, aide accordée, pièces à fournir.",
        ["courrier", "séjour"],
        "professionals",
    ),
    (
        "letter",
        "Lettre aux hébergeurs partenaires",
        "La présentation de l'opération et de ses publics.",
        ["hébergeurs"],
        "professionals",
    ),
    (
        "guide",
        "Organiser la Fête des vacances",
        "Stands, pointage, remise des chèques : le déroulé de la journée.",
        ["Fête des vacances"],
        "professionals",
    ),
    (
        "guide",
        "Le séjour commun en camping",
        "La semaine au camping : convocations, bus, vie sur place.",
        ["séjour commun", "camping"],
        "public",
    ),
    (
        "rules",
        "Charte de l'accompagnement",
        "Les engagements des structures et des référent·es envers les familles.",
        ["charte"],
        "public",
    ),
    (
        "guide",
        "Protéger les données des familles",
        "Consentements, durées de conservation, droits des personnes.",
        ["RGPD", "données"],
        "professionals",
    ),
]
LINKS = [  # category, title, description, url, tags
    (
        "guide",
        "ANCV : le programme Aide aux projets vacances",
        "La présentation officielle du programme.",
        "https://www.ancv.com/",
        ["ANCV"],
    ),
    (
        "guide",
        "CAF : les aides aux vacances",
        "Les aides aux vacances familiales et leurs conditions.",
        "https://www.caf.fr/",
        ["CAF"],
    ),
    (
        "guide",
        "Vacances Ouvertes",
        "L'association qui porte le dispositif Sac Ados.",
        "https://www.vacances-ouvertes.asso.fr/",
        ["Sac Ados"],
    ),
    (
        "guide",
        "UNAT : les villages vacances",
        "Le tourisme social et solidaire, les hébergements.",
        "https://www.unat.asso.fr/",
        ["hébergement"],
    ),
    (
        "guide",
        "SNCF : tarifs sociaux",
        "Les réductions pour les familles et les jeunes.",
        "https://www.sncf-connect.com/",
        ["transport"],
    ),
    (
        "guide",
        "Observatoire des vacances et des loisirs des enfants",
        "Études sur le départ en vacances.",
        "https://www.ovlej.fr/",
        ["études"],
    ),
    (
        "rules",
        "Service-public.fr : chèques-vacances",
        "Ce que dit la réglementation.",
        "https://www.service-public.fr/",
        ["chèques-vacances"],
    ),
    (
        "guide",
        "Pas-de-Calais Tourisme",
        "Idées de séjours proches, sans voiture.",
        "https://www.pas-de-calais-tourisme.com/",
        ["proximité"],
    ),
    (
        "guide",
        "Somme Tourisme : la côte picarde",
        "Baie de Somme, hébergements, transports.",
        "https://www.somme-tourisme.com/",
        ["mer"],
    ),
    (
        "guide",
        "Nord Tourisme",
        "Séjours dans le Nord, la côte d'Opale.",
        "https://www.nordtourisme.com/",
        ["proximité"],
    ),
    (
        "guide",
        "Les Gîtes de France : gîtes accessibles",
        "Gîtes labellisés Tourisme & Handicap.",
        "https://www.gites-de-france.com/",
        ["accessibilité"],
    ),
    (
        "guide",
        "Camping Qualité",
        "Campings labellisés, mobil-homes familiaux.",
        "https://www.campingqualite.com/",
        ["camping"],
    ),
    (
        "guide",
        "Jeunesse au plein air",
        "Aides aux départs en colonies de vacances.",
        "https://www.jpa.asso.fr/",
        ["enfants", "colonies"],
    ),
    (
        "guide",
        "Bourse Solidarité Vacances",
        "Séjours à prix réduits pour les publics fragiles.",
        "https://www.bsv.asso.fr/",
        ["séjours"],
    ),
]
ANNOUNCEMENTS = [  # days ago, title, body, roles, communes (INSEE)
    (
        60,
        "Lancement de l'édition {year}",
        "Les inscriptions des familles sont ouvertes. Le règlement et le calendrier sont dans les ressources.",
        [],
        [],
    ),
    (
        40,
        "Colloque « Le droit aux vacances »",
        "Inscrivez-vous au colloque au Louvre-Lens : programme et inscription dans Événements.",
        [],
        [],
    ),
    (
        25,
        "Commission du mois : dossiers à compléter",
        "Merci de compléter les dossiers avant vendredi : pièces et budget.",
        [Role.COMMUNE_REFERENT, Role.SOCIAL_WORKER],
        [],
    ),
    (
        15,
        "Bénévoles : pointage de la Fête",
        "Le pointage se fait sur téléphone : essayez la page de pointage avant le jour J.",
        [Role.VOLUNTEER],
        [],
    ),
    (
        8,
        "Lens : nouvelle permanence vacances au CCAS",
        "Une permanence le mardi matin pour aider les familles à construire leur projet.",
        [],
        ["62498"],
    ),
    (
        2,
        "Sac Ados : nouvelle session de formation",
        "Une session est ouverte pour les structures relais : inscription dans Formations.",
        [],
        [],
    ),
]
JOB_TITLES = {
    Role.COORDINATOR: ["Chargée de mission vacances", "Coordinateur de l'opération"],
    Role.COMMUNE_REFERENT: ["Responsable du CCAS", "Référente action sociale", "Directeur du CCAS"],
    Role.SOCIAL_WORKER: [
        "Assistante sociale",
        "Conseillère en économie sociale et familiale",
        "Éducateur spécialisé",
        "Animatrice famille",
    ],
    Role.VOLUNTEER: ["Bénévole", "Bénévole accompagnement"],
}
LISTED_SHARE = 0.65


def _at(today: dt.date, days: int, hour: int = 9) -> dt.datetime:
    return dt.datetime.combine(today + dt.timedelta(days=days), dt.time(hour, 30), tzinfo=TZ)


def load(edition: Edition, *, today: dt.date, seed: int) -> dict[str, int]:
    rng = random.Random(f"network-{seed}")
    coordination = Organisation.objects.get(slug=COORDINATOR_SLUG)
    coordinator = (
        Membership.objects.filter(organisation=coordination, role=Role.COORDINATOR)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    assert coordinator is not None
    professionals = list(
        Membership.objects.active()
        .filter(role__in=PROFESSIONAL_ROLES)
        .exclude(organisation=coordination)
        .select_related("user", "organisation")
        .order_by("user__username", "pk")
    )
    counts = {}
    counts.update(_trainings(rng, today, coordination, coordinator, professionals))
    counts.update(_events(rng, today, edition, coordination, coordinator, professionals, seed))
    counts.update(_library(edition, coordination, coordinator))
    counts.update(_directory_and_news(rng, today, edition, coordination, coordinator, professionals))
    return counts


def _tickets(rng: random.Random, roster: Roster, subjects: list[tuple[str, str]]) -> list[Ticket]:
    return Ticket.objects.bulk_create(
        [Ticket(roster=roster, subject=s, holder=h[:120], code=new_code(rng)) for s, h in subjects]
    )


def _attend(tickets: list[Ticket], coordinator: Membership, at: dt.datetime, prefix: str) -> None:
    Attendance.objects.bulk_create(
        [Attendance(ticket=t, nonce=f"demo-{prefix}-{t.pk}", by=coordinator.user) for t in tickets]
    )
    Attendance.objects.filter(ticket__in=tickets).update(at=at)


def _trainings(rng, today, coordination, coordinator, professionals) -> dict[str, int]:
    trainings = Training.objects.bulk_create(
        [Training(title=t, skill=s, duration_hours=h, summary=summary) for t, s, h, summary in TRAININGS]
    )
    registrations = 0
    for n, (index, days, capacity, wanted, place) in enumerate(SESSIONS):
        training = trainings[index]
        start = _at(today, days, 9 if n % 2 else 14)
        video = "Visio" in place
        roster = Roster.objects.create(
            kind=services.TRAINING_KIND,
            title=training.title,
            starts_at=start,
            place="" if video else place,
            organisation=coordination,
        )
        session = TrainingSession.objects.create(
            training=training,
            starts_at=start,
            ends_at=start + dt.timedelta(hours=training.duration_hours),
            place="" if video else place,
            video_url="https://visio.partez.example/formation" if video else "",
            trainer=TRAINERS[n % len(TRAINERS)],
            capacity=capacity,
            organisation=coordination,
            roster=roster,
        )
        people = rng.sample(professionals, min(wanted, len(professionals)))
        if training.skill == Skill.SAC_ADOS:  # the relay structures come first to their training
            people.sort(key=lambda m: m.organisation.kind != "relay")
        rows = []
        for i, m in enumerate(people):
            confirmed = i < capacity
            rows.append(
                Registration(
                    session=session,
                    membership=m,
                    user=m.user,
                    status=RegistrationStatus.CONFIRMED if confirmed else RegistrationStatus.WAITLISTED,
                    confirmed_at=start - dt.timedelta(days=20) if confirmed else None,
                )
            )
        rows = Registration.objects.bulk_create(rows)
        registrations += len(rows)
        confirmed_rows = [r for r in rows if r.status == RegistrationStatus.CONFIRMED]
        tickets = _tickets(
            rng,
            roster,
            [(f"{services.REGISTRATION_SUBJECT}{r.pk}", services.holder(r.user)) for r in confirmed_rows],
        )
        if days < 0:
            came = [(r, t) for r, t in zip(confirmed_rows, tickets, strict=True) if rng.random() < 0.85]
            _attend([t for _, t in came], coordinator, start + dt.timedelta(minutes=10), f"training-{n}")
            for r, _ in came:
                r.present_at = start + dt.timedelta(minutes=10)
                if rng.random() < 0.7:
                    r.rating = rng.choice([3, 4, 4, 5, 5])
                    r.comment = rng.choice(
                        ["", "Très concret.", "Des exemples utiles pour mes familles.", ""]
                    )
            Registration.objects.bulk_update([r for r, _ in came], ["present_at", "rating", "comment"])
    return {
        "formations": len(trainings),
        "sessions de formation": len(SESSIONS),
        "inscriptions aux formations": registrations,
    }


def _events(rng, today, edition, coordination, coordinator, professionals, seed) -> dict[str, int]:
    fake = Faker("fr_FR")
    fake.seed_instance(seed + 17)
    made = 0
    specs = [
        (
            "Colloque « Le droit aux vacances »",
            "colloque-droit-aux-vacances",
            -40,
            "Louvre-Lens, auditorium",
            True,
            60,
            30,
        ),
        (
            "Rencontre des structures relais Sac Ados",
            "rencontre-sac-ados",
            25,
            "Maison des associations, Lens",
            False,
            14,
            0,
        ),
    ]
    for title, slug, days, place, public, pros, others in specs:
        start = _at(today, days)
        roster = Roster.objects.create(
            kind=services.EVENT_KIND, title=title, starts_at=start, place=place, organisation=coordination
        )
        event = Event.objects.create(
            title=title,
            slug=slug,
            description="Une journée pour les professionnel·les, les élu·es et les partenaires de l'opération."
            if public
            else "Échanges de pratiques entre structures relais.",
            starts_at=start,
            ends_at=start + dt.timedelta(hours=7 if public else 3),
            place=place,
            is_public=public,
            capacity=250 if public else 30,
            edition=edition,
            organisation=coordination,
            roster=roster,
        )
        if public:
            ProgrammeItem.objects.bulk_create(
                [
                    ProgrammeItem(
                        event=event,
                        starts_at=start + dt.timedelta(minutes=m),
                        title=t,
                        speakers=s,
                        room="Auditorium",
                    )
                    for m, t, s in PROGRAMME
                ]
            )
        people = rng.sample(professionals, min(pros, len(professionals)))
        rows = [
            EventRegistration(
                event=event, user=m.user, name=str(m.user), email=m.user.email, structure=m.organisation.name
            )
            for m in people
        ]
        for i in range(others):
            name = f"{fake.first_name()} {fake.last_name()}"
            rows.append(
                EventRegistration(event=event, name=name, email=f"public{i + 1}@example.org", structure="")
            )
        rows = EventRegistration.objects.bulk_create(rows)
        made += len(rows)
        tickets = _tickets(rng, roster, [(f"{services.EVENT_SUBJECT}{r.pk}", r.name) for r in rows])
        if days < 0:
            came = [(r, t) for r, t in zip(rows, tickets, strict=True) if rng.random() < 0.8]
            _attend([t for _, t in came], coordinator, start + dt.timedelta(minutes=5), f"event-{slug}")
            EventRegistration.objects.filter(pk__in=[r.pk for r, _ in came]).update(
                present_at=start + dt.timedelta(minutes=5)
            )
    return {"événements": len(specs), "inscriptions aux événements": made}


def _library(edition, coordination, coordinator) -> dict[str, int]:
    user = coordinator.user
    resources = []
    for n, (category, title, description, tags, visibility) in enumerate(DOCUMENTS):
        resource = Resource.objects.create(
            title=title.format(year=edition.year),
            description=description,
            category=category,
            tags=tags,
            edition=edition if category in ("rules", "budget") else None,
            visibility=visibility,
            published_by=user,
            organisation=coordination,
        )
        for number in range(1, 2 + (n % 4 == 0)):  # every fourth document has a second version
            text = f"{resource.title}\n\n{description}\n\nVersion {number} — document de démonstration."
            version = ResourceVersion(
                resource=resource,
                number=number,
                filename=f"ressource-{n + 1}-v{number}.txt",
                content_type="text/plain",
                size=len(text.encode()),
                note="Mise à jour pour l'édition" if number > 1 else "",
                text=text,
                uploaded_by=user,
            )
            version.file.save(version.filename, ContentFile(text.encode()), save=False)
            version.save()
            resource.current = version
        if n % 3 != 2:
            resource.validated_at, resource.validated_by = resource.published_at, user
        resource.save()
        resources.append(resource)
    for category, title, description, url, tags in LINKS:
        resources.append(
            Resource.objects.create(
                title=title,
                description=description,
                category=category,
                tags=tags,
                url=url,
                visibility=Visibility.PUBLIC,
                published_by=user,
                organisation=coordination,
            )
        )
    for resource in resources:
        services.resource_index(resource)
    sheets = services.practice_sheets_write(edition=edition, user=user, organisation=coordination)
    return {"ressources": len(resources) + len(sheets)}


def _directory_and_news(rng, today, edition, coordination, coordinator, professionals) -> dict[str, int]:
    people = {m.user_id: m for m in [coordinator, *professionals]}
    profiles = []
    for m in people.values():
        listed = m is coordinator or rng.random() < LISTED_SHARE
        profiles.append(
            Profile(
                user=m.user,
                listed=listed,
                listed_at=_at(today, -rng.randint(30, 200)) if listed else None,
                job_title=rng.choice(JOB_TITLES.get(m.role, ["Professionnel·le"])) if listed else "",
                show_email=listed and rng.random() < 0.9,
                show_phone=listed and rng.random() < 0.4,
                digest=rng.choice([Digest.WEEKLY, Digest.WEEKLY, Digest.DAILY, Digest.NONE]),
            )
        )
    Profile.objects.bulk_create(profiles)
    news = []
    for days, title, body, roles, communes in ANNOUNCEMENTS:
        news.append(
            Announcement.objects.create(
                title=title.format(year=edition.year),
                body=body,
                roles=list(roles),
                communes=list(communes),
                posted_by=coordinator.user,
                organisation=coordination,
            )
        )
        Announcement.objects.filter(pk=news[-1].pk).update(posted_at=_at(today, -days))
    reads = []
    for announcement in news[:-1]:  # the latest is still unread by everyone
        for m in people.values():
            if rng.random() < 0.6:
                reads.append(AnnouncementRead(announcement=announcement, user=m.user))
    AnnouncementRead.objects.bulk_create(reads)
    return {"fiches annuaire": sum(p.listed for p in profiles), "annonces": len(news)}


def delete(orgs, users) -> None:
    """The demo's network rows, before the memberships, users and organisations they point at."""
    Registration.objects.filter(Q(membership__organisation__in=orgs) | Q(user__in=users)).delete()
    sessions = TrainingSession.objects.filter(organisation__in=orgs)
    rosters = list(sessions.values_list("roster_id", flat=True))
    sessions.delete()
    events = Event.objects.filter(organisation__in=orgs)
    rosters += list(events.values_list("roster_id", flat=True))
    EventRegistration.objects.filter(Q(event__in=events) | Q(user__in=users)).delete()
    events.delete()
    Roster.objects.filter(pk__in=rosters).delete()  # their tickets and attendances with them
    Training.objects.filter(sessions__isnull=True).delete()
    resources = Resource.objects.filter(Q(organisation__in=orgs) | Q(published_by__in=users))
    Resource.objects.filter(pk__in=resources).update(current=None)
    for version in ResourceVersion.objects.filter(resource__in=resources):
        version.file.delete(save=False)
    ResourceVersion.objects.filter(resource__in=resources).delete()
    resources.delete()
    Announcement.objects.filter(Q(organisation__in=orgs) | Q(posted_by__in=users)).delete()
    Profile.objects.filter(user__in=users).delete()
