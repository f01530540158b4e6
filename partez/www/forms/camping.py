"""Forms of the séjour commun pages (parsing only: the services decide)."""

from __future__ import annotations

from django import forms

from partez.camping.services import MAX_TIME_LIMIT


class PlanForm(forms.Form):
    time_limit = forms.IntegerField(
        label="Durée de calcul maximale (secondes)",
        min_value=1,
        max_value=MAX_TIME_LIMIT,
        initial=30,
        help_text="30 secondes suffisent pour 1 100 personnes.",
    )


class BoardFilterForm(forms.Form):
    semaine = forms.ChoiceField(label="Semaine", required=False)
    camping = forms.ChoiceField(label="Camping", required=False)
    commune = forms.ChoiceField(label="Commune", required=False)

    def __init__(self, *args, weeks, campsites, communes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["semaine"].choices = [("", "Toutes")] + [
            (w.isoformat(), f"du {w:%d/%m/%Y}") for w in weeks
        ]
        self.fields["camping"].choices = [("", "Tous")] + [(str(c.pk), c.name) for c in campsites]
        self.fields["commune"].choices = [("", "Toutes")] + [(str(c.pk), c.name) for c in communes]
        if len(communes) == 1:
            del self.fields["commune"]


class CancelForm(forms.Form):
    reason = forms.CharField(label="Motif", max_length=200)


class ParticipantForm(forms.Form):
    needs_accessible = forms.BooleanField(label="A besoin d'un hébergement accessible", required=False)
    allowed_weeks = forms.MultipleChoiceField(
        label="Semaines possibles", widget=forms.CheckboxSelectMultiple, required=False
    )
    preferred_campsites = forms.MultipleChoiceField(
        label="Campings souhaités", widget=forms.CheckboxSelectMultiple, required=False
    )
    companions = forms.CharField(
        label="Souhaite partir avec les foyers",
        required=False,
        help_text="Références des foyers, séparées par des virgules (ex. F-7KQ2MX).",
    )

    def __init__(self, *args, weeks, campsites, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["allowed_weeks"].choices = [(w.isoformat(), f"Semaine du {w:%d/%m/%Y}") for w in weeks]
        self.fields["preferred_campsites"].choices = [(str(c.pk), c.name) for c in campsites]


class SettingsForm(forms.Form):
    bus_seats = forms.IntegerField(label="Places par car", min_value=1, max_value=100)
    bus_max_stops = forms.IntegerField(label="Arrêts au plus par car", min_value=1, max_value=20)
    minutes_between_stops = forms.IntegerField(label="Minutes entre deux arrêts", min_value=0, max_value=120)
    contact_name = forms.CharField(label="Contact pendant le séjour", max_length=120, required=False)
    contact_phone = forms.CharField(label="Téléphone du contact", max_length=20, required=False)
    what_to_bring = forms.CharField(
        label="À emporter (une ligne par objet, repris dans les convocations)",
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    def __init__(self, *args, communes, **kwargs):
        super().__init__(*args, **kwargs)
        self.communes = communes
        for c in communes:
            self.fields[f"quota_{c.pk}"] = forms.IntegerField(
                label=c.name, min_value=0, required=False, help_text="Personnes au plus ; vide : sans limite."
            )

    def quota_fields(self):
        return [self[f"quota_{c.pk}"] for c in self.communes]

    def main_fields(self):
        return [self[name] for name in self.fields if not name.startswith("quota_")]
