"""/api/v1/groups: group departures (Sac Ados, Seniors en Vacances) and their members.

The same services and scope as the web pages: a porteur sees its own groups, a structure that
follows a member's household sees that member only, the coordination every group. A person the
token's organisation does not follow is a 404; a group the rules refuse is a 400 naming the field
(``members``, ``starts_on``, ``ends_on``…)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from partez.core import audit
from partez.core.errors import NotAllowed
from partez.groups import evaluation, selectors, services
from partez.groups import perms as group_perms
from partez.groups.models import Group
from partez.organisations.models import Membership

from .access import get_or_404
from .auth import membership_of
from .errors import ObjectNotFound
from .schemas import READ_ERRORS, WRITE_ERRORS

router = Router(tags=["Départs en groupe"])
NOT_FOUND = "Groupe introuvable."


class GroupScheme(StrEnum):
    SAC_ADOS = "sac-ados"
    SENIORS = "seniors-en-vacances"


class MemberRole(StrEnum):
    PARTICIPANT = "participant"
    CARER = "carer"


class CriterionOut(Schema):
    label: str
    value: str
    threshold: str
    passed: bool


class MemberOut(Schema):
    person_id: int
    first_name: str
    last_name: str
    birth_date: dt.date
    role: str = Field(description="participant ou carer (aidant·e, Seniors en Vacances).")
    eligible: bool = Field(
        description="Éligible au dispositif du groupe (âge au départ, historique, imposition…)."
    )
    aid_cents: int = Field(description="Bourse Sac Ados ou aide ANCV de la personne.")
    left_to_pay_cents: int = Field(description="Reste à payer de la personne (Seniors en Vacances).")
    criteria: list[CriterionOut] = Field(description="Chaque condition, la valeur retenue et le seuil.")


class GroupListItem(Schema):
    id: int
    reference: str
    scheme: str
    scheme_label: str
    name: str
    status: str
    status_label: str
    porteur: str
    destination: str
    starts_on: dt.date
    ends_on: dt.date
    members_count: int
    aid_cents: int


class GroupDetail(GroupListItem):
    nights: int
    transport: str
    checks: list[CriterionOut] = Field(
        description="Les conditions du groupe : taille, durée, période, structure relais."
    )
    members: list[MemberOut] = Field(
        description="Les membres que votre organisation suit (tous pour le porteur)."
    )


class GroupIn(Schema):
    scheme: GroupScheme
    name: str = Field(max_length=120)
    members: list[int] = Field(
        max_length=60, description="Identifiants des personnes (`persons[].id` des foyers)."
    )
    destination: str = Field(max_length=160)
    starts_on: dt.date
    ends_on: dt.date
    transport: str = Field("", max_length=160)
    carers: list[int] = Field(
        default_factory=list, max_length=20, description="Aidant·es (Seniors en Vacances)."
    )
    stay_id: int | None = Field(None, description="Option de séjour Seniors en Vacances de votre structure.")


class MemberIn(Schema):
    person: int
    role: MemberRole = MemberRole.PARTICIPANT


def _membership(request: HttpRequest) -> Membership:
    m = membership_of(request)
    if not group_perms.can_view_groups(m):
        raise NotAllowed("Votre rôle ne donne pas accès aux départs en groupe.")
    return m


@contextmanager
def _persons_404() -> Iterator[None]:
    try:
        yield
    except services.PersonNotFound as exc:
        field, message = next(iter(exc.errors.items()))
        raise ObjectNotFound(message, field) from exc


def _item(g: Group, members_count: int, aid: int) -> dict[str, Any]:
    return {
        "id": g.pk,
        "reference": g.reference,
        "scheme": g.scheme,
        "scheme_label": g.get_scheme_display(),
        "name": g.name,
        "status": g.status,
        "status_label": g.get_status_display(),
        "porteur": g.organisation.name,
        "destination": g.destination,
        "starts_on": g.starts_on,
        "ends_on": g.ends_on,
        "members_count": members_count,
        "aid_cents": aid,
    }


def group_detail(m: Membership, pk: int) -> GroupDetail:
    group = get_or_404(selectors.groups_for(m).select_related("organisation"), pk, NOT_FOUND)
    members = list(selectors.visible_members(m, group))
    checks = evaluation.group_verdict(group).checks
    audit.record_read(actor=m.user, organisation=m.organisation, action="read.group_api", obj=group)
    return GroupDetail(
        **_item(group, len(members), sum(x.aid_cents for x in members)),
        nights=group.nights,
        transport=group.transport,
        checks=[CriterionOut(**c.as_dict()) for c in checks],
        members=[
            MemberOut(
                person_id=x.person_id,
                first_name=x.person.first_name,
                last_name=x.person.last_name,
                birth_date=x.person.birth_date,
                role=x.role,
                eligible=x.eligible,
                aid_cents=x.aid_cents,
                left_to_pay_cents=x.left_to_pay_cents,
                criteria=[CriterionOut(**c) for c in x.eligibility],
            )
            for x in members
        ],
    )


@router.get(
    "", response={200: list[GroupListItem], **READ_ERRORS}, operation_id="groups_list", summary="Les groupes"
)
def list_groups(request: HttpRequest, scheme: GroupScheme | None = None):
    """Les groupes que votre organisation porte ou dont elle suit un membre (tous pour la
    coordination), par date de départ ; `scheme` filtre par dispositif."""
    m = _membership(request)
    rows = selectors.group_rows(m, scheme=scheme.value if scheme else "")
    return [_item(g, g.member_count, g.aid_total or 0) for g in rows]


@router.get(
    "/{int:group_id}",
    response={200: GroupDetail, **READ_ERRORS},
    operation_id="groups_get",
    summary="Lire un groupe",
)
def get_group(request: HttpRequest, group_id: int):
    """Le groupe, ses conditions et chacun de ses membres avec son éligibilité expliquée."""
    return group_detail(_membership(request), group_id)


@router.post(
    "", response={201: GroupDetail, **WRITE_ERRORS}, operation_id="groups_create", summary="Ouvrir un groupe"
)
def create_group(request: HttpRequest, payload: GroupIn):
    """Ouvre un groupe porté par votre organisation avec ses membres. 201 avec l'éligibilité de
    chaque membre ; 400 nommant le champ si les règles du dispositif le refusent (taille du groupe,
    âge au départ, séjour Seniors en Vacances en juillet-août, trop peu de nuits, jeune déjà parti
    avec Sac Ados) ; 404 pour une personne que votre organisation ne suit pas."""
    m = _membership(request)
    data = services.GroupInput(
        scheme=payload.scheme.value,
        name=payload.name,
        members=payload.members,
        destination=payload.destination,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        transport=payload.transport,
        carers=payload.carers,
        stay_id=payload.stay_id,
    )
    with _persons_404():
        group, _ = services.group_create(actor=m, data=data)
    return Status(201, group_detail(m, group.pk))


@router.post(
    "/{int:group_id}/members",
    response={201: GroupDetail, **WRITE_ERRORS},
    operation_id="groups_member_add",
    summary="Ajouter un membre",
)
def add_group_member(request: HttpRequest, group_id: int, payload: MemberIn):
    """Ajoute une personne que vous suivez, avec les mêmes contrôles qu'à l'ouverture."""
    m = _membership(request)
    group = get_or_404(selectors.groups_for(m), group_id, NOT_FOUND)
    with _persons_404():
        services.member_add(actor=m, group=group, person_id=payload.person, role=payload.role.value)
    return Status(201, group_detail(m, group.pk))


@router.delete(
    "/{int:group_id}/members/{int:person}",
    response={200: GroupDetail, **WRITE_ERRORS},
    operation_id="groups_member_remove",
    summary="Retirer un membre",
)
def remove_group_member(request: HttpRequest, group_id: int, person: int):
    """Retire la personne du groupe (ses places sont rendues), avec les mêmes contrôles."""
    m = _membership(request)
    group = get_or_404(selectors.groups_for(m), group_id, NOT_FOUND)
    with _persons_404():
        services.member_remove(actor=m, group=group, person_id=person)
    return group_detail(m, group.pk)
