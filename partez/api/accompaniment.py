"""/api/v1/projects/{id}/accompaniment (a project's barriers, steps and workshops, in the
project's scope) and /api/v1/workshops (the workshops for families of an edition)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema

from partez.accompaniment import selectors
from partez.core import audit
from partez.projects.models import Project
from partez.projects.selectors import projects_for
from partez.territory.models import Edition
from partez.territory.selectors import current_edition

from .access import casework_membership, get_or_404
from .errors import ObjectNotFound
from .schemas import READ_ERRORS

router = Router(tags=["Accompagnement"])


class BarrierOut(Schema):
    kind: str
    note: str


class StepOut(Schema):
    kind: str
    label: str
    due_on: dt.date | None
    done_on: dt.date | None


class ProjectWorkshopOut(Schema):
    id: int
    title: str
    attended: bool


class AccompanimentOut(Schema):
    barriers: list[BarrierOut]
    steps: list[StepOut]
    workshops: list[ProjectWorkshopOut]


class WorkshopOut(Schema):
    id: int
    title: str
    theme: str
    starts_at: dt.datetime
    place: str
    organisation: str
    capacity: int
    taken: int
    waitlisted: int
    attended: int


@router.get(
    "/projects/{int:project_id}/accompaniment",
    response={200: AccompanimentOut, **READ_ERRORS},
    operation_id="projects_accompaniment",
    summary="L'accompagnement d'un projet",
)
def project_accompaniment(request: HttpRequest, project_id: int):
    """Les freins relevés au dernier repérage du foyer (`kind`, `note`), les étapes du plan
    (`due_on`, `done_on`) et les ateliers où le foyer est inscrit (`attended`). 404 hors de votre
    périmètre."""
    m = casework_membership(request)
    project = get_or_404(projects_for(m).select_related("household"), project_id, "Projet introuvable.")
    audit.record_read(
        actor=m.user, organisation=m.organisation, action="read.accompaniment_api", obj=Project(pk=project.pk)
    )
    return selectors.accompaniment_of(project)


@router.get(
    "/workshops",
    response={200: list[WorkshopOut], **READ_ERRORS},
    operation_id="workshops_list",
    summary="Les ateliers pour les familles",
)
def list_workshops(request: HttpRequest, edition: int | None = None):
    """Les ateliers de l'édition `edition` (année ; par défaut l'édition en cours), avec leurs
    places prises, la liste d'attente et les présents."""
    m = casework_membership(request)
    chosen = Edition.objects.filter(year=edition).first() if edition is not None else current_edition()
    if chosen is None:
        raise ObjectNotFound("Édition introuvable.", "edition")
    rows = []
    for w in selectors.workshops_for(m, chosen).order_by("starts_at", "pk"):
        taken, waiting, present = selectors.counts_of(w)
        rows.append(
            WorkshopOut(
                id=w.pk,
                title=w.title,
                theme=w.theme,
                starts_at=w.starts_at,
                place=w.place,
                organisation=w.organisation.name,
                capacity=w.capacity,
                taken=taken,
                waitlisted=waiting,
                attended=present,
            )
        )
    return rows
