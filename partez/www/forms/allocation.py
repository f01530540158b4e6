"""The coordination's campaign allocation: priorities and computing time."""

from django import forms


class AllocationForm(forms.Form):
    first_departure_bonus = forms.IntegerField(
        label="Priorité aux premiers départs (%)",
        min_value=0,
        max_value=500,
        initial=50,
        help_text="50 : une personne qui part pour la première fois compte pour 1,5.",
    )
    low_qf_bonus = forms.IntegerField(
        label="Priorité aux plus petits quotients familiaux (%)",
        min_value=0,
        max_value=500,
        initial=30,
        help_text="Bonus entier à un QF de 0 €, décroissant jusqu'à rien à 1 200 € et au-delà.",
    )
    respect_quotas = forms.BooleanField(
        label="Respecter les quotas communaux des enveloppes", required=False, initial=True
    )
    time_limit = forms.IntegerField(
        label="Durée de calcul maximale (secondes)",
        min_value=1,
        max_value=600,
        initial=60,
        help_text="Le calcul s'arrête plus tôt s'il prouve que sa répartition est la meilleure.",
    )
