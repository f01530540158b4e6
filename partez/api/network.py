"""The network for programs: the training sessions and their places, registering the token's own
professional (confirmed or waitlisted, with the position), cancelling (the first of the waitlist
is promoted), and the resource library's search. Same services and selectors as the web pages."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from partez.core.errors import NotAllowed
from partez.network import perms, selectors, services
from partez.network.models import RegistrationStatus

from .access import get_or_404
from .auth import membership_of
from .errors import ObjectNotFound
from .schemas import READ_ERRORS, WRITE_ERRORS

router = Router(tags=["Réseau"])


class SessionOut(Schema):
    id: int
    title: str = Field(description="Intitulé de la formation.")
    starts_at: dt.datetime
    ends_at: dt.datetime
    place: str = Field(description="Lieu ; vide pour une session en visioconférence.")
    video_url: str
    trainer: str
    capacity: int
    places_left: int
    waitlisted: int = Field(description="Personnes en liste d'attente.")
    skill: str = Field(description="Compétence acquise (« sac_ados »…), vide sinon.")


class RegistrationOut(Schema):
    id: int
    session: int
    status: str = Field(description="« confirmed » (inscrit·e) ou « waitlisted » (liste d'attente).")
    position: int | None = Field(description="Rang sur la liste d'attente ; null si inscrit·e.")


class CancelOut(Schema):
    id: int
    status: str
    promoted: list[int] = Field(description="Inscriptions confirmées depuis la liste d'attente.")


class ResourceOut(Schema):
    id: int
    title: str
    category: str
    description: str
    tags: list[str]
    visibility: str
    edition: int | None = Field(description="Année de l'édition concernée.")
    validated: bool = Field(description="Validée par la coordination.")
    url: str = Field(description="Le lien, ou la page de la ressource dans partez.")
    version: int | None
    size: int | None = Field(description="Taille du fichier (octets).")


class ResourceQuery(Schema):
    q: str = Field("", max_length=200, description="Mots cherchés (accents et majuscules ignorés).")


@router.get("/trainings", response={200: list[SessionOut], **READ_ERRORS}, operation_id="network_trainings")
def network_trainings(request: HttpRequest):
    """Les sessions de formation à venir, avec leurs places libres."""
    m = membership_of(request)
    return [
        SessionOut(
            id=s.pk,
            title=s.training.title,
            starts_at=s.starts_at,
            ends_at=s.ends_at,
            place=s.place,
            video_url=s.video_url,
            trainer=s.trainer,
            capacity=s.capacity,
            places_left=selectors.places_left(s),
            waitlisted=int(getattr(s, "waitlisted", 0)),
            skill=s.training.skill,
        )
        for s in selectors.sessions_for(m, upcoming=True)
    ]


def _registration_out(registration) -> RegistrationOut:
    return RegistrationOut(
        id=registration.pk,
        session=registration.session_id,
        status=registration.status,
        position=selectors.waitlist_position(registration),
    )


@router.post(
    "/trainings/{session}/registrations",
    response={201: RegistrationOut, **WRITE_ERRORS},
    operation_id="network_register",
)
def network_register(request: HttpRequest, session: int):
    """Inscrit le ou la professionnel·le du jeton : 201 `confirmed`, ou `waitlisted` avec son rang."""
    m = membership_of(request)
    if not perms.can_register_training(m):
        raise NotAllowed("Votre rôle ne permet pas de s'inscrire aux formations.")
    found = get_or_404(selectors.sessions_for(m), session, "Session introuvable.", "session")
    registration = services.registration_create(actor=m, session=found)
    return Status(201, _registration_out(registration))


@router.delete(
    "/registrations/{id}",
    response={200: CancelOut, **WRITE_ERRORS},
    operation_id="network_cancel",
)
def network_cancel(request: HttpRequest, id: int):
    """Annule l'inscription ; la place libérée va à la première personne de la liste d'attente."""
    m = membership_of(request)
    found = selectors.registration_for(m, id)
    if found is None:
        raise ObjectNotFound("Inscription introuvable.", "id")
    promoted = services.registration_cancel(actor=m, registration=found)
    return CancelOut(id=found.pk, status=RegistrationStatus.CANCELLED, promoted=[r.pk for r in promoted])


@router.get("/resources", response={200: list[ResourceOut], **READ_ERRORS}, operation_id="network_resources")
def network_resources(request: HttpRequest, filters: Query[ResourceQuery]):
    """La bibliothèque de ressources, cherchée par `q` (recherche plein texte)."""
    m = membership_of(request)
    out = []
    for r in selectors.resources_for(m, q=filters.q)[:100]:
        out.append(
            ResourceOut(
                id=r.pk,
                title=r.title,
                category=r.category,
                description=r.description,
                tags=list(r.tags),
                visibility=r.visibility,
                edition=r.edition.year if r.edition else None,
                validated=r.validated_at is not None,
                url=r.url or request.build_absolute_uri(f"/ressources/{r.pk}/"),
                version=r.current.number if r.current else None,
                size=r.current.size if r.current else None,
            )
        )
    return out
