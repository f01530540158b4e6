"""The household pages' forms: the household, its members, consents, past departures, follow-ups and the list's search."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from partez.households.models import ConsentScope, EmploymentSituation, Relation, SchemeCode
from partez.organisations.models import Organisation
from partez.territory.selectors import commune_choices

from .fields import CommuneChoiceField, DateInput, EurosField
from .widgets import FastSelect


class HouseholdForm(forms.Form):
    commune = CommuneChoiceField(label="Commune de résidence")
    address = forms.CharField(label="Adresse", required=False, max_length=250)
    phone = forms.CharField(label="Téléphone", required=False, max_length=20)
    email = forms.EmailField(label="E-mail", required=False)
    caf_number = forms.CharField(label="N° allocataire CAF", required=False, max_length=20)
    annual_taxable_income = EurosField(
        label="Revenus imposables annuels après abattements (€)",
        initial=Decimal("0"),
        help_text="Tous les membres du foyer.",
    )
    monthly_family_benefits = EurosField(label="Prestations familiales mensuelles (€)", initial=Decimal("0"))
    rfr = EurosField(label="Revenu fiscal de référence (€)", required=False)
    tax_parts = forms.DecimalField(
        label="Parts fiscales", required=False, max_digits=4, decimal_places=2, min_value=1
    )
    is_taxable = forms.NullBooleanField(
        label="Imposable",
        required=False,
        widget=forms.Select(choices=[("unknown", "Non renseigné"), ("true", "Oui"), ("false", "Non")]),
    )


class PersonForm(forms.Form):
    first_name = forms.CharField(label="Prénom", max_length=80)
    last_name = forms.CharField(label="Nom", max_length=80)
    birth_date = forms.DateField(label="Date de naissance", widget=DateInput())
    relation = forms.ChoiceField(label="Lien", choices=Relation.choices, widget=FastSelect)
    employment = forms.ChoiceField(
        label="Situation", choices=EmploymentSituation.choices, initial="other", widget=FastSelect
    )
    has_disability = forms.BooleanField(label="Situation de handicap", required=False)


class BasePersonFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        filled = [f for f in self.forms if f.has_changed() and not self._should_delete_form(f)]
        if not filled:
            raise ValidationError("Ajoutez au moins une personne (le ou la demandeur·se).")


PersonFormSet = forms.formset_factory(PersonForm, formset=BasePersonFormSet, extra=0, min_num=1, max_num=15)


class ConsentForm(forms.Form):
    scopes = forms.MultipleChoiceField(
        label="Finalités acceptées par le foyer",
        # the « espace famille » consent is asked when the family is given its access (partez.family)
        choices=[c for c in ConsentScope.choices if c[0] != ConsentScope.FAMILY_SPACE],
        widget=forms.CheckboxSelectMultiple,
        # Only case work (the file needs it): an optional consent is never ticked in advance.
        initial=[ConsentScope.CASEWORK],
    )
    confirmed = forms.BooleanField(
        label="J'ai informé le foyer de l'usage de ses données et recueilli son consentement.",
        error_messages={"required": "Le consentement doit être recueilli avant de créer le foyer."},
    )


class PastDepartureForm(forms.Form):
    person = forms.TypedChoiceField(label="Personne", coerce=int, widget=FastSelect)
    year = forms.IntegerField(label="Année", min_value=1950, max_value=2100)
    scheme = forms.ChoiceField(label="Dispositif", choices=SchemeCode.choices, widget=FastSelect)

    def __init__(self, *args, persons=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [(p.pk, str(p)) for p in persons]


class FollowUpForm(forms.Form):
    organisation: forms.ModelChoiceField[Organisation] = forms.ModelChoiceField(
        label="Structure", queryset=None, empty_label="— choisir —", widget=FastSelect
    )

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class HouseholdSearchForm(forms.Form):
    q = forms.CharField(label="Nom ou date de naissance", required=False)
    commune = forms.ChoiceField(label="Commune", required=False, widget=FastSelect)
    status = forms.ChoiceField(label="Statut d'un projet", required=False, widget=FastSelect)
    situation = forms.ChoiceField(
        label="Situation",
        required=False,
        choices=[("", "Toutes"), *EmploymentSituation.choices],
        widget=FastSelect,
    )

    def __init__(self, *args, **kwargs):
        from partez.projects.models import ProjectStatus

        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", "Tous"), ("none", "Sans projet"), *ProjectStatus.choices]
        self.fields["commune"].choices = [("", "Toutes"), *commune_choices()]
