"""The satisfaction survey's form."""

from __future__ import annotations

from django import forms

from partez.reports.models import Again, Satisfaction


class SurveyForm(forms.Form):
    satisfaction = forms.TypedChoiceField(
        label="Êtes-vous satisfait·e de vos vacances ?",
        choices=Satisfaction.choices,
        coerce=int,
        widget=forms.RadioSelect,
    )
    organisation_help = forms.TypedChoiceField(
        label="L'aide pour préparer le départ vous a-t-elle été utile ?",
        choices=[("", "Je ne sais pas")] + list(Satisfaction.choices),
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    again = forms.ChoiceField(
        label="Aimeriez-vous repartir l'an prochain ?", choices=Again.choices, widget=forms.RadioSelect
    )
    first_holiday = forms.TypedChoiceField(
        label="Était-ce vos premières vacances depuis longtemps ?",
        choices=[("", "Je préfère ne pas répondre"), ("oui", "Oui"), ("non", "Non")],
        coerce=lambda v: v == "oui",
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label="Un mot à ajouter ? (facultatif, sans nom ni adresse)",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
