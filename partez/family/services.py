"""Every write of the families' space: the accesses a professional gives and withdraws, and what
the family does in its space (documents, answers, story).

The family has no account: its writes carry the ``FamilyAccess`` it came in with, and are
audited with no actor and the access in the details; the caller has fetched every object
through that access's household (:mod:`partez.family.selectors`), so another household's
object never reaches a service.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core import mail
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from partez.core import audit, parameters
from partez.core.errors import DomainError, NotAllowed
from partez.core.ratelimit import Rate, hit
from partez.fete import codes, sms
from partez.households import services as household_services
from partez.households.models import Consent, ConsentScope, FollowUp, Household, Person
from partez.households.selectors import active_consent_scopes
from partez.organisations.models import Membership, Organisation
from partez.projects.models import ChecklistItem, Project
from partez.users.models import User

from . import perms
from .models import (
    Answer,
    Channel,
    FamilyAccess,
    FamilyDocument,
    Moderation,
    NameShown,
    OneTimeCode,
    Proposal,
    ProposalKind,
    Story,
    StoryPhoto,
    Wish,
)

PARAMETERS = Path(__file__).with_name("parameters.yaml")
STORY_STATUSES = ("returned", "evaluated")
TOKEN_BYTES = 32


class AccessRefused(DomainError):
    """A link or code that opens nothing; ``reason`` picks the French page the family sees."""

    def __init__(self, reason: str, message: str):
        self.reason = reason
        super().__init__(message, field="code")


def value(name: str, on: dt.date | None = None) -> int:
    return int(parameters.load(PARAMETERS)[name].at(on or timezone.localdate()).value)


def hash_secret(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def mask(channel: str, recipient: str) -> str:
    """« +33 6 •• •• •• 78 », « c•••@example.org »: enough for the referent to recognise it."""
    if channel == Channel.SMS:
        return f"{recipient[:4]} •• •• •• {recipient[-2:]}"
    if channel == Channel.EMAIL:
        local, _, domain = recipient.partition("@")
        return f"{local[:1]}•••@{domain}"
    return ""


@dataclass(frozen=True)
class Granted:
    access: FamilyAccess
    link: str
    code: str  # the letter's short code, as printed (« ABCDE-FGHJK »); empty for SMS and e-mail
    sent: bool


def _recipient(household: Household, channel: str) -> tuple[str, dict[str, str]]:
    if channel == Channel.SMS:
        number = sms.normalise_mobile(household.phone)
        if number is None:
            return "", {
                "channel": "Le foyer n'a pas de numéro de portable : ajoutez-le, ou choisissez le courrier."
            }
        return number, {}
    if channel == Channel.EMAIL:
        if not household.email:
            return "", {
                "channel": "Le foyer n'a pas d'adresse e-mail : ajoutez-la, ou choisissez le courrier."
            }
        return household.email, {}
    if channel == Channel.LETTER:
        return "", {}
    return "", {"channel": "Choisissez comment envoyer l'accès : SMS, e-mail ou courrier."}


def _message(link: str, expires: dt.datetime) -> str:
    return (
        f"Votre espace vacances partez : {link} "
        f"Ce lien marche jusqu'au {timezone.localtime(expires):%d/%m/%Y}. Ne le donnez à personne."
    )


def access_grant(
    *,
    actor: Membership,
    household: Household,
    channel: str,
    base_url: str,
    person: Person | None = None,
    consent: bool = False,
    contact_phone: str = "",
) -> Granted:
    """Give the household a way into its space: a link (sent by SMS or e-mail) or, for a
    letter, a short code to type. Needs an active « espace famille » consent: recorded here when
    the professional ticks that the household agreed (``consent``). A household receives at most
    ``accesses_per_household_per_day`` accesses a day; older accesses stay valid until they
    expire or are withdrawn."""
    if not perms.can_invite_family(actor):
        raise NotAllowed("Votre rôle ne permet pas de donner l'accès à l'espace famille.")
    household_services.require_open_file(household)
    recipient, errors = _recipient(household, channel)
    if person is not None and person.household_id != household.pk:
        errors["person"] = "Choisissez une personne de ce foyer."
    has_consent = ConsentScope.FAMILY_SPACE in active_consent_scopes(household)
    if not has_consent and not consent:
        errors["consent"] = "Cochez la case si le foyer est d'accord pour utiliser l'espace famille."
    contact_phone = (contact_phone or "").strip()
    if len(contact_phone) > 20:
        errors["contact_phone"] = "Le numéro à appeler tient en 20 caractères au plus."
    if errors:
        raise DomainError(errors)
    access, token, code = _issue(
        household,
        channel=channel,
        user=actor.user,
        organisation=actor.organisation,
        person=person,
        recipient=recipient,
        contact_phone=contact_phone,
        consent=not has_consent,
    )
    link = base_url.rstrip("/") + reverse("family_enter", args=[token])
    sent = _deliver(access, recipient, link)
    return Granted(access, link, codes.display_code(code) if code else "", sent)


def _issue(
    household: Household,
    *,
    channel: str,
    user: User | None,
    organisation: Organisation,
    person: Person | None = None,
    recipient: str = "",
    contact_phone: str = "",
    consent: bool = False,
) -> tuple[FamilyAccess, str, str]:
    """Create the access (and the consent the professional recorded), audited; returns it with
    its token and code in clear, which are never stored."""
    now = timezone.now()
    token = secrets.token_urlsafe(TOKEN_BYTES)
    code = codes.new_code() if channel == Channel.LETTER else ""
    with transaction.atomic():
        Household.objects.select_for_update().filter(pk=household.pk).first()  # serialises the count
        today = timezone.localdate()
        start = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
        if FamilyAccess.objects.filter(household=household, created_at__gte=start).count() >= value(
            "accesses_per_household_per_day", today
        ):
            raise DomainError(
                "Ce foyer a déjà reçu assez d'accès aujourd'hui. Réessayez demain.", field="channel"
            )
        if consent and user is not None:
            new_consent = Consent.objects.create(
                household=household,
                scopes=[ConsentScope.FAMILY_SPACE],
                collected_by=user,
                organisation=organisation,
                collected_at=now,
            )
            audit.record(
                actor=user,
                organisation=organisation,
                action="consent.collect",
                obj=new_consent,
                changes={"household": household.pk, "scopes": new_consent.scopes},
            )
        access = FamilyAccess.objects.create(
            household=household,
            person=person,
            channel=channel,
            recipient=mask(channel, recipient),
            token_hash=hash_secret(token),
            code_hash=hash_secret(code) if code else None,
            created_by=user,
            organisation=organisation,
            expires_at=now + dt.timedelta(days=value("link_validity_days", today)),
            contact_phone=contact_phone,
        )
        audit.record(
            actor=user,
            organisation=organisation,
            action="family_access.grant",
            obj=access,
            changes={
                "household": household.pk,
                "channel": channel,
                "person": person.pk if person else None,
                "expires_at": access.expires_at,
            },
        )
    return access, token, code


def access_link_for_operations(*, household: Household, base_url: str) -> str:
    """``manage.py family_link``: a new link for the household, with the UI's expiry, daily
    limit and audit (no actor: the operations). The household's « espace famille » consent must
    already be recorded; the access belongs to its referent structure."""
    household_services.require_open_file(household)
    if ConsentScope.FAMILY_SPACE not in active_consent_scopes(household):
        raise DomainError("Le foyer n'a pas donné son accord pour l'espace famille.", field="consent")
    referent = (
        FollowUp.objects.filter(household=household, ended_on__isnull=True, is_referent=True)
        .select_related("organisation")
        .first()
    )
    organisation = referent.organisation if referent else household.created_by_organisation
    _, token, _ = _issue(household, channel=Channel.LINK, user=None, organisation=organisation)
    return base_url.rstrip("/") + reverse("family_enter", args=[token])


def _deliver(access: FamilyAccess, recipient: str, link: str) -> bool:
    """Send the link (after the commit: a slow provider holds no lock). A failure is written on
    the access, for the professional to see and choose another way."""
    text = _message(link, access.expires_at)
    error = ""
    if access.channel == Channel.SMS:
        result = sms.send_sms(recipient, text)
        error = "" if result.ok else result.error
    elif access.channel == Channel.EMAIL:
        try:
            mail.send_mail("Votre espace vacances", text, None, [recipient])
        except Exception as exc:  # a mail server failure is a delivery status, not a crash
            error = f"{type(exc).__name__}: {exc}"[:200]
    else:
        return False
    if error:
        FamilyAccess.objects.filter(pk=access.pk).update(delivery_error=error[:200])
    return not error


def access_revoke(*, actor: Membership, access: FamilyAccess) -> FamilyAccess:
    """Withdraw an access: its link and code open nothing any more, at once (every page of the
    space checks the access on every request)."""
    if not perms.can_invite_family(actor):
        raise NotAllowed("Votre rôle ne permet pas de retirer l'accès à l'espace famille.")
    with transaction.atomic():
        access = FamilyAccess.objects.select_for_update().get(pk=access.pk)
        if access.revoked_at is not None:
            raise DomainError("Cet accès est déjà retiré.")
        access.revoked_at, access.revoked_by = timezone.now(), actor.user
        access.save(update_fields=["revoked_at", "revoked_by"])
        audit.record(
            actor=actor.user,
            organisation=actor.organisation,
            action="family_access.revoke",
            obj=access,
            changes={"household": access.household_id},
        )
    return access


UNKNOWN = "Ce lien ou ce code ne marche pas. Vérifiez-le, ou appelez votre référent."


def access_open(*, token: str = "", code: str = "") -> FamilyAccess:
    """The access a link's token or a letter's code opens, its visit counted and audited; a
    refusal says why in plain words (an expired or withdrawn access is audited too)."""
    if token:
        access = (
            FamilyAccess.objects.select_related("household").filter(token_hash=hash_secret(token)).first()
        )
    else:
        typed = codes.normalise_code(code)
        access = (
            FamilyAccess.objects.select_related("household").filter(code_hash=hash_secret(typed)).first()
            if len(typed) == codes.CODE_LENGTH
            else None
        )
    if access is None:
        raise AccessRefused("unknown", UNKNOWN)
    return _open(access, by="link" if token else "code")


def _open(access: FamilyAccess, *, by: str) -> FamilyAccess:
    if access.household.anonymised_at is not None:
        raise AccessRefused("unknown", UNKNOWN)
    reason, message = "", ""
    if access.revoked_at is not None:
        reason, message = "revoked", "Cet accès est arrêté. Appelez votre référent pour en avoir un autre."
    elif access.expires_at <= timezone.now():
        reason, message = (
            "expired",
            "Ce lien est trop vieux. Appelez votre référent pour en avoir un nouveau.",
        )
    elif ConsentScope.FAMILY_SPACE not in active_consent_scopes(access.household):
        reason, message = "no_consent", "L'espace famille est fermé pour votre foyer. Appelez votre référent."
    with transaction.atomic():
        if not reason:
            FamilyAccess.objects.filter(pk=access.pk).update(last_used_at=timezone.now(), uses=F("uses") + 1)
        audit.record(
            actor=None,
            organisation=access.organisation,
            action="family_access.refused" if reason else "family_access.open",
            obj=access,
            changes={"household": access.household_id, "by": by, "reason": reason},
        )
    if reason:
        raise AccessRefused(reason, message)
    return access


# --- a one-time code by SMS, for a family that lost its link -----------------------------------


def _live_sms_access(number: str) -> FamilyAccess | None:
    """The latest live SMS access of a household whose mobile is ``number`` (compared once
    normalised: the file keeps the number as typed)."""
    live = (
        FamilyAccess.objects.filter(
            channel=Channel.SMS,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
            household__anonymised_at__isnull=True,
        )
        .select_related("household")
        .only("pk", "organisation_id", "household__phone", "household__anonymised_at")
        .order_by("-created_at")
    )
    return next((a for a in live.iterator() if sms.normalise_mobile(a.household.phone) == number), None)


def one_time_code_send(*, phone: str) -> None:
    """Send a one-time code to a household's mobile, if it has a live SMS access. The answer is
    the same whether the number is known or not (nobody learns who is in the file); a number
    receives at most ``one_time_codes_per_number_per_hour`` codes."""
    number = sms.normalise_mobile(phone)
    if number is None:
        raise DomainError("Tapez un numéro de portable qui commence par 06 ou 07.", field="phone")
    if hit("family_one_time_code", number, Rate(value("one_time_codes_per_number_per_hour"), 3600)):
        return
    access = _live_sms_access(number)
    if access is None:
        return
    code = f"{secrets.randbelow(10**6):06d}"
    with transaction.atomic():
        OneTimeCode.objects.create(
            access=access,
            phone_hash=hash_secret(number),
            code_hash=hash_secret(f"{access.pk}:{code}"),
            expires_at=timezone.now() + dt.timedelta(minutes=value("one_time_code_minutes")),
        )
        _family_audit(access, "family_access.code_sent", access, {})
    sms.send_sms(
        number, f"Votre code pour entrer dans votre espace vacances : {code}. Ne le donnez à personne."
    )


def one_time_code_open(*, phone: str, code: str) -> FamilyAccess:
    """The access a one-time code opens (once; a wrong code counts as a try)."""
    number = sms.normalise_mobile(phone) or ""
    typed = "".join(ch for ch in (code or "") if ch.isdigit())
    wrong = AccessRefused("unknown", "Ce code ne marche pas. Vérifiez-le, ou demandez un autre code.")
    with transaction.atomic():
        otp = (
            OneTimeCode.objects.select_for_update()
            .filter(phone_hash=hash_secret(number), used_at__isnull=True, expires_at__gt=timezone.now())
            .first()
        )
        if otp is None or otp.tries >= value("one_time_code_tries"):
            raise wrong
        if otp.code_hash != hash_secret(f"{otp.access_id}:{typed}"):
            OneTimeCode.objects.filter(pk=otp.pk).update(tries=F("tries") + 1)
            wrong_try = True  # raised after the commit, so the try counts
        else:
            OneTimeCode.objects.filter(pk=otp.pk).update(used_at=timezone.now())
            wrong_try = False
    if wrong_try:
        raise wrong
    return _open(FamilyAccess.objects.select_related("household").get(pk=otp.access_id), by="sms_code")


def _family_audit(access: FamilyAccess, action: str, obj: Any, changes: dict[str, Any]) -> None:
    audit.record(
        actor=None,
        organisation=access.organisation,
        action=action,
        obj=obj,
        changes={"family_access": access.pk, "household": access.household_id, **changes},
    )


# --- files: documents and photos ----------------------------------------------------------------

_SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"%PDF-", "application/pdf", "pdf"),
)


def sniff(head: bytes) -> tuple[str, str] | None:
    """The file's type read from its first bytes (never from the name or the browser's claim)."""
    for magic, content_type, extension in _SIGNATURES:
        if head.startswith(magic):
            return content_type, extension
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp", "webp"
    return None


def _checked_file(upload: UploadedFile[bytes], field: str, *, images_only: bool = False) -> tuple[str, str]:
    limit = value("upload_max_bytes")
    if not upload.size:
        raise DomainError("Le fichier est vide. Reprenez la photo.", field=field)
    if upload.size > limit:
        raise DomainError(f"Le fichier est trop gros. {limit // (1024 * 1024)} Mo au plus.", field=field)
    head = next(iter(upload.chunks(64)), b"")
    upload.seek(0)
    kind = sniff(head)
    if kind is None or (images_only and not kind[0].startswith("image/")):
        allowed = (
            "une photo (JPEG, PNG ou WebP)" if images_only else "une photo (JPEG, PNG ou WebP) ou un PDF"
        )
        raise DomainError(f"Ce fichier n'est pas accepté. Envoyez {allowed}.", field=field)
    return kind


def document_upload(
    *, access: FamilyAccess, project: Project, upload: UploadedFile[bytes], item: ChecklistItem | None = None
) -> FamilyDocument:
    """A document sent by the family for its project (a checklist item, or « other »)."""
    if project.household_id != access.household_id or (item is not None and item.project_id != project.pk):
        raise DomainError("Ce papier ne fait pas partie de votre dossier.", field="item")
    household_services.require_open_file(access.household)
    content_type, extension = _checked_file(upload, "file")
    label = item.label if item is not None else "Autre papier"
    with transaction.atomic():
        document = FamilyDocument(
            household_id=access.household_id,
            project=project,
            item=item,
            name=f"{label}.{extension}"[:120],
            content_type=content_type,
            size=upload.size or 0,
            access=access,
        )
        document.file.save(f"document.{extension}", upload, save=False)
        document.save()
        _family_audit(access, "family_document.upload", document, {"project": project.pk, "item": label})
    return document


def document_read(*, actor: Membership, document: FamilyDocument) -> None:
    """A professional downloads a family's document: recorded in the access log."""
    if not perms.can_view_family_documents(actor):
        raise NotAllowed("Votre rôle ne donne pas accès aux documents des familles.")
    audit.record_read(
        actor=actor.user, organisation=actor.organisation, action="download.family_document", obj=document
    )


