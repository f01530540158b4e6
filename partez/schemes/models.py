"""Schemes (dispositifs) and their rule definitions, versioned.

The definition is data (see ``definition.py`` for its schema and ``catalogue/`` for the shipped
schemes). Every saved change creates an immutable ``SchemeVersion``: a financing plan records the
versions it was computed with, so it can always be explained later.
"""

from django.conf import settings
from django.db import models


class Channel(models.TextChoices):
    CHEQUES = "cheques", "Chèques-vacances"
    HOST_PAYMENT = "host_payment", "Paiement à l'hébergeur"
    REDUCED_PRICE = "reduced_price", "Tarif réduit"
    IN_KIND = "in_kind", "Place ou séjour en nature"
    BOURSE = "bourse", "Bourse"


class Scope(models.TextChoices):
    NATIONAL = "national", "National (sans condition d'édition)"
    LOCAL = "local", "Local (communes participant à l'édition)"


class Scheme(models.Model):
    slug = models.SlugField("identifiant", max_length=60, unique=True)
    name = models.CharField("nom", max_length=120)
    funder = models.ForeignKey(
        "organisations.Organisation",
        verbose_name="financeur",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="schemes",
    )
    channel = models.CharField("mode de versement", max_length=16, choices=Channel.choices)
    scope = models.CharField("portée", max_length=10, choices=Scope.choices)
    is_active = models.BooleanField("actif", default=True)
    # The current definition (a copy of the latest version's), as validated by definition.parse.
    definition = models.JSONField("définition")
    version = models.PositiveIntegerField("version", default=1)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        verbose_name = "dispositif"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SchemeVersion(models.Model):
    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField("version")
    definition = models.JSONField("définition")
    comment = models.CharField("motif de la modification", max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("créée le", auto_now_add=True)

    class Meta:
        verbose_name = "version d'un dispositif"
        ordering = ["scheme_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "number"], name="scheme_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.scheme} v{self.number}"
