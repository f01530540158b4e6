"""The satisfaction survey, public (no login): the token in the link identifies the project."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from partez.core.errors import DomainError
from partez.reports import surveys

from ..forms.errors import apply_domain_error
from ..forms.survey import SurveyForm


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
            apply_domain_error(form, exc)
        else:
            invitation.refresh_from_db()
            return render(request, "www/survey/done.html", {"invitation": invitation})
    return render(request, "www/survey/form.html", {"form": form, "invitation": invitation})
