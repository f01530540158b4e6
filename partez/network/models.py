"""The network's rows.

Trainings: a :class:`Training` of the catalogue has :class:`TrainingSession` s (date, place or video
link, trainer, capacity, audience), each with the door's :class:`~partez.attendance.models.Roster`;
a :class:`Registration` is one professional on one session, confirmed or on the waitlist (its order
is the order of ``pk``, given under the session's row lock), cancelled, and present once checked in
at the door. A professional is *trained* in a training's ``skill`` when present at one of its
sessions (:func:`partez.network.selectors.trained_professionals`).

Events (the colloque): an :class:`Event` with its programme (:class:`ProgrammeItem`) and its
:class:`EventRegistration` s, a professional's or, when the event is public, anyone's with an e-mail.

The library: a :class:`Resource` (a document or a link) whose files are :class:`ResourceVersion` s
(a new one replaces the shown one; the old ones stay). ``search_text`` is the resource's words
lower-cased and without accents, which both search engines read.

The directory and the digest: a :class:`Profile` per person (opt-in to appear, the contact shown,
the announcements digest chosen); an :class:`Announcement` goes to a segment (roles, communes) and
an :class:`AnnouncementRead` is one person's read receipt.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Skill(models.TextChoices):
    """What a training qualifies for (read by other apps' rules through ``trained_professionals``)."""

    SAC_ADOS = "sac_ados", "Structure relais Sac Ados"
    FIRST_DEPARTURE = "first_departure", "Accompagnement d'un premier départ"
    BUDGET = "budget", "Budget vacances avec les familles"
    TOOL = "partez", "Utilisation de partez"


class Training(models.Model):
    title = models.CharField("intitulé", max_length=200)
    summary = models.TextField("présentation", blank=True)
    skill = models.CharField("compétence acquise", max_length=30, choices=Skill.choices, blank=True)
    duration_hours = models.PositiveSmallIntegerField("durée (heures)", default=3)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title"]
        verbose_name = "formation"

    def __str__(self) -> str:
        return self.title


class TrainingSession(models.Model):
    training = models.ForeignKey(Training, on_delete=models.PROTECT, related_name="sessions")
    starts_at = models.DateTimeField("début")
    ends_at = models.DateTimeField("fin")
    place = models.CharField("lieu", max_length=200, blank=True)
    video_url = models.URLField("lien de visioconférence", blank=True)
    trainer = models.CharField("formateur·rice", max_length=120)
    capacity = models.PositiveIntegerField("places")
    # empty: every professional role; else the roles / organisation kinds the session is for
    audience_roles = models.JSONField("public (rôles)", default=list, blank=True)
    audience_kinds = models.JSONField("public (types d'organisation)", default=list, blank=True)
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name="organisée par"
    )
    roster = models.OneToOneField(
        "attendance.Roster", on_delete=models.PROTECT, related_name="training_session"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = "session de formation"
        constraints = [models.CheckConstraint(condition=Q(capacity__gte=1), name="session_capacity_positive")]

    def __str__(self) -> str:
        return f"{self.training} — {self.starts_at:%d/%m/%Y}"


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", "Inscrit·e"
    WAITLISTED = "waitlisted", "Sur liste d'attente"
    CANCELLED = "cancelled", "Annulée"


class Registration(models.Model):
    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="registrations")
    membership = models.ForeignKey("organisations.Membership", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=12, choices=RegistrationStatus.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    promoted_at = models.DateTimeField(null=True, blank=True)  # from the waitlist
    cancelled_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    present_at = models.DateTimeField(null=True, blank=True)
    # the short evaluation, after the session
    rating = models.PositiveSmallIntegerField("note", null=True, blank=True)
    comment = models.TextField("commentaire", blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = "inscription à une formation"
        constraints = [
            models.UniqueConstraint(
                fields=["session", "user"],
                condition=~Q(status="cancelled"),
                name="registration_one_live_per_person",
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="registration_rating_1_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.session}"


class Event(models.Model):
    title = models.CharField("intitulé", max_length=200)
    slug = models.SlugField("identifiant", max_length=80, unique=True)
    description = models.TextField("présentation", blank=True)
    starts_at = models.DateTimeField("début")
    ends_at = models.DateTimeField("fin")
    place = models.CharField("lieu", max_length=200)
    is_public = models.BooleanField("ouvert au public", default=False)
    capacity = models.PositiveIntegerField("places", null=True, blank=True)
    edition = models.ForeignKey(
        "territory.Edition", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    roster = models.OneToOneField("attendance.Roster", on_delete=models.PROTECT, related_name="network_event")

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = "événement"

    def __str__(self) -> str:
        return self.title


class ProgrammeItem(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="programme")
    starts_at = models.DateTimeField("début")
    title = models.CharField("intitulé", max_length=200)
    speakers = models.CharField("intervenant·es", max_length=300, blank=True)
    room = models.CharField("salle", max_length=100, blank=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = "séquence du programme"

    def __str__(self) -> str:
        return self.title


class EventRegistration(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField("nom", max_length=120)
    email = models.EmailField("adresse e-mail")
    structure = models.CharField("structure", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    present_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = "inscription à un événement"
        constraints = [
            models.UniqueConstraint(
                fields=["event", "email"],
                condition=Q(cancelled_at__isnull=True),
                name="event_one_live_per_email",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} — {self.event}"


class ResourceCategory(models.TextChoices):
    GUIDE = "guide", "Guide"
    TEMPLATE = "template", "Modèle de document"
    RULES = "rules", "Règles de l'édition"
    BUDGET = "budget", "Fiche budget"
    LETTER = "letter", "Courrier type"
    PRACTICE = "practice", "Fiche pratique"


class Visibility(models.TextChoices):
    PUBLIC = "public", "Public"
    PROFESSIONALS = "professionals", "Professionnel·les seulement"


class Resource(models.Model):
    title = models.CharField("titre", max_length=200)
    description = models.TextField("description", blank=True)
    category = models.CharField("catégorie", max_length=20, choices=ResourceCategory.choices)
    tags = models.JSONField("mots-clés", default=list, blank=True)
    url = models.URLField("lien", blank=True)  # a link; a document has versions instead
    edition = models.ForeignKey(
        "territory.Edition",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="édition concernée",
    )
    visibility = models.CharField("visibilité", max_length=20, choices=Visibility.choices)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(auto_now_add=True)
    validated_at = models.DateTimeField(null=True, blank=True)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    current = models.ForeignKey(
        "ResourceVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    search_text = models.TextField(blank=True, editable=False)

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = "ressource"

    def __str__(self) -> str:
        return self.title


class ResourceVersion(models.Model):
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField("version")
    file = models.FileField(upload_to="network/resources/%Y/")
    filename = models.CharField("nom du fichier", max_length=200)
    content_type = models.CharField(max_length=120)
    size = models.PositiveIntegerField("taille (octets)")
    note = models.CharField("ce qui change", max_length=300, blank=True)
    text = models.TextField(blank=True, editable=False)  # a text file's words, for the search
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        verbose_name = "version de ressource"
        constraints = [models.UniqueConstraint(fields=["resource", "number"], name="resource_version_unique")]

    def __str__(self) -> str:
        return f"{self.resource} v{self.number}"


class Digest(models.TextChoices):
    NONE = "none", "Jamais (je lis les annonces dans partez)"
    DAILY = "daily", "Chaque jour où il y a du nouveau"
    WEEKLY = "weekly", "Une fois par semaine"


class Profile(models.Model):
    """A person's choices for the network: appear in the directory (opt-in), the contact shown,
    what they do in their own words, the announcements digest."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="network_profile"
    )
    listed = models.BooleanField("apparaître dans l'annuaire", default=False)
    listed_at = models.DateTimeField(null=True, blank=True)
    job_title = models.CharField("fonction", max_length=120, blank=True)
    show_email = models.BooleanField("montrer mon adresse e-mail", default=False)
    show_phone = models.BooleanField("montrer mon téléphone", default=False)
    digest = models.CharField(
        "résumé des annonces par e-mail", max_length=10, choices=Digest.choices, default=Digest.WEEKLY
    )
    digest_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "profil réseau"

    def __str__(self) -> str:
        return str(self.user)


class Announcement(models.Model):
    title = models.CharField("titre", max_length=200)
    body = models.TextField("texte")
    # empty: everyone; else the roles, the communes (INSEE codes) and the schemes (the structures
    # that handle them this edition) it goes to
    roles = models.JSONField("rôles", default=list, blank=True)
    communes = models.JSONField("communes", default=list, blank=True)
    schemes = models.JSONField("dispositifs", default=list, blank=True)  # slugs: who handles them
    posted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    posted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-posted_at", "-pk"]
        verbose_name = "annonce"

    def __str__(self) -> str:
        return self.title


class AnnouncementRead(models.Model):
    announcement = models.ForeignKey(Announcement, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["announcement", "user"], name="announcement_read_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} a lu {self.announcement_id}"
