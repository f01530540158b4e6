"""The families' own space: how a household gets in (``FamilyAccess``), what it sends
(``FamilyDocument``), what it is asked to choose (``Proposal``) and what it tells afterwards
(``Story``, ``StoryPhoto``).

A family has no account and no password: a professional gives the household an access — a link
by SMS or e-mail, or a short code printed on a letter — that expires and can be revoked. Only
the SHA-256 of the link's token and of the code are stored (like ``organisations.ApiToken``).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from partez.households.models import Household, Person
from partez.organisations.models import Organisation
from partez.projects.models import ChecklistItem, Project


class Channel(models.TextChoices):
    SMS = "sms", "SMS"
    EMAIL = "email", "E-mail"
    LETTER = "letter", "Courrier (code à taper)"
    LINK = "link", "Lien donné par l'équipe technique (manage.py family_link)"


class FamilyAccess(models.Model):
    """One way into a household's space, given by a professional; used until it expires or is
    revoked. ``recipient`` is the number or address it was sent to, masked (« 06 •• •• •• 78 »)."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="family_accesses")
    person = models.ForeignKey(
        Person,
        verbose_name="personne qui utilise l'espace",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    channel = models.CharField("envoi", max_length=8, choices=Channel.choices)
    recipient = models.CharField("envoyé à", max_length=80, blank=True)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    code_hash = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    # None: given by the operations (``manage.py family_link``), not from the household page
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    expires_at = models.DateTimeField("expire le")
    revoked_at = models.DateTimeField("retiré le", null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_used_at = models.DateTimeField("dernière visite", null=True, blank=True)
    uses = models.PositiveIntegerField("visites", default=0)
    delivery_error = models.CharField("erreur d'envoi", max_length=200, blank=True)
    # the number the family calls with a question (the professional's office), shown in the space
    contact_phone = models.CharField("numéro à appeler", max_length=20, blank=True)

    class Meta:
        verbose_name = "accès à l'espace famille"
        verbose_name_plural = "accès à l'espace famille"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["household", "created_at"], name="family_access_household_idx")]

    def __str__(self) -> str:
        return f"Accès {self.get_channel_display()} du foyer {self.household_id}"

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


def _private_name(prefix: str, filename: str) -> str:
    """A random stored name under ``family/``: nothing of the original name (which may carry a
    person's name) reaches the disk; the extension is the checked type's."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"family/{prefix}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{extension}"


def document_path(instance: FamilyDocument, filename: str) -> str:
    return _private_name("documents", filename)


def photo_path(instance: StoryPhoto, filename: str) -> str:
    return _private_name("stories", filename)


class FamilyDocument(models.Model):
    """A document sent by the family from its phone (a photo or a PDF), for one item of the
    project's checklist. Served only to the household and to the professionals who see the file."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="family_documents")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="family_documents")
    item = models.ForeignKey(
        ChecklistItem,
        verbose_name="pièce",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="family_documents",
    )
    file = models.FileField(upload_to=document_path)
    name = models.CharField("nom du fichier", max_length=120)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField("taille (octets)")
    uploaded_at = models.DateTimeField("envoyé le", auto_now_add=True)
    access = models.ForeignKey(FamilyAccess, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "document envoyé par la famille"
        verbose_name_plural = "documents envoyés par les familles"
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return self.name


class ProposalKind(models.TextChoices):
    DATES = "dates", "Des dates"
    DESTINATION = "destination", "Un lieu de vacances"
    WEEK = "week", "Une semaine au camping"
    OFFER = "offer", "Une semaine offerte"
    OTHER = "other", "Autre choix"


class Answer(models.TextChoices):
    NONE = "", "Pas encore de réponse"
    ACCEPTED = "accepted", "Oui"
    REFUSED = "refused", "Non"


class Proposal(models.Model):
    """Something the referent proposes and the family answers, yes or no (with a reason), before
    a deadline: dates, a destination, a camping week, a donated week. The offers issue's BSV and
    donated weeks reach the family through the same model (``kind=offer``)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="family_proposals")
    kind = models.CharField("sujet", max_length=12, choices=ProposalKind.choices)
    text = models.CharField("proposition", max_length=300)
    answer_by = models.DateField("réponse attendue avant le")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("proposé le", auto_now_add=True)
    answer = models.CharField("réponse", max_length=10, choices=Answer.choices, blank=True)
    reason = models.CharField("raison", max_length=300, blank=True)
    answered_at = models.DateTimeField("répondu le", null=True, blank=True)

    class Meta:
        verbose_name = "proposition à la famille"
        verbose_name_plural = "propositions aux familles"
        ordering = ["answer_by", "id"]

    def __str__(self) -> str:
        return self.text[:60]


class NameShown(models.TextChoices):
    FIRST_NAME = "first_name", "Avec notre prénom"
    NONE = "none", "Sans nom"


class Moderation(models.TextChoices):
    PENDING = "pending", "À relire"
    APPROVED = "approved", "Publié"
    REJECTED = "rejected", "Non publié"


class Story(models.Model):
    """The family's own words about its holiday, after the return. Published only with the
    household's agreement (``share_agreed_at``, withdrawable: ``share_withdrawn_at``) — a consent
    the family gives itself in its space, separate from the file's consents — and after the
    coordination reads it (``moderation``)."""

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="family_story")
    text = models.TextField("récit", max_length=2000)
    created_at = models.DateTimeField("écrit le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)
    share_agreed_at = models.DateTimeField("accord pour publier le", null=True, blank=True)
    share_withdrawn_at = models.DateTimeField("accord retiré le", null=True, blank=True)
    name_shown = models.CharField(
        "nom affiché", max_length=10, choices=NameShown.choices, default=NameShown.NONE
    )
    moderation = models.CharField(max_length=10, choices=Moderation.choices, default=Moderation.PENDING)

    class Meta:
        verbose_name = "récit de vacances"
        verbose_name_plural = "récits de vacances"
        constraints = [
            models.CheckConstraint(
                condition=Q(share_withdrawn_at__isnull=True) | Q(share_agreed_at__isnull=False),
                name="story_withdrawn_after_agreed",
            )
        ]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def may_be_published(self) -> bool:
        return self.share_agreed_at is not None and self.share_withdrawn_at is None


class StoryPhoto(models.Model):
    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(upload_to=photo_path)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField("taille (octets)")
    uploaded_at = models.DateTimeField("envoyée le", auto_now_add=True)

    class Meta:
        verbose_name = "photo d'un récit"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"Photo {self.pk}"


class Wish(models.Model):
    """The family's own ideas for its project, in its words, before the project is decided: when
    it would like to leave, where, with whom (another family of the séjour commun, say)."""

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="family_wish")
    when = models.CharField("quand", max_length=200, blank=True)
    where = models.CharField("où", max_length=200, blank=True)
    with_whom = models.CharField("avec qui", max_length=200, blank=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        verbose_name = "idées de la famille"
        verbose_name_plural = "idées des familles"

    def __str__(self) -> str:
        return f"Idées pour le projet {self.project_id}"


class OneTimeCode(models.Model):
    """A code sent by SMS to the household's mobile when the family asks for one (it lost its
    link): it opens the household's latest SMS access once, within minutes, in a few tries. Only
    hashes are stored: the number's (to find it again) and the code's."""

    access = models.ForeignKey(FamilyAccess, on_delete=models.CASCADE, related_name="one_time_codes")
    phone_hash = models.CharField(max_length=64, db_index=True)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    tries = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "code à usage unique"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Code à usage unique {self.pk}"
