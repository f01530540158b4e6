"""The household pages' forms: the household, its members, consents, past departures, follow-ups and the list's search."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from partez.core import phone
from partez.households.models import (
    ConsentScope,
    EmploymentSituation,
    MinimumBenefit,
    Mobility,
    Relation,
    SchemeCode,
    Schooling,
)
from partez.organisations.models import Organisation
from partez.territory.selectors import commune_choices

from .fields import CommuneChoiceField, DateInput, EurosField
from .widgets import FastSelect


class HouseholdForm(forms.Form):
    commune = CommuneChoiceField(label="Commune de résidence")
    address = forms.CharField(label="Adresse", required=False, max_length=250)
    phone = forms.CharField(
        label="Téléphone",
        required=False,
        max_length=20,
        help_text="Un numéro français, par exemple 06 12 34 56 78.",
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off", "inputmode": "tel"}),
    )
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
    minimum_benefits = forms.MultipleChoiceField(
        label="Minima sociaux perçus",
        required=False,
        choices=MinimumBenefit.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Cochez ce que le foyer perçoit ; rien si aucun.",
    )
    mobility = forms.ChoiceField(
        label="Mobilité",
        required=False,
        choices=[("", "Non renseigné"), *Mobility.choices],
        widget=FastSelect,
    )
    mobility_note = forms.CharField(
        label="Précision sur la mobilité",
        required=False,
        max_length=200,
        help_text="Par exemple : pas de car le dimanche, besoin d'un accompagnement à la gare.",
    )

    def clean_phone(self) -> str:
        """Checked here too, so a bad number is reported with the other fields' errors."""
        value = self.cleaned_data.get("phone", "")
        try:
            phone.to_e164(value)
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc
        return value


class PersonForm(forms.Form):
    first_name = forms.CharField(label="Prénom", max_length=80)
    last_name = forms.CharField(label="Nom", max_length=80)
    birth_date = forms.DateField(label="Date de naissance", widget=DateInput())
    relation = forms.ChoiceField(label="Lien", choices=Relation.choices, widget=FastSelect)
    employment = forms.ChoiceField(
        label="Situation professionnelle",
        choices=EmploymentSituation.choices,
        initial="other",
        widget=FastSelect,
        help_text="Pour un enfant : « Autre ».",
    )
    schooling = forms.ChoiceField(
        label="Scolarité",
        choices=Schooling.choices,
        initial=Schooling.NOT_AT_SCHOOL,
        required=False,  # « non scolarisé·e » when not said
        widget=FastSelect,
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


# What each consent is for, in the words said to the household when it is collected.
CONSENT_PURPOSES: dict[str, str] = {
    ConsentScope.CASEWORK: "Indispensable pour ouvrir le dossier : étudier les aides, préparer le départ, "
    "suivre le projet avec le foyer.",
    ConsentScope.SHARING: "Les autres structures qui accompagnent le foyer (CCAS, association) peuvent "
    "voir son dossier, pour ne pas lui redemander les mêmes pièces.",
    ConsentScope.CONTACT: "Recevoir l'invitation à la Fête des vacances, les rappels de rendez-vous et "
    "l'enquête de retour par SMS ou e-mail.",
    ConsentScope.STATISTICS: "Répondre après le séjour à une enquête de satisfaction ; les réponses sont "
    "comptées sans nom dans le bilan.",
    ConsentScope.FAMILY_SPACE: "Ouvrir au foyer son espace sur son téléphone : son projet, ses pièces, "
    "son budget, son code pour la Fête.",
}


class ConsentForm(forms.Form):
    # Nothing ticked in advance: each box is a choice the household makes, with its purpose.
    scopes = forms.MultipleChoiceField(
        label="Finalités acceptées par le foyer",
        # the « espace famille » consent is asked when the family is given its access (partez.family)
        choices=[
            (value, f"{label} — {CONSENT_PURPOSES[value]}")
            for value, label in ConsentScope.choices
            if value != ConsentScope.FAMILY_SPACE
        ],
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Cochez au moins le traitement du dossier, sans lequel il ne peut pas être ouvert."
        },
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
    q = forms.CharField(label="Nom, date de naissance ou référence", required=False)
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
