from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from partez.accompaniment import selectors as accompaniment_selectors
from partez.households.selectors import households_for
from partez.organisations import perms
from partez.projects import selectors as project_selectors
from partez.projects.models import Project
from partez.projects.selectors import projects_for
from partez.territory.models import MilestoneKind
from partez.territory.selectors import current_edition

from ..access import membership_required


@require_GET
def health(request):
    """Trivial endpoint (load balancers, and the baseline of `make bench-web`)."""
    return HttpResponse("ok", content_type="text/plain")


@membership_required()
def dashboard(request, m):
    edition = current_edition()
    context = {"edition": edition, "milestones": edition.milestones.all() if edition else []}
    if perms.can_view_households(m):
        projects = projects_for(m)
        if edition:
            projects = projects.filter(edition=edition)
        context.update(
            households_count=households_for(m).count(),
            # what the bilan counts: the households with a project in this edition
            households_in_edition=projects.values("household_id").distinct().count() if edition else None,
            by_status=project_selectors.count_by_status(projects),
            appointments=project_selectors.next_appointments(
                project_selectors.project_scope(m, prefix="project__"),
                edition,
            ),
            departures=project_selectors.next_departures(projects),
            next_steps=accompaniment_selectors.next_steps(
                project_selectors.project_scope(m, prefix="project__"), edition
            ),
            casework=True,
        )
    else:
        # Funders, hosts, volunteers: aggregates of the edition only, never a name.
        projects = Project.objects.filter(edition=edition) if edition else Project.objects.none()
        context.update(
            by_status=project_selectors.count_by_status(projects),
            travellers=projects.aggregate(n=Count("travellers"))["n"],
            fete=next((ms for ms in context["milestones"] if ms.kind == MilestoneKind.FETE), None),
            casework=False,
        )
    return render(request, "www/dashboard.html", context)
