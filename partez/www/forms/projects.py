"""The project page's forms: the project, its transitions and its journal."""

from __future__ import annotations

from django import forms

from partez.projects.models import BudgetKind, JournalKind, ProjectFormat

from .fields import DateInput, EurosField, euros_to_cents
from .widgets import FastSelect


class ProjectForm(forms.Form):
    format = forms.ChoiceField(label="Format du séjour", choices=ProjectFormat.choices)
    travellers = forms.TypedMultipleChoiceField(
        label="Qui part ?",
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choisissez au moins une personne qui part.",
            "invalid_choice": "Une personne qui part n'appartient pas à ce foyer.",
        },
    )
    destination = forms.CharField(label="Destination", max_length=200, required=False)
    destination_department = forms.CharField(
        label="Département de destination", max_length=3, required=False, help_text="Par exemple 80, 76, 2A."
    )
    start_date = forms.DateField(label="Date de départ", required=False, widget=DateInput())
    end_date = forms.DateField(label="Date de retour", required=False, widget=DateInput())
    overlap_reason = forms.CharField(
        label="Motif d'un second projet sur les mêmes dates",
        required=False,
        max_length=300,
        help_text="Seulement si le foyer a déjà un projet en cours sur ces dates (par exemple, "
        "deux séjours distincts pour des membres différents).",
    )

    def __init__(self, *args, persons=(), project=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        self.fields["travellers"].choices = [(p.pk, f"{p} ({p.birth_date:%d/%m/%Y})") for p in persons]
        for kind, label in BudgetKind.choices:
            self.fields[f"budget_{kind}"] = EurosField(label=f"{label} (€)", required=False)

    def budget_fields(self):
        return [self[f"budget_{kind}"] for kind in BudgetKind.values]

    def budget_lines(self) -> list[tuple[str, str, int]]:
        lines = []
        for kind, label in BudgetKind.choices:
            cents = euros_to_cents(self.cleaned_data.get(f"budget_{kind}"))
            if cents:
                lines.append((kind, label, cents))
        return lines


class TransitionForm(forms.Form):
    action = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(label="Motif", required=False, max_length=300)


class JournalForm(forms.Form):
    kind = forms.ChoiceField(
        label="Type", choices=JournalKind.choices, initial=JournalKind.NOTE, widget=FastSelect
    )
    text = forms.CharField(label="Contenu", widget=forms.Textarea(attrs={"rows": 3}))
    happens_at = forms.DateTimeField(
        label="Date et heure du rendez-vous",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"],
    )
