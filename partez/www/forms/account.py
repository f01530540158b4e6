"""The forms of logging in, the second factor and passwords (Django's, with the writes of a new
password going through :func:`partez.accounts.services.password_set`)."""

from __future__ import annotations

from django import forms as django_forms
from django.contrib.auth import forms as auth_forms

from partez.accounts import services


class LoginForm(auth_forms.AuthenticationForm):
    shared_computer = django_forms.BooleanField(
        label="Ordinateur partagé (la session se ferme avec le navigateur)",
        required=False,
        help_text="Cochez si d'autres personnes utilisent cet ordinateur.",
    )


class TokenForm(django_forms.Form):
    token = django_forms.CharField(
        label="Code",
        max_length=32,
        widget=django_forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text"}),
    )


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    def save(self, commit=True):
        return services.password_set(
            user=self.user, password=self.cleaned_data["new_password1"], reason="change"
        )


class SetPasswordForm(auth_forms.SetPasswordForm):
    def save(self, commit=True):
        return services.password_set(
            user=self.user, password=self.cleaned_data["new_password1"], reason="reset"
        )