# --- proposals ------------------------------------------------------------------------------------


def proposal_create(
    *, actor: Membership, project: Project, kind: str, text: str, answer_by: dt.date | None
) -> Proposal:
    """The referent asks the family to choose (dates, a place, a week, a donated week)."""
    if not perms.can_propose_to_family(actor):
        raise NotAllowed("Votre rôle ne permet pas de faire une proposition à la famille.")
    household_services.require_open_file(project.household)
    household_services.require_consent(
        project.household,
        ConsentScope.FAMILY_SPACE,
        "Le foyer n'utilise pas l'espace famille : donnez-lui d'abord son accès.",
    )
    errors = {}
    if kind not in ProposalKind.values:
        errors["kind"] = "Choisissez le sujet de la proposition."
    text = (text or "").strip()
    if not text:
        errors["text"] = "Écrivez la proposition, en mots simples."
    elif len(text) > 300:
        errors["text"] = "La proposition tient en 300 caractères au plus."
    if answer_by is None:
        errors["answer_by"] = "Indiquez la date limite de réponse."
    elif answer_by < timezone.localdate():
        errors["answer_by"] = "La date limite de réponse est déjà passée."
    if errors:
        raise DomainError(errors)
    assert answer_by is not None
    with transaction.atomic():
        proposal = Proposal.objects.create(
            project=project,
            kind=kind,
            text=text,
            answer_by=answer_by,
            created_by=actor.user,
            organisation=actor.organisation,
        )
        audit.record(
            actor=actor.user,
            organisation=actor.organisation,
            action="family_proposal.create",
            obj=proposal,
            changes={"project": project.pk, "kind": kind, "answer_by": answer_by},
        )
    return proposal


