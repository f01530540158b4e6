"""Writes on schemes: loading the shipped catalogue, and rule edits by the coordination.

Every edit is validated by ``definition.parse`` (nothing invalid is saved), creates an immutable
``SchemeVersion`` and an audit entry."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from partez.core import audit
from partez.core.errors import DomainError, NotAllowed
from partez.organisations import perms
from partez.organisations.models import Membership, Organisation

from . import catalogue
from .definition import DefinitionError, parse, to_jsonable
from .models import Scheme, SchemeVersion


def catalogue_sync() -> list[Scheme]:
    """Create the shipped schemes that are missing (version 1) and link each scheme to its funder
    organisation when it exists. Never overwrites a definition the coordination has edited."""
    known = set(catalogue.slugs())
    existing = {s.slug: s for s in Scheme.objects.all()}
    funders = {o.slug: o for o in Organisation.objects.filter(kind="funder")}
    created = []
    with transaction.atomic():
        for slug in catalogue.slugs():
            raw = catalogue.raw(slug)
            d = parse(raw, known_slugs=known)
            funder = funders.get(d.funder_slug)
            scheme = existing.get(slug)
            if scheme is None:
                scheme = Scheme.objects.create(
                    slug=slug,
                    name=d.name,
                    funder=funder,
                    channel=d.channel,
                    scope=d.scope,
                    definition=raw,
                    version=1,
                )
                SchemeVersion.objects.create(
                    scheme=scheme, number=1, definition=raw, comment="Catalogue livré"
                )
                created.append(scheme)
            elif scheme.funder_id is None and funder is not None:
                scheme.funder = funder
                scheme.save(update_fields=["funder", "updated_at"])
    return created


def scheme_update(
    *,
    actor: Membership,
    scheme: Scheme,
    definition: dict[str, Any],
    comment: str = "",
    expected_version: int | None = None,
) -> Scheme:
    """Replace a scheme's rules with a new validated version. ``expected_version``, the version
    the editor started from, is checked under the row lock: two coordinators editing at once
    cannot overwrite each other's change."""
    if not perms.can_manage_schemes(actor):
        raise NotAllowed("Seule la coordination modifie les règles des dispositifs.")
    definition = to_jsonable(definition)
    known = set(Scheme.objects.values_list("slug", flat=True)) | set(catalogue.slugs())
    try:
        parsed = parse(definition, known_slugs=known, version=scheme.version + 1)
    except DefinitionError as exc:
        raise DomainError(exc.errors) from exc
    if parsed.slug != scheme.slug:
        raise DomainError({"slug": "L'identifiant d'un dispositif ne change pas."})
    if not (comment or "").strip():
        raise DomainError({"comment": "Dites pourquoi les règles changent (motif de la modification)."})
    with transaction.atomic():
        scheme = Scheme.objects.select_for_update().get(pk=scheme.pk)
        if expected_version is not None and scheme.version != expected_version:
            raise DomainError(
                {
                    "version": f"Les règles ont été modifiées entre-temps (version {scheme.version}) : "
                    "rechargez la page et recommencez."
                }
            )
        before = scheme.version
        scheme.definition = definition
        scheme.name = parsed.name
        scheme.channel = parsed.channel
        scheme.scope = parsed.scope
        scheme.version = before + 1
        funder = Organisation.objects.filter(kind="funder", slug=parsed.funder_slug).first()
        scheme.funder = funder
        scheme.save(
            update_fields=["definition", "name", "channel", "scope", "version", "funder", "updated_at"]
        )
        SchemeVersion.objects.create(
            scheme=scheme,
            number=scheme.version,
            definition=definition,
            comment=comment.strip(),
            created_by=actor.user,
        )
        audit.record(
            actor=actor.user,
            organisation=actor.organisation,
            action="scheme.update",
            obj=scheme,
            changes={"version": [before, scheme.version], "comment": comment.strip()},
        )
    return scheme


def scheme_set_active(*, actor: Membership, scheme: Scheme, active: bool) -> Scheme:
    if not perms.can_manage_schemes(actor):
        raise NotAllowed("Seule la coordination active ou suspend un dispositif.")
    with transaction.atomic():
        before = scheme.is_active
        scheme.is_active = active
        scheme.save(update_fields=["is_active", "updated_at"])
        audit.record(
            actor=actor.user,
            organisation=actor.organisation,
            action="scheme.activate" if active else "scheme.deactivate",
            obj=scheme,
            changes={"is_active": [before, active]},
        )
    return scheme
