"""Writes of the library (documents and links, their versions, the « validated » mark, the
practice sheets drawn from the year's projects), of one's network profile (the directory's
consent) and of the announcements (posts, read receipts, the e-mail digest)."""

from __future__ import annotations

import datetime as dt
import mimetypes
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from django.core.files import File
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from partez.core import audit
from partez.core.errors import DomainError, NotAllowed
from partez.core.money import euros
from partez.organisations.models import Membership, Organisation, Role
from partez.territory.models import Edition
from partez.users.models import User

from .. import perms
from ..models import (
    Announcement,
    AnnouncementRead,
    Digest,
    Profile,
    Resource,
    ResourceCategory,
    ResourceVersion,
    Visibility,
)
from ..search import fold
from .trainings import _mail, parameter

# --- the resource library ----------------------------------------------------------------------


@dataclass(frozen=True)
class ResourceInput:
    title: str
    category: str
    visibility: str
    description: str = ""
    tags: Sequence[str] = ()
    url: str = ""
    edition_id: int | None = None


def check_upload(upload: File[bytes]) -> tuple[str, str]:
    """The file's (name, MIME type) if the library accepts it, else a DomainError on ``file``."""
    name = Path(upload.name or "document").name[:200]
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    accepted = parameter("resource_extensions")
    assert isinstance(accepted, dict)
    limit = int(str(parameter("resource_max_bytes")))
    if extension not in accepted:
        raise DomainError(
            f"Type de fichier refusé (.{extension or '?'}) : acceptés {', '.join(sorted(accepted))}.",
            field="file",
        )
    if (upload.size or 0) > limit:
        raise DomainError(f"Fichier trop lourd : {limit // (1024 * 1024)} Mo au plus.", field="file")
    if not upload.size:
        raise DomainError("Le fichier est vide.", field="file")
    return name, str(accepted[extension])


def _file_text(upload: File[bytes], content_type: str) -> str:
    if content_type != "text/plain":
        return ""
    upload.seek(0)
    raw: bytes = upload.read(200_000)
    text = raw.decode("utf-8", "replace")
    upload.seek(0)
    return text


def resource_index(resource: Resource) -> None:
    """Store the resource's folded words (title, description, tags, category, a text file's words)."""
    version_text = resource.current.text if resource.current else ""
    category = (
        ResourceCategory(resource.category).label if resource.category in ResourceCategory.values else ""
    )
    resource.search_text = fold(
        " ".join([resource.title, resource.description, " ".join(resource.tags), category, version_text])
    )
    resource.save(update_fields=["search_text"])


def _resource_errors(data: ResourceInput, has_file: bool) -> dict[str, str]:
    errors = {}
    if not data.title.strip():
        errors["title"] = "Indiquez le titre."
    if data.category not in ResourceCategory.values:
        errors["category"] = "Choisissez une catégorie."
    if data.visibility not in Visibility.values:
        errors["visibility"] = "Choisissez qui peut voir la ressource."
    if not has_file and not data.url.strip():
        errors["file"] = "Joignez un fichier ou indiquez un lien."
    if has_file and data.url.strip():
        errors["url"] = "Un fichier ou un lien, pas les deux."
    if len(data.tags) > 12:
        errors["tags"] = "Douze mots-clés au plus."
    return errors


def resource_publish(
    *, actor: Membership, data: ResourceInput, upload: File[bytes] | None = None
) -> Resource:
    """Share a document (its first version) or a link, with the actor as its publisher."""
    if not perms.can_publish_resource(actor):
        raise NotAllowed("Votre rôle ne permet pas de publier dans la bibliothèque.")
    errors = _resource_errors(data, upload is not None)
    checked: tuple[str, str] | None = None
    if upload is not None:
        try:
            checked = check_upload(upload)
        except DomainError as exc:
            errors.update(exc.errors)
    if errors:
        raise DomainError(errors)
    with transaction.atomic():
        resource = Resource.objects.create(
            title=data.title.strip(),
            description=data.description.strip(),
            category=data.category,
            tags=[t.strip() for t in data.tags if t.strip()],
            url=data.url.strip(),
            edition_id=data.edition_id,
            visibility=data.visibility,
            published_by=actor.user,
            organisation=actor.organisation,
        )
        if upload is not None and checked is not None:
            _add_version(resource, upload, checked, actor.user, note="")
        resource_index(resource)
        audit.record(
            actor=actor.user, organisation=actor.organisation, action="resource_publish", obj=resource
        )
    return resource