def proposal_answer(*, access: FamilyAccess, proposal: Proposal, answer: str, reason: str = "") -> Proposal:
    """The family says yes or no (a reason if it wants), until the date asked; it may change
    its mind until then."""
    if answer not in (Answer.ACCEPTED, Answer.REFUSED):
        raise DomainError("Répondez oui ou non.", field="answer")
    reason = (reason or "").strip()[:300]
    with transaction.atomic():
        proposal = Proposal.objects.select_for_update().select_related("project").get(pk=proposal.pk)
        if proposal.project.household_id != access.household_id:
            raise DomainError("Cette proposition n'est pas pour votre foyer.", field="answer")
        if proposal.answer_by < timezone.localdate():
            raise DomainError("La date pour répondre est passée. Appelez votre référent.", field="answer")
        proposal.answer, proposal.reason, proposal.answered_at = answer, reason, timezone.now()
        proposal.save(update_fields=["answer", "reason", "answered_at"])
        _family_audit(access, "family_proposal.answer", proposal, {"answer": answer, "reason": reason})
    return proposal


WISH_STATUSES = ("draft", "submitted")


def wish_save(*, access: FamilyAccess, project: Project, when: str, where: str, with_whom: str) -> Wish:
    """The family writes its ideas (dates, place, with whom) while the project is not decided."""
    if project.household_id != access.household_id:
        raise DomainError("Ce projet n'est pas celui de votre foyer.", field="when")
    values = {
        "when": (when or "").strip(),
        "where": (where or "").strip(),
        "with_whom": (with_whom or "").strip(),
    }
    errors = {name: "200 caractères au plus." for name, text in values.items() if len(text) > 200}
    if project.status not in WISH_STATUSES:
        errors["__all__"] = "Votre projet est déjà décidé. Pour changer, appelez votre référent."
    elif not any(values.values()):
        errors["when"] = "Écrivez au moins une idée."
    if errors:
        raise DomainError(errors)
    with transaction.atomic():
        wish, _ = Wish.objects.update_or_create(project=project, defaults=values)
        _family_audit(access, "family_wish.save", wish, {"project": project.pk, **values})
    return wish


