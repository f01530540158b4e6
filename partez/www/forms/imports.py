"""The import pages' forms: the upload (file + the consent the structure collected), a row's
correction, the mapping of columns partez does not recognise."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from partez.households.models import ConsentScope
from partez.imports import parse, services

from .fields import DateInput


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Fichier Excel (.xlsx) ou CSV",
        help_text="Une ligne par personne. Les colonnes habituelles (« NOM », « Prénom », « Date de naissance »…) sont reconnues.",
        error_messages={
            "required": "Choisissez le fichier à importer.",
            "empty": "Le fichier est vide.",
            "invalid": "Ce fichier ne peut pas être lu.",
        },
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
    consent_scopes = forms.MultipleChoiceField(
        label="Consentements que votre structure a recueillis auprès de ces foyers",
        choices=ConsentScope.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Cochez seulement ce que les foyers ont accepté. Le traitement du dossier est obligatoire pour importer.",
    )
    consent_collected_on = forms.DateField(
        label="Date du recueil du consentement",
        widget=DateInput(),
        required=False,
        error_messages={"invalid": "Date invalide (JJ/MM/AAAA)."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consent_collected_on"].widget.attrs["max"] = timezone.localdate().isoformat()

    def clean(self):
        """The consent's problems with the file's, in one round."""
        data = super().clean()
        if "consent_collected_on" not in self.errors:
            problems = services.consent_errors(
                data.get("consent_scopes") or [], data.get("consent_collected_on")
            )
            for name, message in problems.items():
                self.add_error(name, message)
        return data


class RowForm(forms.Form):
    """One row's cells as text, for the fields the file has."""

    def __init__(self, *args, fields: list[str], initial_values: dict, row: int, **kwargs):
        kwargs["prefix"] = f"r{row}"
        super().__init__(*args, **kwargs)
        for name in fields:
            self.fields[name] = forms.CharField(
                label=parse.label(name),
                required=False,
                max_length=250,
                initial=parse.text(initial_values.get(name)),
            )


FIELD_CHOICES = [("", "— ne pas importer —"), *((f, parse.label(f)) for f in parse.FIELDS)]


class MappingForm(forms.Form):
    def __init__(self, *args, headers: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        for i, header in enumerate(headers):
            self.fields[f"h{i}"] = forms.ChoiceField(
                label=f"Colonne « {header} »", choices=FIELD_CHOICES, required=False
            )
        self.headers = headers

    def mapping(self) -> dict[str, str]:
        return {h: self.cleaned_data.get(f"h{i}") or "" for i, h in enumerate(self.headers)}
