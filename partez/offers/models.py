"""Hosting offers: the BSV catalogue and the weeks donated to « Je pars, tu pars, il part ».

A :class:`Site` (a holiday village, a campsite, a residence: where it is, whether it is
accessible and reachable without a car) belongs to a host organisation; it offers
:class:`Offer` rows, one unit for one :class:`Period` each (a week of the spring, summer,
Toussaint or Christmas holidays, or any BSV stay of at most 7 nights). A porteur de projet puts
an option on an offer for a household (:class:`Booking`), confirms or releases it; an option
expires. Two limits hold under concurrency, both checked under the site's row lock
(``services.booking_create``): an offer is never booked twice (also a partial unique
constraint), and a site never receives more than N families a period, every porteur together
(the social-mix rule, N a dated parameter in ``parameters.yaml``).

The families asking for a donated week or a BSV stay are :class:`Candidate` rows (what the
matcher needs: people, accessibility, periods, car, first departure, sites to avoid);
:class:`MatchRun` / :class:`Proposal` are a matching to review, accept or refuse, then apply.
In-kind aid only: a donated week or a solidarity price, never euros paid to anyone.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class OfferKind(models.TextChoices):
    BSV = "bsv", "Bourse Solidarité Vacances"
    DONATED = "donated", "Semaine donnée (Je pars, tu pars, il part)"


class UnitKind(models.TextChoices):
    MOBILE_HOME = "mobile_home", "Mobil-home"
    CHALET = "chalet", "Chalet"
    APARTMENT = "apartment", "Appartement"
    GITE = "gite", "Gîte"
    ROOM = "room", "Chambre (pension complète)"
    PITCH = "pitch", "Emplacement de camping"


class Site(models.Model):
    host = models.ForeignKey(
        "organisations.Organisation",
        verbose_name="hébergeur",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="offer_sites",
        help_text="L'organisation qui accueille : ses membres voient et modifient ses offres et ses arrivées.",
    )
    name = models.CharField("nom du site", max_length=150)
    address = models.CharField("adresse", max_length=250, blank=True)
    commune = models.CharField("commune", max_length=120)
    department = models.CharField("département", max_length=3)
    latitude = models.DecimalField("latitude", max_digits=8, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField("longitude", max_digits=8, decimal_places=5, null=True, blank=True)
    accessible = models.BooleanField("site accessible (PMR)", default=False)
    reachable_without_car = models.BooleanField(
        "joignable sans voiture (train ou car)",
        default=False,
        help_text="Décochée : le site n'est joignable qu'en voiture.",
    )
    access_notes = models.CharField("comment s'y rendre", max_length=300, blank=True)

    class Meta:
        verbose_name = "site d'accueil"
        verbose_name_plural = "sites d'accueil"
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["name", "commune"], name="offer_site_unique")]

    def __str__(self) -> str:
        return f"{self.name} ({self.commune})"


class Period(models.Model):
    """A period offers are given for (a week of school holidays, a BSV stay's dates). The
    social-mix rule counts the families of a site in one period."""

    edition = models.ForeignKey("territory.Edition", verbose_name="édition", on_delete=models.PROTECT)
    code = models.SlugField("code", max_length=40)
    label = models.CharField("libellé", max_length=120)
    start_date = models.DateField("arrivée")
    end_date = models.DateField("départ")
    school_holidays = models.BooleanField("vacances scolaires", default=False)

    class Meta:
        verbose_name = "période"
        ordering = ["start_date", "end_date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "code"], name="offer_period_code_unique"),
            models.CheckConstraint(
                condition=Q(end_date__gt=models.F("start_date")), name="offer_period_dates"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def nights(self) -> int:
        return (self.end_date - self.start_date).days


class Offer(models.Model):
    reference = models.CharField("référence", max_length=20, unique=True)
    kind = models.CharField("type d'offre", max_length=8, choices=OfferKind.choices)
    site = models.ForeignKey(Site, verbose_name="site", on_delete=models.PROTECT, related_name="offers")
    period = models.ForeignKey(
        Period, verbose_name="période", on_delete=models.PROTECT, related_name="offers"
    )
    unit_kind = models.CharField("hébergement", max_length=12, choices=UnitKind.choices)
    beds = models.PositiveSmallIntegerField("lits")
    accessible = models.BooleanField("hébergement accessible (PMR)", default=False)
    public_price_cents = models.PositiveIntegerField("prix public (centimes)", default=0)
    # BSV: the price the household pays (30–70 % under the public price); donated: null (free).
    solidarity_price_cents = models.PositiveIntegerField("prix solidaire (centimes)", null=True, blank=True)
    conditions = models.CharField("conditions", max_length=500, blank=True)
    option_days = models.PositiveSmallIntegerField("durée d'une option (jours)", default=10)
    withdrawn = models.BooleanField("retirée du catalogue", default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "offre d'hébergement"
        verbose_name_plural = "offres d'hébergement"
        ordering = ["period__start_date", "site__name", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(beds__gte=1), name="offer_beds_positive"),
            models.CheckConstraint(condition=Q(option_days__gte=1), name="offer_option_days_positive"),
            models.CheckConstraint(
                condition=Q(kind="donated", solidarity_price_cents__isnull=True)
                | Q(kind="bsv", solidarity_price_cents__isnull=False),
                name="offer_price_by_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} — {self.site.name}"

    @property
    def car_needed(self) -> bool:
        return not self.site.reachable_without_car

    @property
    def price_cents(self) -> int:
        """What the household pays for the stay (a donated week: nothing)."""
        return self.solidarity_price_cents or 0

    @property
    def discount_cents(self) -> int:
        """The in-kind aid: the public price less what the household pays."""
        return max(self.public_price_cents - self.price_cents, 0)


class BookingStatus(models.TextChoices):
    OPTION = "option", "Option posée"
    CONFIRMED = "confirmed", "Confirmée"
    ARRIVED = "arrived", "Arrivée"
    NO_SHOW = "no_show", "Absente"
    RELEASED = "released", "Libérée"
    EXPIRED = "expired", "Option expirée"


# A booking in one of these holds its offer and counts in its site's social mix.
HOLDING = (BookingStatus.OPTION, BookingStatus.CONFIRMED, BookingStatus.ARRIVED, BookingStatus.NO_SHOW)


class Booking(models.Model):
    reference = models.CharField("référence", max_length=20, unique=True)
    offer = models.ForeignKey(Offer, on_delete=models.PROTECT, related_name="bookings")
    household = models.ForeignKey("households.Household", on_delete=models.PROTECT, related_name="bookings")
    project = models.ForeignKey(
        "projects.Project", null=True, blank=True, on_delete=models.SET_NULL, related_name="bookings"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name="structure porteuse",
        on_delete=models.PROTECT,
        related_name="offer_bookings",
    )
    status = models.CharField(
        "statut", max_length=10, choices=BookingStatus.choices, default=BookingStatus.OPTION
    )
    people = models.PositiveSmallIntegerField("personnes")
    needs_accessible = models.BooleanField("besoin d'accessibilité", default=False)
    option_expires_at = models.DateTimeField("option valable jusqu'au", null=True, blank=True)
    nonce = models.CharField(max_length=64, blank=True)
    reason = models.CharField("motif", max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "réservation"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["offer"], condition=Q(status__in=HOLDING), name="booking_one_per_offer"
            ),
            models.UniqueConstraint(
                fields=["organisation", "nonce"], condition=~Q(nonce=""), name="booking_nonce_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"Réservation {self.reference}"


class Candidate(models.Model):
    """A family asking for a donated week or a BSV stay: what the matcher needs to know."""

    project = models.OneToOneField(
        "projects.Project", on_delete=models.CASCADE, related_name="offer_candidate"
    )
    people = models.PositiveSmallIntegerField("personnes")
    needs_accessible = models.BooleanField("besoin d'un hébergement accessible", default=False)
    has_car = models.BooleanField("a une voiture", default=False)
    first_departure = models.BooleanField("premier départ", default=False)
    periods = models.ManyToManyField(Period, verbose_name="périodes possibles", related_name="candidates")
    excluded_sites = models.ManyToManyField(Site, verbose_name="sites à éviter", blank=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "famille candidate"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"Candidate {self.project_id}"


class MatchStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposée"
    APPLIED = "applied", "Appliquée"
    SUPERSEDED = "superseded", "Remplacée"


class MatchRun(models.Model):
    edition = models.ForeignKey("territory.Edition", on_delete=models.PROTECT, related_name="offer_matchings")
    job = models.ForeignKey("jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=10, choices=MatchStatus.choices, default=MatchStatus.PROPOSED)
    max_families = models.PositiveSmallIntegerField("familles au plus par site et période")
    results = models.JSONField(default=dict, blank=True)  # each method's figures
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "attribution des offres"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Attribution n° {self.pk}"


class Decision(models.TextChoices):
    PENDING = "pending", "À examiner"
    ACCEPTED = "accepted", "Acceptée"
    REFUSED = "refused", "Refusée"


class Proposal(models.Model):
    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="proposals")
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="proposals")
    offer = models.ForeignKey(
        Offer, null=True, blank=True, on_delete=models.PROTECT, related_name="proposals"
    )
    explanation = models.CharField("pourquoi", max_length=400)
    decision = models.CharField(max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decision_reason = models.CharField("motif", max_length=300, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    booking = models.ForeignKey(Booking, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    outcome = models.CharField("résultat de l'application", max_length=300, blank=True)

    class Meta:
        verbose_name = "proposition"
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["run", "candidate"], name="proposal_unique")]

    def __str__(self) -> str:
        return f"Proposition {self.pk}"
