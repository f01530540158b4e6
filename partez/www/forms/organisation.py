"""The organisation pages' forms: invitations and API tokens."""

from __future__ import annotations

from django import forms
from django.contrib.auth import password_validation

from partez.organisations.models import Role


class InvitationForm(forms.Form):
    email = forms.EmailField(label="Adresse e-mail")
    role = forms.ChoiceField(label="Rôle")

    def __init__(self, *args, roles=(), **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(Role.choices)
        self.fields["role"].choices = [(r, labels[r]) for r in roles]


class AcceptInvitationForm(forms.Form):
    username = forms.CharField(label="Identifiant", max_length=150)
    first_name = forms.CharField(label="Prénom", max_length=150)
    last_name = forms.CharField(label="Nom", max_length=150)
    # The validators (AUTH_PASSWORD_VALIDATORS) run in the service, with their French messages.
    password = forms.CharField(
        label="Mot de passe",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label="Nom du jeton", max_length=80, help_text="Par exemple « tablette stand Lens »."
    )
