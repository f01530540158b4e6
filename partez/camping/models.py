"""The collective camping week (« séjour commun »): campsites, units, weeks, buses and the plan in force.

An edition's séjour commun has one :class:`CampingPlan` row: the bus settings, what the letters
say (what to bring, whom to call), the figures of the plan in force and a ``revision`` counter.
Every write to the placements (a plan saved, a manual move, a lock, a cancellation) takes that row
``select_for_update`` first and bumps the revision, so two coordinators never both fill the same
unit and week (also a unique constraint) nor both use the last places of a commune's quota, and a
plan computed in the background is not saved over a manual change made while it ran.

Participants are the households of validated projects of format « séjour commun »
(:func:`partez.camping.services.participants_sync` keeps the list up to date with the projects).
"""

from __future__ import annotations

from typing import Self

from django.conf import settings
from django.db import models
from django.db.models import Q

DEFAULT_WHAT_TO_BRING = (
    "Pièce d'identité de chaque adulte et carte Vitale\n"
    "Draps ou sacs de couchage, taies d'oreiller et serviettes de toilette\n"
    "Produits d'hygiène, médicaments habituels et ordonnances\n"
    "Vêtements de pluie, maillots de bain, crème solaire\n"
    "Cette convocation (à montrer au départ du car)"
)


class CampingPlan(models.Model):
    """The séjour commun of an edition: settings, the lock taken by every write, the plan's figures."""

    edition = models.OneToOneField(
        "territory.Edition", verbose_name="édition", on_delete=models.CASCADE, related_name="camping_plan"
    )
    bus_seats = models.PositiveSmallIntegerField("places par car", default=53)
    bus_max_stops = models.PositiveSmallIntegerField("arrêts au plus par car", default=3)
    minutes_between_stops = models.PositiveSmallIntegerField("minutes entre deux arrêts", default=20)
    contact_name = models.CharField("contact pendant le séjour", max_length=120, blank=True)
    contact_phone = models.CharField("téléphone du contact", max_length=20, blank=True)
    what_to_bring = models.TextField("à emporter (une ligne par objet)", default=DEFAULT_WHAT_TO_BRING)
    # Bumped by every write to the placements (optimistic check of the background plan).
    revision = models.PositiveIntegerField(default=0)
    # The figures of the plan in force (planner's stats, plus ``moved`` and who/when).
    stats = models.JSONField(default=dict, blank=True)
    planned_at = models.DateTimeField("planifié le", null=True, blank=True)
    planned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "séjour commun"
        verbose_name_plural = "séjours communs"
        constraints = [
            models.CheckConstraint(condition=Q(bus_seats__gte=1), name="camping_plan_seats_positive"),
            models.CheckConstraint(condition=Q(bus_max_stops__gte=1), name="camping_plan_stops_positive"),
        ]

    def __str__(self) -> str:
        return f"Séjour commun {self.edition.year}"


class Campsite(models.Model):
    edition = models.ForeignKey(
        "territory.Edition", verbose_name="édition", on_delete=models.CASCADE, related_name="campsites"
    )
    name = models.CharField("nom", max_length=120)
    town = models.CharField("ville", max_length=120)
    address = models.CharField("adresse", max_length=250, blank=True)
    phone = models.CharField("téléphone", max_length=20, blank=True)
    email = models.EmailField("e-mail", blank=True)
    host = models.ForeignKey(
        "organisations.Organisation",
        verbose_name="hébergeur",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="campsites",
        limit_choices_to={"kind": "host"},
        help_text="L'organisation qui gère le camping : ses membres voient les listes d'accueil.",
    )

    class Meta:
        verbose_name = "camping"
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["edition", "name"], name="campsite_name_unique")]

    def __str__(self) -> str:
        return self.name


class UnitKind(models.TextChoices):
    MOBILE_HOME = "mobile_home", "Mobil-home"
    CHALET = "chalet", "Chalet"
    TENT_PITCH = "tent_pitch", "Emplacement de tente"


