"""Writes on editions and their milestones (coordination only)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction

from partez.core import audit
from partez.core.errors import DomainError, NotAllowed
from partez.organisations import perms
from partez.organisations.models import Membership, Organisation

from .models import Commune, Edition, Milestone, MilestoneKind
from .selectors import CACHE_KEY


@dataclass
class EditionInput:
    year: int
    name: str
    starts_on: dt.date
    ends_on: dt.date
    commune_codes: list[str]
    departures_target: int | None = None


EDITION_FIELDS = ["year", "name", "starts_on", "ends_on", "departures_target"]


def _require(actor: Membership) -> None:
    if not perms.can_manage_editions(actor):
        raise NotAllowed("Seule la coordination gère les éditions.")


def _validate(data: EditionInput, edition: Edition | None = None) -> list[Commune]:
    errors = {}
    if not isinstance(data.year, int) or not 2000 <= data.year <= 2100:
        errors["year"] = "Année invalide."
    elif Edition.objects.filter(year=data.year).exclude(pk__in=[edition.pk] if edition else []).exists():
        errors["year"] = f"L'édition {data.year} existe déjà."
    if not (data.name or "").strip():
        errors["name"] = "Le nom est obligatoire."
    if data.departures_target is not None and not 0 < data.departures_target <= 1_000_000:
        errors["departures_target"] = "L'objectif de départs est un nombre de personnes, de 1 à 1 000 000."
    if data.starts_on and data.ends_on and data.ends_on < data.starts_on:
        errors["ends_on"] = "La fin de l'édition doit être après son début."
    codes = sorted(set(data.commune_codes or []))
    communes = list(Commune.objects.filter(insee_code__in=codes))
    if len(communes) != len(codes):
        errors["communes"] = "Commune inconnue : choisissez des communes du territoire."
    elif not communes:
        errors["communes"] = "Choisissez au moins une commune participante."
    if errors:
        raise DomainError(errors)
    return communes


def edition_save(*, actor: Membership, data: EditionInput, edition: Edition | None = None) -> Edition:
    """Create an edition (edition=None) or update one, with its participating communes."""
    _require(actor)
    communes = _validate(data, edition)
    with transaction.atomic():
        before = {}
        if edition is None:
            edition = Edition(year=data.year)
        else:
            edition = Edition.objects.select_for_update().get(pk=edition.pk)
            before = {
                **audit.snapshot(edition, EDITION_FIELDS),
                "communes": sorted(edition.communes.values_list("insee_code", flat=True)),
            }
        edition.year, edition.name = data.year, data.name.strip()
        edition.starts_on, edition.ends_on = data.starts_on, data.ends_on
        edition.departures_target = data.departures_target
        edition.save()
        edition.communes.set(communes)
        after = {
            **audit.snapshot(edition, EDITION_FIELDS),
            "communes": sorted(c.insee_code for c in communes),
        }
        audit.record(
            actor=actor.user,
            organisation=actor.organisation,
            action="edition.update" if before else "edition.create",
            obj=edition,
            changes=audit.diff(before, after) if before else after,
        )
        transaction.on_commit(lambda: cache.delete(CACHE_KEY))
    return edition


def milestone_save(
    *,
    actor: Membership,
    edition: Edition,
    kind: str,
    planned_on: dt.date,
    label: str = "",
    actual_on: dt.date | None = None,
    milestone: Milestone | None = None,
    funder: Organisation | None = None,
) -> Milestone:
    """Add a milestone to an edition, or update one (planned and actual dates; ``funder``: the
    funder whose report is due, for a report deadline)."""
    _require(actor)
    errors = {}
    if kind not in MilestoneKind.values:
        errors["kind"] = "Étape inconnue."
    if not isinstance(planned_on, dt.date):
        errors["planned_on"] = "La date prévue est obligatoire."
    if len(label or "") > 160:
        errors["label"] = "Le libellé ne peut pas dépasser 160 caractères."
    if funder is not None and (funder.kind != "funder" or kind != MilestoneKind.REPORTS_DUE):
        errors["funder"] = "Un financeur ne se précise que pour une échéance de bilan."
    if errors:
        raise DomainError(errors)
    with transaction.atomic():
        if milestone is None:
            milestone = Milestone(edition=edition)
        elif milestone.edition_id != edition.pk:
            raise DomainError("Cette étape appartient à une autre édition.")
        milestone.kind, milestone.label = kind, (label or "").strip()
        milestone.planned_on, milestone.actual_on = planned_on, actual_on
        milestone.funder = funder
        milestone.save()
        audit.record(
            actor=actor.user,
            organisation=actor.organisation,
            action="milestone.save",
            obj=milestone,
            changes=audit.snapshot(
                milestone, ["edition_id", "kind", "label", "planned_on", "actual_on", "funder_id"]
            ),
        )
        transaction.on_commit(lambda: cache.delete(CACHE_KEY))
    return milestone
