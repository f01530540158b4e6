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
