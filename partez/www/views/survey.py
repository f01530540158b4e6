"""The satisfaction survey, public (no login): the token in the link identifies the project."""

from __future__ import annotations

from django import forms as django_forms
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from partez.core.errors import DomainError
from partez.reports import surveys
from partez.reports.models import Again, Satisfaction

from .. import forms


class SurveyForm(django_forms.Form):
    satisfaction = django_forms.TypedChoiceField(
        label="Êtes-vous satisfait·e de vos vacances ?",
        choices=Satisfaction.choices,
        coerce=int,
        widget=django_forms.RadioSelect,
    )
    organisation_help = django_forms.TypedChoiceField(
        label="L'aide pour préparer le départ vous a-t-elle été utile ?",
        choices=[("", "Je ne sais pas")] + list(Satisfaction.choices),
        coerce=int,
        empty_value=None,
        required=False,
        widget=django_forms.RadioSelect,
    )
    again = django_forms.ChoiceField(
        label="Aimeriez-vous repartir l'an prochain ?", choices=Again.choices, widget=django_forms.RadioSelect
    )
    first_holiday = django_forms.TypedChoiceField(
        label="Était-ce vos premières vacances depuis longtemps ?",
        choices=[("", "Je préfère ne pas répondre"), ("oui", "Oui"), ("non", "Non")],
        coerce=lambda v: v == "oui",
        empty_value=None,
        required=False,
        widget=django_forms.RadioSelect,
    )
    comment = django_forms.CharField(
        label="Un mot à ajouter ? (facultatif, sans nom ni adresse)",
        max_length=500,
        required=False,
        widget=django_forms.Textarea(attrs={"rows": 3}),
    )


@require_http_methods(["GET", "POST"])
def survey(request, token):
    invitation = surveys.invitation_for(token)
    if invitation is None:
        return render(request, "www/survey/invalid.html", status=404)
    if invitation.answered_at or invitation.opted_out_at:
        return render(request, "www/survey/done.html", {"invitation": invitation})
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and request.POST.get("action") == "opt_out":
        invitation = surveys.survey_opt_out(token=token)
        return render(request, "www/survey/done.html", {"invitation": invitation})
    if request.method == "POST" and form.is_valid():
        try:
            surveys.survey_answer(token=token, answers=surveys.Answers(**form.cleaned_data))
        except DomainError as exc:
            forms.apply_domain_error(form, exc)
        else:
            invitation.refresh_from_db()
            return render(request, "www/survey/done.html", {"invitation": invitation})
    return render(request, "www/survey/form.html", {"form": form, "invitation": invitation})
