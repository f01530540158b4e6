"""The commission screen's forms: filters, opening a session, a decision (one or a batch)."""

from __future__ import annotations

from django import forms

from partez.commissions.models import DecisionKind
from partez.commissions.selectors import MISSING, SORTS, STATUSES, Filters
from partez.projects.models import ProjectFormat

from .fields import DateInput

KIND_HELP = "« Refuser » et « À compléter » demandent un motif : la famille et son référent le verront."


class FiltersForm(forms.Form):
    commune = forms.ChoiceField(label="Commune", required=False)
    format = forms.ChoiceField(
        label="Format", required=False, choices=[("", "Tous")] + list(ProjectFormat.choices)
    )
    status = forms.ChoiceField(label="Statut", required=False, choices=STATUSES)
    missing = forms.ChoiceField(label="Pièces", required=False, choices=[("", "Toutes")] + MISSING)
    sort = forms.ChoiceField(label="Trier par", required=False, choices=[(k, v[0]) for k, v in SORTS.items()])

    def __init__(self, data, *, communes):
        super().__init__(data)
        self.fields["commune"].choices = [("", "Toutes")] + [(c.insee_code, c.name) for c in communes]
        if len(communes) <= 1:
            self.fields["commune"].widget = forms.HiddenInput()

    def filters(self) -> Filters:
        """The filters asked for; a value that is not a choice is left out (and said on the form)."""
        cd = self.cleaned_data if self.is_valid() else {}
        return Filters(
            commune=cd.get("commune", ""),
            format=cd.get("format", ""),
            status=cd.get("status") or Filters.status,
            missing=cd.get("missing", ""),
            sort=cd.get("sort") or "name",
        )


class SessionForm(forms.Form):
    held_on = forms.DateField(label="Date de la séance", widget=DateInput())
    members = forms.CharField(
        label="Membres présents",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Un nom par ligne, avec la qualité (ex. « Mme Durand, adjointe aux affaires sociales »).",
        max_length=2000,
    )


class DecisionForm(forms.Form):
    kind = forms.ChoiceField(label="Décision", choices=DecisionKind.choices, widget=forms.RadioSelect)
    reason = forms.CharField(
        label="Motif (vu par la famille et son référent)",
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=KIND_HELP,
    )


class BatchForm(DecisionForm):
    projects = forms.TypedMultipleChoiceField(
        label="Projets", coerce=int, error_messages={"required": "Cochez au moins un projet."}
    )

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        ids = data.getlist("projects") if data is not None else []
        self.fields["projects"].choices = [(i, i) for i in ids if str(i).isdigit()]
        self.fields["projects"].error_messages["invalid_choice"] = "Un projet coché n'est pas valable."