class AccommodationUnit(models.Model):
    campsite = models.ForeignKey(Campsite, on_delete=models.CASCADE, related_name="units")
    label = models.CharField("nom ou numéro", max_length=40)
    kind = models.CharField("type", max_length=12, choices=UnitKind.choices, default=UnitKind.MOBILE_HOME)
    beds = models.PositiveSmallIntegerField("lits")
    accessible = models.BooleanField("accessible (PMR)", default=False)

    class Meta:
        verbose_name = "hébergement"
        ordering = ["campsite_id", "label", "id"]
        constraints = [
            models.UniqueConstraint(fields=["campsite", "label"], name="unit_label_unique"),
            models.CheckConstraint(condition=Q(beds__gte=1), name="unit_beds_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.label}"


class CampingWeek(models.Model):
    """A week (session) a campsite hosts the operation; weeks of different campsites that start
    the same day are the same week for the planner (the households choose a week, not a site)."""

    campsite = models.ForeignKey(Campsite, on_delete=models.CASCADE, related_name="weeks")
    starts_on = models.DateField("arrivée")
    ends_on = models.DateField("départ")

    class Meta:
        verbose_name = "semaine"
        ordering = ["starts_on", "campsite_id"]
        constraints = [
            models.UniqueConstraint(fields=["campsite", "starts_on"], name="week_start_unique"),
            models.CheckConstraint(condition=Q(ends_on__gt=models.F("starts_on")), name="week_dates_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.campsite} — semaine du {self.starts_on:%d/%m/%Y}"


class CommuneQuota(models.Model):
    """At most ``people`` people of a commune in the séjour commun (no row: no limit)."""

    edition = models.ForeignKey("territory.Edition", on_delete=models.CASCADE, related_name="camping_quotas")
    commune = models.ForeignKey("territory.Commune", on_delete=models.PROTECT, related_name="+")
    people = models.PositiveIntegerField("personnes au plus")

    class Meta:
        verbose_name = "quota communal (séjour commun)"
        verbose_name_plural = "quotas communaux (séjour commun)"
        constraints = [models.UniqueConstraint(fields=["edition", "commune"], name="camping_quota_unique")]

    def __str__(self) -> str:
        return f"{self.commune} : {self.people} personnes"


class PickupPoint(models.Model):
    """Where and when the buses pick a commune's households up, and bring them back."""

    edition = models.ForeignKey("territory.Edition", on_delete=models.CASCADE, related_name="pickup_points")
    commune = models.ForeignKey("territory.Commune", on_delete=models.PROTECT, related_name="+")
    place = models.CharField("lieu de rendez-vous", max_length=200)
    departure_time = models.TimeField("heure de départ")
    return_time = models.TimeField("heure de retour (arrivée)")

    class Meta:
        verbose_name = "point de ramassage"
        verbose_name_plural = "points de ramassage"
        ordering = ["commune__name"]
        constraints = [models.UniqueConstraint(fields=["edition", "commune"], name="pickup_point_unique")]

    def __str__(self) -> str:
        return f"{self.commune} — {self.place}"


class ParticipantQuerySet(models.QuerySet["Participant"]):
    def active(self) -> Self:
        return self.filter(cancelled_at__isnull=True)


class Participant(models.Model):
    """A household going to the séjour commun: the household of a validated camping project."""

    head_name = ""  # not a column: « NOM Prénom » of the household's head, set by selectors.board()
    wish_missed = ""  # not a column: the campsites asked for when placed elsewhere (selectors.board())

    edition = models.ForeignKey(
        "territory.Edition", on_delete=models.CASCADE, related_name="camping_participants"
    )
    project = models.OneToOneField(
        "projects.Project", on_delete=models.CASCADE, related_name="camping_participant"
    )
    household = models.ForeignKey("households.Household", on_delete=models.CASCADE, related_name="+")
    people = models.PositiveSmallIntegerField("personnes")
    needs_accessible = models.BooleanField("a besoin d'un hébergement accessible", default=False)
    allowed_weeks = models.JSONField("semaines possibles", default=list, blank=True)  # ISO dates
    preferred_campsites = models.ManyToManyField(Campsite, blank=True, related_name="+")
    companions = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="+", verbose_name="souhaite partir avec"
    )
    unplaced_reason = models.CharField("raison (non placé)", max_length=300, blank=True)
    cancelled_at = models.DateTimeField("annulé le", null=True, blank=True)
    cancel_reason = models.CharField("motif d'annulation", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        verbose_name = "participant·e (foyer)"
        verbose_name_plural = "participant·es (foyers)"
        ordering = ["household__reference"]
        constraints = [models.CheckConstraint(condition=Q(people__gte=1), name="participant_people_positive")]

    def __str__(self) -> str:
        return f"Foyer {self.household.reference}"


class Placement(models.Model):
    """A participant in a unit for a week: the plan in force. One per participant, one per unit-week."""

    edition = models.ForeignKey("territory.Edition", on_delete=models.CASCADE, related_name="+")
    participant = models.OneToOneField(Participant, on_delete=models.CASCADE, related_name="placement")
    unit = models.ForeignKey(AccommodationUnit, on_delete=models.RESTRICT, related_name="placements")
    week = models.ForeignKey(CampingWeek, on_delete=models.RESTRICT, related_name="placements")
    trip = models.ForeignKey(
        "BusTrip", null=True, blank=True, on_delete=models.SET_NULL, related_name="placements"
    )
    locked = models.BooleanField("verrouillé", default=False)
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    placed_at = models.DateTimeField("placé le", auto_now_add=True)
    manual = models.BooleanField("placé à la main", default=False)

    class Meta:
        verbose_name = "place"
        constraints = [models.UniqueConstraint(fields=["unit", "week"], name="placement_unit_week_unique")]

    def __str__(self) -> str:
        return f"{self.participant} → {self.unit} ({self.week.starts_on:%d/%m/%Y})"


class BusTrip(models.Model):
    """A bus from the communes to one campsite for one week (and back), with its stops in order."""

    edition = models.ForeignKey("territory.Edition", on_delete=models.CASCADE, related_name="+")
    week = models.ForeignKey(CampingWeek, on_delete=models.CASCADE, related_name="trips")
    number = models.PositiveSmallIntegerField("car n°")
    passengers = models.PositiveSmallIntegerField("passagers")

    class Meta:
        verbose_name = "car"
        ordering = ["week__starts_on", "week__campsite__name", "number"]
        constraints = [models.UniqueConstraint(fields=["week", "number"], name="trip_number_unique")]

    def __str__(self) -> str:
        return f"Car {self.number} — {self.week}"


class BusStop(models.Model):
    trip = models.ForeignKey(BusTrip, on_delete=models.CASCADE, related_name="stops")
    order = models.PositiveSmallIntegerField("ordre")
    commune = models.ForeignKey("territory.Commune", on_delete=models.PROTECT, related_name="+")
    place = models.CharField("lieu", max_length=200, blank=True)
    departure_time = models.TimeField("départ", null=True, blank=True)
    return_time = models.TimeField("retour", null=True, blank=True)

    class Meta:
        verbose_name = "arrêt"
        ordering = ["trip_id", "order"]
        constraints = [models.UniqueConstraint(fields=["trip", "order"], name="stop_order_unique")]

    def __str__(self) -> str:
        return f"{self.order}. {self.commune}"
