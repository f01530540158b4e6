"""The invitations job: generate the Fête's invitations, print every letter into one PDF (the
job's result file), then send each household its e-mail and SMS, recording the delivery status
of each channel. Progress is reported per batch; a cancel stops between two batches (what was
sent stays sent and recorded).

No message goes to a household without an active « contact » consent: its status says so
(``no_consent``) and its letter is still printed, for the commune to hand over. A channel already
``sent`` is skipped unless the job is asked to ``resend`` (a failed or unsent one is tried again)."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable

from django.conf import settings
from django.core import mail
from django.core.files import File
from django.urls import reverse
from django.utils import timezone

from partez.core import pdf
from partez.households.models import ConsentScope, Person, Relation
from partez.households.selectors import with_consent
from partez.jobs.models import Job
from partez.jobs.registry import Progress, handler
from partez.organisations.models import Membership
from partez.organisations.perms import can_manage_fete

from . import codes, letters, services, sms
from .models import Delivery, Fete, Invitation, Stand

BATCH = 500


def fete_info(fete: Fete) -> letters.FeteInfo:
    return letters.FeteInfo(
        name=fete.name,
        year=fete.edition.year,
        date=fete.date,
        place=fete.place,
        address=fete.address,
        opens_at=fete.opens_at,
        closes_at=fete.closes_at,
        contact=fete.contact,
    )


def rsvp_url(base: str, code: str) -> str:
    return f"{base.rstrip('/')}{reverse('fete_rsvp', args=[code])}"


def addressees(household_ids: Iterable[int]) -> dict[int, str]:
    """Household id → the name a letter is posted to: its head's first name and SURNAME (the
    invitation's own label, « Claire M. », is what the stand's volunteer reads, no more)."""
    out: dict[int, str] = {}
    for hid, first, last in (
        Person.objects.filter(household_id__in=list(household_ids), relation=Relation.HEAD)
        .order_by("household_id", "pk")
        .values_list("household_id", "first_name", "last_name")
    ):
        out.setdefault(hid, f"{first} {last.upper()}".strip())
    return out


def letter_for(inv: Invitation, stands: dict[int, str], base: str, name: str = "") -> letters.Letter:
    slot = inv.slot
    return letters.Letter(
        code=codes.display_code(inv.code),
        qr_text=rsvp_url(base, inv.code),
        to=pdf.PostalAddress(
            name=name or inv.label or f"Foyer {inv.household.reference}",
            street=inv.household.address,
            postcode=inv.commune.postcode,
            commune=inv.commune.name,
        ),
        stand=stands.get(inv.commune_id, "Accueil et information"),
        entitlements=[e["label"] for e in inv.entitlements],
        slot=f"{letters.time_text(slot.starts_at)} – {letters.time_text(slot.ends_at)}" if slot else "",
        people=inv.people,
    )


def invitations_page(fete: Fete):
    return (
        Invitation.objects.filter(fete=fete)
        .select_related("household", "commune", "slot")
        .only(
            "code",
            "label",
            "people",
            "entitlements",
            "commune_id",
            "commune__name",
            "commune__postcode",
            "household__reference",
            "household__address",
            "household__email",
            "household__phone",
            "slot__starts_at",
            "slot__ends_at",
            "email_status",
            "sms_status",
            "letter_status",
            "household_id",
            "fete_id",
            "slot_id",
        )
        .order_by("pk")
    )


def _message(fete: Fete, inv: Invitation, url: str, stand: str) -> tuple[str, str, str]:
    info = fete_info(fete)
    when = f"{letters.pdf.french_date(fete.date, weekday=True)}, {letters.time_text(fete.opens_at)}"
    subject = f"Invitation à la {fete.name} {fete.edition.year}"
    rights = "\n".join(f"- {e['label']}" for e in inv.entitlements)
    body = (
        f"Bonjour,\n\nVotre foyer est invité à la {fete.name} le {when} – {letters.time_text(fete.closes_at)}, "
        f"{info.place}{', ' + info.address if info.address else ''}.\n\n"
        f"Vous y recevrez :\n{rights}\n\nRendez-vous au « {stand} ».\n"
        f"Votre code d'invitation : {codes.display_code(inv.code)} (à présenter à l'entrée et au stand).\n\n"
        f"Merci de nous dire si vous viendrez : {url}\n\n"
        + (f"Une question ? {fete.contact}\n" if fete.contact else "")
    )
    text = (
        f"{fete.name} {when} {info.place}. Code {codes.display_code(inv.code)} "
        f"(entrée et « {stand} »). Réponse : {url}"
    )
    return subject, body, text


@handler("fete_invitations", may_download=can_manage_fete)
def send_invitations(job: Job, progress: Progress) -> None:
    membership = (
        Membership.objects.active()
        .select_related("organisation", "user")
        .filter(user=job.created_by, organisation=job.organisation)
        .first()
    )
    if membership is None or not can_manage_fete(membership):
        raise PermissionError("L'auteur·rice de l'envoi n'organise plus la Fête.")
    fete = Fete.objects.select_related("edition").get(pk=job.params["fete"])
    channels = set(job.params.get("channels", ["letter", "email", "sms"]))
    resend = bool(job.params.get("resend"))
    base = job.params.get("base_url") or settings.PUBLIC_BASE_URL or "http://127.0.0.1:8000"
    services.invitations_generate(actor=membership, fete=fete)
    stands = dict(Stand.objects.filter(fete=fete, commune__isnull=False).values_list("commune_id", "name"))
    total = Invitation.objects.filter(fete=fete).count()
    steps = total * (("letter" in channels) + bool(channels & {"email", "sms"})) or 1
    done = 0
    if "letter" in channels:
        with tempfile.TemporaryFile() as tmp:
            letters.render(
                fete_info(fete), _letters(fete, stands, base, progress, lambda: done, steps), output=tmp
            )
            tmp.seek(0)
            name = f"invitations-fete-{fete.edition.year}-{timezone.localtime():%Y%m%d-%H%M}.pdf"
            job.result_file.save(f"{job.pk}.pdf", File(tmp), save=False)
            Job.objects.filter(pk=job.pk).update(result_file=job.result_file.name, result_name=name)
        Invitation.objects.filter(fete=fete).update(letter_status=Delivery.SENT)
        done += total
    if channels & {"email", "sms"}:
        backend = sms.get_backend() if "sms" in channels else None
        connection = mail.get_connection() if "email" in channels else None
        last = 0
        while True:
            batch = list(invitations_page(fete).filter(pk__gt=last)[:BATCH])
            if not batch:
                break
            messages, updates = [], []
            contactable = with_consent({inv.household_id for inv in batch}, ConsentScope.CONTACT)
            for inv in batch:
                stand = stands.get(inv.commune_id, "Accueil et information")
                subject, body, text = _message(fete, inv, rsvp_url(base, inv.code), stand)
                allowed = inv.household_id in contactable
                if "email" in channels and (resend or inv.email_status != Delivery.SENT):
                    if not allowed:
                        inv.email_status = Delivery.NO_CONSENT
                    elif inv.household.email:
                        messages.append(mail.EmailMessage(subject, body, to=[inv.household.email]))
                        inv.email_status = Delivery.SENT
                        inv.sent_at = timezone.now()
                    else:
                        inv.email_status = Delivery.NO_ADDRESS
                if "sms" in channels and (resend or inv.sms_status != Delivery.SENT):
                    if not allowed:
                        inv.sms_status = Delivery.NO_CONSENT
                    elif not inv.household.phone:
                        inv.sms_status = Delivery.NO_ADDRESS
                    else:
                        result = sms.send_sms(inv.household.phone, text, backend)
                        inv.sms_status = Delivery.SENT if result.ok else Delivery.FAILED
                        inv.sent_at = timezone.now()
                updates.append(inv)
            if messages and connection is not None:
                try:
                    connection.send_messages(messages)
                except Exception:  # any failure: the batch's e-mails are recorded as failed
                    for inv in updates:
                        if inv.email_status == Delivery.SENT:
                            inv.email_status = Delivery.FAILED
            Invitation.objects.bulk_update(updates, ["email_status", "sms_status", "sent_at"])
            last = batch[-1].pk
            done += len(batch)
            progress.update(
                done, steps, f"{done - (total if 'letter' in channels else 0)} envoi(s) sur {total}"
            )
    Job.objects.filter(pk=job.pk).update(result_url=reverse("fete_invitations"))


def _letters(fete, stands, base, progress, done_before, steps):
    last, count = 0, 0
    while True:
        batch = list(invitations_page(fete).filter(pk__gt=last)[:BATCH])
        if not batch:
            return
        names = addressees(inv.household_id for inv in batch)
        for inv in batch:
            yield letter_for(inv, stands, base, names.get(inv.household_id, ""))
        last = batch[-1].pk
        count += len(batch)
        progress.update(done_before() + count, steps, f"{count} courrier(s) préparé(s)")