# --- the story ------------------------------------------------------------------------------------


def story_save(
    *,
    access: FamilyAccess,
    project: Project,
    text: str,
    share: bool,
    name_shown: str = NameShown.NONE,
    photos: list[UploadedFile[bytes]] | None = None,
) -> Story:
    """The family tells its holiday after the return. ``share`` is its own agreement to publish
    (withdrawn by saving without it); a changed story is read again before it is published."""
    photos = photos or []
    if project.household_id != access.household_id:
        raise DomainError("Ce projet n'est pas celui de votre foyer.", field="text")
    errors = {}
    if project.status not in STORY_STATUSES:
        errors["text"] = "Vous pourrez raconter vos vacances à votre retour."
    text = (text or "").strip()
    if not text:
        errors["text"] = errors.get("text") or "Écrivez quelques mots."
    elif len(text) > 2000:
        errors["text"] = "Votre récit tient en 2 000 caractères au plus."
    if name_shown not in NameShown.values:
        errors["name_shown"] = "Choisissez avec ou sans votre prénom."
    existing = Story.objects.filter(project=project).first()
    already = existing.photos.count() if existing else 0
    if already + len(photos) > value("story_max_photos"):
        errors["photos"] = f"{value('story_max_photos')} photos au plus."
    kinds = []
    for upload in photos:
        try:
            kinds.append(_checked_file(upload, "photos", images_only=True))
        except DomainError as exc:
            errors.update(exc.errors)
    if errors:
        raise DomainError(errors)
    now = timezone.now()
    with transaction.atomic():
        story = existing or Story(project=project)
        changed = story.text != text
        story.text, story.name_shown = text, name_shown
        if share and not story.may_be_published:
            story.share_agreed_at, story.share_withdrawn_at = now, None
        elif not share and story.may_be_published:
            story.share_withdrawn_at = now
        if changed or photos:
            story.moderation = Moderation.PENDING
        story.save()
        for upload, (content_type, extension) in zip(photos, kinds, strict=True):
            photo = StoryPhoto(story=story, content_type=content_type, size=upload.size or 0)
            photo.file.save(f"photo.{extension}", upload, save=False)
            photo.save()
        _family_audit(
            access,
            "family_story.save",
            story,
            {
                "project": project.pk,
                "share": story.may_be_published,
                "name_shown": name_shown,
                "photos": len(photos),
            },
        )
    return story


