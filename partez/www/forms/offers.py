"""Forms of the hosting offers: the catalogue's filters, an offer, a booking, a decision."""

from __future__ import annotations

from django import forms

from partez.core.text import MONTHS
from partez.offers import selectors
from partez.offers.models import OfferKind, Period, Site, UnitKind

from .fields import EurosField, euros_to_cents

YES = [("", "Indifférent"), ("1", "Oui")]


class CatalogueForm(forms.Form):
    kind = forms.ChoiceField(
        label="Type d'offre", required=False, choices=[("", "Toutes"), *OfferKind.choices]
    )
    period = forms.ModelChoiceField(
        label="Période", required=False, queryset=Period.objects.order_by("start_date"), empty_label="Toutes"
    )
    month = forms.TypedChoiceField(
        label="Mois d'arrivée",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "Tous"), *((str(i), name.capitalize()) for i, name in enumerate(MONTHS, start=1))],
    )
    department = forms.CharField(label="Département", required=False, max_length=3)
    beds = forms.IntegerField(label="Personnes (lits au moins)", required=False, min_value=1, max_value=30)
    without_car = forms.BooleanField(label="Sans voiture (train ou car)", required=False)
    accessible = forms.BooleanField(label="Accessible (PMR)", required=False)
    max_price = EurosField(label="Prix payé par la famille, au plus (€)", required=False)
    free = forms.BooleanField(label="Seulement les offres libres", required=False)

    def filters(self) -> selectors.Filters:
        cd = self.cleaned_data if self.is_valid() else {}
        period = cd.get("period")
        return selectors.Filters(
            kind=cd.get("kind") or "",
            period=period.pk if period else None,
            month=cd.get("month"),
            department=(cd.get("department") or "").strip().upper(),
            beds=cd.get("beds"),
            accessible=bool(cd.get("accessible")),
            without_car=bool(cd.get("without_car")),
            max_price_cents=euros_to_cents(cd.get("max_price")),
            free_only=bool(cd.get("free")),
        )


class OfferForm(forms.Form):
    kind = forms.ChoiceField(label="Type d'offre", choices=OfferKind.choices)
    site = forms.ModelChoiceField(label="Site d'accueil", queryset=Site.objects.none())
    period = forms.ModelChoiceField(label="Période", queryset=Period.objects.order_by("start_date"))
    unit_kind = forms.ChoiceField(label="Hébergement", choices=UnitKind.choices)
    beds = forms.IntegerField(label="Lits", min_value=1, max_value=30)
    accessible = forms.BooleanField(label="Hébergement accessible (PMR)", required=False)
    public_price = EurosField(label="Prix public (€)", required=False)
    solidarity_price = EurosField(
        label="Prix solidaire BSV (€)",
        required=False,
        help_text="Ce que paie la famille ; vide pour une semaine donnée.",
    )
    conditions = forms.CharField(
        label="Conditions", required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )
    option_days = forms.IntegerField(
        label="Durée d'une option (jours)", required=False, min_value=1, max_value=60
    )
    withdrawn = forms.BooleanField(label="Retirer du catalogue", required=False)

    def __init__(self, *args, sites=None, **kwargs):
        super().__init__(*args, **kwargs)
        if sites is not None:
            self.fields["site"].queryset = sites


FIELD_MAP = {"public_price_cents": "public_price", "solidarity_price_cents": "solidarity_price"}


class BookingForm(forms.Form):
    household = forms.CharField(
        label="Référence du foyer",
        max_length=20,
        help_text="Par exemple F-AB12CD : elle figure en haut du dossier du foyer.",
    )
    nonce = forms.CharField(widget=forms.HiddenInput, max_length=64)


class ReleaseForm(forms.Form):
    reason = forms.CharField(label="Motif", required=False, max_length=300)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", "Accepter"), ("refuse", "Refuser")])
    reason = forms.CharField(label="Motif (obligatoire pour refuser)", required=False, max_length=300)


class CandidateForm(forms.Form):
    periods = forms.ModelMultipleChoiceField(
        label="Périodes où la famille peut partir",
        queryset=Period.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="Avec des enfants scolarisés : les vacances scolaires seulement.",
    )
    has_car = forms.BooleanField(label="La famille a une voiture", required=False)
    needs_accessible = forms.BooleanField(
        label="Besoin d'un hébergement accessible (PMR)",
        required=False,
        help_text="Coché d'office si une personne qui part est en situation de handicap.",
    )
    excluded_sites = forms.ModelMultipleChoiceField(
        label="Sites à éviter", queryset=Site.objects.order_by("name"), required=False
    )

    def __init__(self, *args, edition_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["periods"].queryset = Period.objects.filter(edition_id=edition_id).order_by("start_date")


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Fichier du catalogue (CSV ou XLSX)",
        help_text="Une ligne par offre ; la première ligne donne les noms des colonnes.",
    )


class SiteForm(forms.Form):
    name = forms.CharField(label="Nom du site", max_length=150)
    address = forms.CharField(label="Adresse", max_length=250, required=False)
    commune = forms.CharField(label="Commune", max_length=120)
    department = forms.CharField(label="Département", max_length=3)
    latitude = forms.DecimalField(
        label="Latitude (si connue)", required=False, max_digits=8, decimal_places=5
    )
    longitude = forms.DecimalField(
        label="Longitude (si connue)", required=False, max_digits=8, decimal_places=5
    )
    accessible = forms.BooleanField(label="Site accessible (PMR)", required=False)
    reachable_without_car = forms.BooleanField(label="Joignable sans voiture (train ou car)", required=False)
    access_notes = forms.CharField(label="Comment s'y rendre", max_length=300, required=False)
