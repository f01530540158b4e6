"""Forms of the families' space (the family's side and the professional's): parsing only, the
rules are the services' (:mod:`partez.family.services`)."""

from __future__ import annotations

from django import forms

from partez.family.models import Channel, NameShown, ProposalKind

# Phones open the camera from a file input that accepts images; PDF for a scanned paper.
DOCUMENT_ACCEPT = "image/jpeg,image/png,image/webp,application/pdf"
PHOTO_ACCEPT = "image/jpeg,image/png,image/webp"


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Votre code",
        max_length=20,
        help_text="Il est écrit sur votre courrier. Exemple : ABCDE-FGHJK.",
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )


class PhoneForm(forms.Form):
    phone = forms.CharField(
        label="Votre numéro de portable", max_length=20, widget=forms.TextInput(attrs={"type": "tel"})
    )


class SmsCodeForm(forms.Form):
    phone = forms.CharField(max_length=20, widget=forms.HiddenInput)
    code = forms.CharField(label="Le code reçu par SMS", max_length=10)


class InviteForm(forms.Form):
    channel = forms.ChoiceField(
        label="Envoyer l'accès par",
        choices=[
            (Channel.SMS, "SMS (un lien)"),
            (Channel.EMAIL, "E-mail (un lien)"),
            (Channel.LETTER, Channel.LETTER.label),
        ],
        widget=forms.RadioSelect,
    )
    person = forms.TypedChoiceField(
        label="Personne du foyer qui utilise l'espace", coerce=int, required=False, empty_value=None
    )
    contact_phone = forms.CharField(
        label="Numéro que la famille peut appeler",
        max_length=20,
        required=False,
        help_text="Votre numéro au bureau. Il s'affiche dans l'espace de la famille.",
    )
    consent = forms.BooleanField(
        label="Le foyer est d'accord pour utiliser l'espace famille en ligne", required=False
    )

    def __init__(self, *args, persons=(), needs_consent=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", "Tout le foyer")] + [
            (p.pk, f"{p.first_name} {p.last_name}") for p in persons
        ]
        if not needs_consent:
            del self.fields["consent"]


class ProposalForm(forms.Form):
    project = forms.TypedChoiceField(label="Projet", coerce=int)
    kind = forms.ChoiceField(label="Sujet", choices=ProposalKind.choices)
    text = forms.CharField(
        label="Proposition",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="En mots simples, une idée par phrase. Exemple : « Une semaine au camping de Berck, du 6 au 13 juillet. »",
    )
    answer_by = forms.DateField(
        label="Réponse attendue avant le", widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, projects=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].choices = [
            (p.pk, f"{p.reference} · {p.get_format_display()}") for p in projects
        ]


class DocumentForm(forms.Form):
    item = forms.TypedChoiceField(label="Quel papier ?", coerce=int, required=False, empty_value=None)
    file = forms.FileField(
        label="Votre photo ou votre fichier",
        widget=forms.ClearableFileInput(attrs={"accept": DOCUMENT_ACCEPT, "capture": "environment"}),
    )

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [(i.pk, i.label) for i in items] + [("", "Autre papier")]


class StoryForm(forms.Form):
    text = forms.CharField(
        label="Vos vacances en quelques mots", max_length=2000, widget=forms.Textarea(attrs={"rows": 5})
    )
    photos = forms.FileField(
        label="Une photo (si vous voulez)",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": PHOTO_ACCEPT}),
    )
    share = forms.BooleanField(label="Je suis d'accord pour que mon récit soit publié", required=False)
    name_shown = forms.ChoiceField(
        label="Si mon récit est publié",
        choices=NameShown.choices,
        widget=forms.RadioSelect,
        initial=NameShown.NONE,
    )


class WishForm(forms.Form):
    when = forms.CharField(label="Quand voulez-vous partir ?", max_length=200, required=False)
    where = forms.CharField(label="Où voulez-vous aller ?", max_length=200, required=False)
    with_whom = forms.CharField(
        label="Avec qui ?", max_length=200, required=False, help_text="Par exemple : avec une autre famille."
    )
