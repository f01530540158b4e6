"""The Fête des vacances pages' forms."""

from __future__ import annotations

from django import forms


class FeteForm(forms.Form):
    name = forms.CharField(label="Nom", max_length=160, initial="Fête des vacances")
    date = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    place = forms.CharField(label="Lieu", max_length=200)
    address = forms.CharField(label="Adresse", max_length=250, required=False)
    opens_at = forms.TimeField(label="Ouverture", widget=forms.TimeInput(attrs={"type": "time"}))
    closes_at = forms.TimeField(label="Fermeture", widget=forms.TimeInput(attrs={"type": "time"}))
    contact = forms.CharField(label="Contact (téléphone ou e-mail)", max_length=120, required=False)
    slot_minutes = forms.IntegerField(
        label="Durée des créneaux d'arrivée (minutes)", initial=60, min_value=15, max_value=240
    )