def _add_version(
    resource: Resource, upload: File[bytes], checked: tuple[str, str], user: User, note: str
) -> None:
    name, content_type = checked
    number = (resource.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = ResourceVersion(
        resource=resource,
        number=number,
        filename=name,
        content_type=content_type or mimetypes.guess_type(name)[0] or "application/octet-stream",
        size=upload.size or 0,
        note=note.strip()[:300],
        text=_file_text(upload, content_type),
        uploaded_by=user,
    )
    version.file.save(name, upload, save=False)
    version.save()
    resource.current = version
    resource.save(update_fields=["current"])


def can_edit_resource(m: Membership, resource: Resource) -> bool:
    return perms.can_manage_network(m) or (
        perms.can_publish_resource(m) and resource.organisation_id == m.organisation_id
    )


def resource_version_add(
    *, actor: Membership, resource: Resource, upload: File[bytes], note: str = ""
) -> Resource:
    """A new version replaces the shown one; the old ones stay listed (and downloadable)."""
    if not can_edit_resource(actor, resource):
        raise NotAllowed("Seule la structure qui a publié la ressource (ou la coordination) la met à jour.")
    checked = check_upload(upload)
    with transaction.atomic():
        locked = Resource.objects.select_for_update().get(pk=resource.pk)  # version numbers are raced
        if locked.url:
            raise DomainError("Cette ressource est un lien : modifiez le lien plutôt.", field="file")
        _add_version(locked, upload, checked, actor.user, note)
        if locked.validated_at is not None:  # the coordination validated another text
            locked.validated_at, locked.validated_by = None, None
            locked.save(update_fields=["validated_at", "validated_by"])
        resource_index(locked)
        audit.record(
            actor=actor.user,
            organisation=actor.organisation,
            action="resource_version_add",
            obj=locked,
            changes={"version": locked.current.number if locked.current else None},
        )
    return locked


def resource_validate(*, actor: Membership, resource: Resource, validated: bool = True) -> Resource:
    """The « validated by the coordination » mark (set or withdrawn)."""
    if not perms.can_manage_network(actor):
        raise NotAllowed("Seule la coordination valide les ressources.")
    with transaction.atomic():
        resource.validated_at = timezone.now() if validated else None
        resource.validated_by = actor.user if validated else None
        resource.save(update_fields=["validated_at", "validated_by"])
        audit.record(
            actor=actor.user,
            organisation=actor.organisation,
            action="resource_validate",
            obj=resource,
            changes={"validated": validated},
        )
    return resource


# --- the directory and announcements -----------------------------------------------------------


def profile_update(
    *,
    actor: Membership,
    listed: bool,
    job_title: str = "",
    show_email: bool = False,
    show_phone: bool = False,
    digest: str = Digest.WEEKLY,
) -> Profile:
    """One's own choices: appear in the directory (consent, dated), the contact shown, the digest."""
    if digest not in Digest.values:
        raise DomainError("Choisissez la fréquence du résumé.", field="digest")
    if len(job_title) > 120:
        raise DomainError("La fonction tient en 120 caractères.", field="job_title")
    with transaction.atomic():
        profile, _ = Profile.objects.select_for_update().get_or_create(user=actor.user)
        before = audit.snapshot(profile, ["listed", "show_email", "show_phone", "digest"])
        if listed and not profile.listed:
            profile.listed_at = timezone.now()
        profile.listed, profile.job_title = listed, job_title.strip()
        profile.show_email, profile.show_phone = listed and show_email, listed and show_phone
        profile.digest = digest
        profile.save()
        after = audit.snapshot(profile, ["listed", "show_email", "show_phone", "digest"])
        audit.record(
            actor=actor.user,
            organisation=actor.organisation,
            action="network_profile_update",
            obj=profile,
            changes=audit.diff(before, after),
        )
    return profile


def announcement_post(
    *,
    actor: Membership,
    title: str,
    body: str,
    roles: Sequence[str] = (),
    communes: Sequence[str] = (),
    schemes: Sequence[str] = (),
) -> Announcement:
    """News from the coordination, to everyone or a segment (roles, communes, the structures that
    handle some schemes)."""
    from partez.schemes.models import Scheme

    if not perms.can_manage_network(actor):
        raise NotAllowed("Seule la coordination publie les annonces.")
    errors = {}
    if not title.strip():
        errors["title"] = "Indiquez le titre."
    if not body.strip():
        errors["body"] = "Écrivez l'annonce."
    if set(roles) - set(Role.values):
        errors["roles"] = "Rôle inconnu."
    if Scheme.objects.filter(slug__in=set(schemes)).count() != len(set(schemes)):
        errors["schemes"] = "Dispositif inconnu."
    if errors:
        raise DomainError(errors)
    with transaction.atomic():
        announcement = Announcement.objects.create(
            title=title.strip(),
            body=body.strip(),
            roles=list(roles),
            communes=list(communes),
            schemes=list(schemes),
            posted_by=actor.user,
            organisation=actor.organisation,
        )
        audit.record(
            actor=actor.user, organisation=actor.organisation, action="announcement_post", obj=announcement
        )
    return announcement


def announcement_read(*, actor: Membership, announcement: Announcement) -> AnnouncementRead:
    """The read receipt (once; reading again keeps the first time)."""
    read, _ = AnnouncementRead.objects.get_or_create(announcement=announcement, user=actor.user)
    return read


DIGEST_PERIOD = {Digest.DAILY: dt.timedelta(days=1), Digest.WEEKLY: dt.timedelta(days=7)}


def digest_send(*, frequency: str, now: dt.datetime | None = None) -> int:
    """E-mail each person who chose ``frequency`` the announcements of their segment they have not
    read, posted since their last digest (or the period); one e-mail per person, none when nothing
    is new. Returns the e-mails sent."""
    if frequency not in DIGEST_PERIOD:
        raise DomainError("Fréquence inconnue : daily ou weekly.", field="frequency")
    from ..selectors import _current_edition_id, reaches, scheme_organisation_ids  # reads

    now = now or timezone.now()
    since_default = now - DIGEST_PERIOD[Digest(frequency)]
    recent = list(
        Announcement.objects.filter(posted_at__gt=now - dt.timedelta(days=31)).order_by("posted_at")
    )
    if not recent:
        return 0
    read = set(
        AnnouncementRead.objects.filter(announcement__in=recent).values_list("announcement_id", "user_id")
    )
    slugs = sorted({slug for a in recent for slug in a.schemes})
    handled = scheme_organisation_ids(slugs, _current_edition_id()) if slugs else set()
    profiles = {p.user_id: p for p in Profile.objects.all()}
    memberships: dict[int, list[Membership]] = {}
    for ms in Membership.objects.active().select_related("user", "organisation__commune"):
        memberships.setdefault(ms.user_id, []).append(ms)
    sent = 0
    for user_id, mss in memberships.items():
        profile = profiles.get(user_id)
        if (profile.digest if profile else Digest.WEEKLY) != frequency:
            continue
        since = profile.digest_sent_at if profile and profile.digest_sent_at else since_default
        news = [
            a
            for a in recent
            if a.posted_at > since
            and (a.pk, user_id) not in read
            and any(reaches(a, ms, handled) for ms in mss)
        ]
        if not news:
            continue
        user = mss[0].user
        with transaction.atomic():
            Profile.objects.update_or_create(user=user, defaults={"digest_sent_at": now})
            lines = "\n\n".join(
                f"— {a.title} ({timezone.localtime(a.posted_at):%d/%m})\n{a.body[:500]}" for a in news
            )
            _mail(
                f"Les nouvelles du réseau ({len(news)})",
                f"Bonjour,\n\n{lines}\n\nRetrouvez-les dans partez, rubrique Annonces. "
                "Pour changer la fréquence de ce résumé : Réseau → Annuaire → Mon profil.",
                user.email,
            )
            sent += 1
    return sent


def practice_sheets_publish(*, actor: Membership, edition: Edition) -> list[Resource]:
    """Publish (or refresh) the edition's practice sheets: one per destination that worked for
    large families, from the projects that left, anonymised (medians, enough departures)."""
    if not perms.can_manage_network(actor):
        raise NotAllowed("Seule la coordination publie les fiches pratiques.")
    with transaction.atomic():
        sheets = practice_sheets_write(edition=edition, user=actor.user, organisation=actor.organisation)
        audit.record(
            actor=actor.user,
            organisation=actor.organisation,
            action="practice_sheets_publish",
            obj=edition,
            changes={"sheets": [r.pk for r in sheets]},
        )
    return sheets


def practice_sheets_write(*, edition: Edition, user: User, organisation: Organisation) -> list[Resource]:
    """The sheets' rows themselves, inside the caller's transaction and audit entry (the service
    above, or the demo's one audited load)."""
    from partez.projects.models import BudgetKind

    from ..selectors import practice_rows  # reads; selectors import this package

    sheets = []
    for row in practice_rows(edition.pk):
        place = f"{row.destination} ({row.department})" if row.department else row.destination
        costs = ", ".join(
            f"{BudgetKind(k).label.lower()} {euros(v, trim=True)}"
            for k, v in row.by_kind_median_cents.items()
            if k in BudgetKind.values and v
        )
        text = (
            f"{row.projects} familles de {row.travellers_median} personnes (médiane) sont parties à {place} "
            f"pendant l'édition {edition.year}, {row.nights_median} nuits en médiane. Budget médian du séjour : "
            f"{euros(row.budget_median_cents, trim=True)}, soit {euros(row.per_person_night_cents, trim=True)} "
            f"par personne et par nuit ({costs}). Chiffres tirés des projets partis, sans aucune donnée "
            "permettant de reconnaître une famille."
        )
        title = f"Fiche pratique : familles nombreuses à {row.destination}"
        resource = Resource.objects.filter(
            title=title, edition=edition, category=ResourceCategory.PRACTICE
        ).first()
        if resource is None:
            resource = Resource(
                title=title,
                category=ResourceCategory.PRACTICE,
                edition=edition,
                visibility=Visibility.PROFESSIONALS,
                published_by=user,
                organisation=organisation,
            )
        resource.description = text
        resource.tags = [row.destination, "familles nombreuses", "budget"]
        resource.validated_at, resource.validated_by = timezone.now(), user
        resource.save()
        resource_index(resource)
        sheets.append(resource)
    return sheets


__all__ = [
    "practice_sheets_write",
    "resource_index",
    "practice_sheets_publish",
    "DIGEST_PERIOD",
    "ResourceInput",
    "announcement_post",
    "announcement_read",
    "can_edit_resource",
    "check_upload",
    "digest_send",
    "profile_update",
    "resource_publish",
    "resource_validate",
    "resource_version_add",
]
