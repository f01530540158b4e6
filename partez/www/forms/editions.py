"""The edition pages' forms: the edition and its milestones."""

from __future__ import annotations

from django import forms

from partez.organisations.models import Organisation, OrganisationKind
from partez.territory.models import MilestoneKind
from partez.territory.selectors import commune_choices

from .fields import DateInput
from .widgets import FastSelect


class EditionForm(forms.Form):
    year = forms.IntegerField(label="Année", min_value=2000, max_value=2100)
    name = forms.CharField(label="Nom", max_length=160)
    starts_on = forms.DateField(label="Début", widget=DateInput())
    ends_on = forms.DateField(label="Fin", widget=DateInput())
    departures_target = forms.IntegerField(
        label="Objectif de départs (personnes)",
        required=False,
        min_value=1,
        help_text="Par exemple 10 000 : chaque personne qui part compte (une famille de quatre, quatre départs).",
    )
    communes = forms.MultipleChoiceField(
        label="Communes participantes",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Commune inconnue : choisissez des communes du territoire."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["communes"].choices = commune_choices()


class MilestoneForm(forms.Form):
    kind = forms.ChoiceField(label="Étape", choices=MilestoneKind.choices, widget=FastSelect)
    label = forms.CharField(label="Libellé (facultatif)", max_length=160, required=False)
    planned_on = forms.DateField(label="Date prévue", widget=DateInput())
    actual_on = forms.DateField(label="Date réelle", required=False, widget=DateInput())
    funder = forms.ModelChoiceField(
        label="Financeur (échéance de bilan)",
        queryset=Organisation.objects.filter(kind=OrganisationKind.FUNDER).order_by("name"),
        required=False,
    )