def story_moderate(*, actor: Membership, story: Story, approve: bool) -> Story:
    """The coordination reads a story: published (only while the family agrees) or not."""
    if not perms.can_moderate_stories(actor):
        raise NotAllowed("Seule la coordination publie les récits des familles.")
    with transaction.atomic():
        story = Story.objects.select_for_update().get(pk=story.pk)
        if approve and not story.may_be_published:
            raise DomainError("La famille n'a pas donné son accord pour publier ce récit.")
        story.moderation = Moderation.APPROVED if approve else Moderation.REJECTED
        story.save(update_fields=["moderation"])
        audit.record(
            actor=actor.user,
            organisation=actor.organisation,
            action="family_story.moderate",
            obj=story,
            changes={"moderation": story.moderation},
        )
    return story


def household_files_delete(household: Household) -> int:
    """Delete the files a household sent (documents and story photos) and their rows: called
    when its file is anonymised (retention or erasure). Returns how many files went."""
    deleted = 0
    for document in FamilyDocument.objects.filter(household=household):
        document.file.delete(save=False)
        deleted += 1
    FamilyDocument.objects.filter(household=household).delete()
    for photo in StoryPhoto.objects.filter(story__project__household=household):
        photo.file.delete(save=False)
        deleted += 1
    Story.objects.filter(project__household=household).delete()
    FamilyAccess.objects.filter(household=household, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    return deleted
