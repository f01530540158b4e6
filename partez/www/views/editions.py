from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from partez.core.collation import french_order
from partez.core.errors import DomainError
from partez.organisations import perms
from partez.reports import timeline
from partez.territory import services
from partez.territory.models import Edition, Milestone

from ..access import membership_required
from ..forms import editions as forms
from ..forms.errors import apply_domain_error, errors_text


def _edition_input(cd) -> services.EditionInput:
    return services.EditionInput(
        year=cd["year"],
        name=cd["name"],
        starts_on=cd["starts_on"],
        ends_on=cd["ends_on"],
        commune_codes=cd["communes"],
        departures_target=cd.get("departures_target"),
    )


@membership_required(perms.can_manage_editions)
def edition_list(request, m):
    editions = Edition.objects.order_by("-year")
    return render(request, "www/editions/list.html", {"editions": editions})


@membership_required(perms.can_manage_editions)
def edition_form(request, m, year=None):
    edition = get_object_or_404(Edition, year=year) if year else None
    initial = {}
    if edition is not None:
        initial = {
            "year": edition.year,
            "name": edition.name,
            "starts_on": edition.starts_on,
            "ends_on": edition.ends_on,
            "departures_target": edition.departures_target,
            "communes": list(edition.communes.values_list("insee_code", flat=True)),
        }
    form = forms.EditionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            edition = services.edition_save(actor=m, data=_edition_input(form.cleaned_data), edition=edition)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, f"Édition {edition.year} enregistrée.")
            return redirect("edition_detail", year=edition.year)
    return render(request, "www/editions/form.html", {"form": form, "edition": edition})


@membership_required(perms.can_manage_editions)
def edition_detail(request, m, year):
    edition = get_object_or_404(Edition, year=year)
    milestones = list(edition.milestones.select_related("funder").order_by("planned_on", "id"))
    context = {
        "edition": edition,
        "communes": edition.communes.only("insee_code", "name", "population").order_by(french_order("name")),
        "milestones": milestones,
        # one small form per step, to record its actual date (or move it)
        "edit_forms": [
            (
                ms,
                forms.MilestoneForm(
                    prefix=f"ms{ms.pk}",
                    initial={
                        "kind": ms.kind,
                        "label": ms.label,
                        "planned_on": ms.planned_on,
                        "actual_on": ms.actual_on,
                        "funder": ms.funder_id,
                    },
                ),
            )
            for ms in milestones
        ],
        "frise": mark_safe(timeline.frise(edition)),
        "form": forms.MilestoneForm(),
    }
    return render(request, "www/editions/detail.html", context)


@require_POST
@membership_required(perms.can_manage_editions)
def milestone_save(request, m, year, pk=None):
    edition = get_object_or_404(Edition, year=year)
    milestone = get_object_or_404(Milestone, edition=edition, pk=pk) if pk else None
    form = forms.MilestoneForm(
        request.POST, prefix=f"ms{pk}" if pk and f"ms{pk}-kind" in request.POST else None
    )
    if form.is_valid():
        try:
            services.milestone_save(actor=m, edition=edition, milestone=milestone, **form.cleaned_data)
            messages.success(request, "Étape enregistrée.")
        except DomainError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, "Étape non enregistrée : " + errors_text(form))
    return redirect("edition_detail", year=edition.year)
