from django.db import models


class Commune(models.Model):
    """A commune of the territory (INSEE code, municipal population, boundary as GeoJSON)."""

    insee_code = models.CharField("code INSEE", max_length=5, unique=True)
    name = models.CharField("nom", max_length=120)
    postcode = models.CharField("code postal", max_length=5, blank=True)
    town_hall_address = models.CharField("adresse de la mairie", max_length=250, blank=True)
    town_hall_phone = models.CharField("téléphone de la mairie", max_length=20, blank=True)
    population = models.PositiveIntegerField("population municipale")
    epci_code = models.CharField("code SIREN de l'EPCI", max_length=9, blank=True)
    geometry = models.JSONField("contour (GeoJSON)", null=True, blank=True)

    class Meta:
        verbose_name = "commune"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Edition(models.Model):
    """One yearly campaign of the operation."""

    year = models.PositiveSmallIntegerField("année", unique=True)
    name = models.CharField("nom", max_length=160)
    starts_on = models.DateField("début")
    ends_on = models.DateField("fin")
    # « 10 000 départs »: the people the edition aims to send on holiday (each traveller counts)
    departures_target = models.PositiveIntegerField("objectif de départs (personnes)", null=True, blank=True)
    communes = models.ManyToManyField(Commune, verbose_name="communes participantes", related_name="editions")

    class Meta:
        verbose_name = "édition"
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="edition_dates_ordered"
            )
        ]

    def __str__(self) -> str:
        return self.name


class MilestoneKind(models.TextChoices):
    REGISTRATION_OPENS = "registration_opens", "Ouverture des inscriptions"
    REGISTRATION_CLOSES = "registration_closes", "Clôture des inscriptions"
    COMMISSION = "commission", "Commission d'attribution"
    FETE = "fete", "Fête des vacances"
    DEPARTURES_START = "departures_start", "Premiers départs"
    DEPARTURES_END = "departures_end", "Derniers retours"
    REPORTS_DUE = "reports_due", "Bilans dus aux financeurs"
    OTHER = "other", "Autre étape"


class Milestone(models.Model):
    """A dated step of an edition, planned and (once it happened) actual."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="milestones")
    kind = models.CharField("étape", max_length=32, choices=MilestoneKind.choices)
    label = models.CharField("libellé", max_length=160, blank=True)
    planned_on = models.DateField("date prévue")
    actual_on = models.DateField("date réelle", null=True, blank=True)
    # A report deadline of one funder (empty: every funder, or not a report deadline).
    funder = models.ForeignKey(
        "organisations.Organisation",
        verbose_name="financeur",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": "funder"},
    )

    class Meta:
        verbose_name = "étape"
        ordering = ["planned_on", "id"]

    def __str__(self) -> str:
        return self.label or self.get_kind_display()
