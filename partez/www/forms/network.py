"""The network pages' forms: trainings and sessions, events, resources, one's profile, announcements."""

from __future__ import annotations

from django import forms

from partez.core.errors import DomainError
from partez.network import services
from partez.network.models import Digest, ResourceCategory, Skill, Training, Visibility
from partez.network.perms import PROFESSIONAL_ROLES
from partez.organisations.models import OrganisationKind, Role
from partez.territory.models import Edition
from partez.territory.selectors import commune_choices

from .widgets import FastSelect


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def _when(label: str, **kwargs) -> forms.DateTimeField:
    return forms.DateTimeField(label=label, widget=DateTimeInput(), **kwargs)


class TrainingForm(forms.Form):
    title = forms.CharField(label="Intitulé", max_length=200)
    summary = forms.CharField(label="Présentation", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    skill = forms.ChoiceField(
        label="Compétence acquise", choices=[("", "— aucune —"), *Skill.choices], required=False
    )
    duration_hours = forms.IntegerField(label="Durée (heures)", min_value=1, max_value=40, initial=3)


class SessionForm(forms.Form):
    training = forms.ModelChoiceField(
        label="Formation", queryset=Training.objects.order_by("title"), widget=FastSelect
    )
    starts_at = _when("Début")
    ends_at = _when("Fin")
    place = forms.CharField(label="Lieu", max_length=200, required=False)
    video_url = forms.URLField(label="Lien de visioconférence", required=False, assume_scheme="https")
    trainer = forms.CharField(label="Formateur·rice", max_length=120)
    capacity = forms.IntegerField(label="Places", min_value=1, max_value=500)
    audience_roles = forms.MultipleChoiceField(
        label="Réservée aux métiers (aucun coché : tous)",
        choices=[(r.value, r.label) for r in Role if r in PROFESSIONAL_ROLES],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    audience_kinds = forms.MultipleChoiceField(
        label="Réservée aux structures (aucune cochée : toutes)",
        choices=OrganisationKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class EvaluationForm(forms.Form):
    rating = forms.TypedChoiceField(
        label="Votre note",
        coerce=int,
        choices=[(n, f"{n} / 5") for n in range(5, 0, -1)],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label="Ce qui vous a servi, ce qui manquait (facultatif)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )


class EventForm(forms.Form):
    title = forms.CharField(label="Intitulé", max_length=200)
    starts_at = _when("Début")
    ends_at = _when("Fin")
    place = forms.CharField(label="Lieu", max_length=200)
    description = forms.CharField(
        label="Présentation", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    capacity = forms.IntegerField(label="Places (vide : sans limite)", min_value=1, required=False)
    is_public = forms.BooleanField(
        label="Ouvert au public (inscription avec une adresse e-mail)", required=False
    )


class ProgrammeItemForm(forms.Form):
    starts_at = _when("Heure")
    title = forms.CharField(label="Séquence", max_length=200)
    speakers = forms.CharField(label="Intervenant·es", max_length=300, required=False)
    room = forms.CharField(label="Salle", max_length=100, required=False)


class PublicRegistrationForm(forms.Form):
    name = forms.CharField(label="Nom et prénom", max_length=120)
    email = forms.EmailField(label="Adresse e-mail")
    structure = forms.CharField(label="Structure (facultatif)", max_length=200, required=False)


class ResourceForm(forms.Form):
    title = forms.CharField(label="Titre", max_length=200)
    category = forms.ChoiceField(label="Catégorie", choices=ResourceCategory.choices)
    description = forms.CharField(
        label="Description (ce qu'on y trouve)", widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    tags = forms.CharField(label="Mots-clés (séparés par des virgules)", max_length=300, required=False)
    edition = forms.ModelChoiceField(
        label="Édition concernée", queryset=Edition.objects.order_by("-year"), required=False
    )
    visibility = forms.ChoiceField(
        label="Qui peut la voir", choices=Visibility.choices, widget=forms.RadioSelect
    )
    file = forms.FileField(label="Fichier", required=False)
    url = forms.URLField(label="…ou un lien", required=False, assume_scheme="https")

    def clean_file(self):
        return _checked_file(self)


def _checked_file(form: forms.Form):
    """The library's limits (type, size) said on the field with the other errors, at once."""
    upload = form.cleaned_data.get("file")
    if upload:
        try:
            services.check_upload(upload)
        except DomainError as exc:
            raise forms.ValidationError(exc.message) from exc
    return upload


class VersionForm(forms.Form):
    file = forms.FileField(label="Nouvelle version du fichier")
    note = forms.CharField(label="Ce qui change", max_length=300, required=False)

    def clean_file(self):
        return _checked_file(self)


class ProfileForm(forms.Form):
    listed = forms.BooleanField(label="J'accepte d'apparaître dans l'annuaire du réseau", required=False)
    job_title = forms.CharField(label="Ma fonction, en quelques mots", max_length=120, required=False)
    show_email = forms.BooleanField(label="Montrer mon adresse e-mail", required=False)
    show_phone = forms.BooleanField(label="Montrer mon téléphone", required=False)
    digest = forms.ChoiceField(
        label="Résumé des annonces par e-mail", choices=Digest.choices, widget=forms.RadioSelect
    )


class AnnouncementForm(forms.Form):
    title = forms.CharField(label="Titre", max_length=200)
    body = forms.CharField(label="Texte", widget=forms.Textarea(attrs={"rows": 6}))
    roles = forms.MultipleChoiceField(
        label="Pour les rôles (aucun coché : tout le monde)",
        choices=Role.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    communes = forms.MultipleChoiceField(
        label="Pour les communes (aucune choisie : toutes)",
        widget=forms.SelectMultiple(attrs={"size": 6}),
        required=False,
    )
    schemes = forms.MultipleChoiceField(
        label="Pour les structures qui portent ces dispositifs (aucun coché : toutes)",
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["communes"].choices = commune_choices()
        self.fields["schemes"].choices = scheme_choices()


def scheme_choices() -> list[tuple[str, str]]:
    from partez.schemes.models import Scheme

    return list(Scheme.objects.order_by("name").values_list("slug", "name"))
