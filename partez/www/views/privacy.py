"""Personal data: the retention periods page, a household's whole file (right of access), its
anonymisation on request (right to erasure) and « who saw this file »."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from partez.camping.models import Placement
from partez.core.errors import DomainError
from partez.core.models import AccessLog
from partez.organisations import perms
from partez.privacy import perms as privacy_perms
from partez.privacy import retention
from partez.privacy.anonymise import household_anonymise
from partez.privacy.export import household_file_export
from partez.privacy.models import RetentionNotice
from partez.projects.models import Project

from ..access import get_household, households_for, membership_required


@membership_required()
def retention_page(request, m):
    """« Durées de conservation »: read by everyone with an account; the files due for
    anonymisation for the coordination (all) and commune referents (the files they see)."""
    notices = None
    if privacy_perms.can_view_retention_notices(m):
        notices = RetentionNotice.objects.all()
        if not perms.sees_whole_territory(m):  # the coordination sees every file due, closed ones too
            notices = notices.filter(household__in=households_for(m))
        notices = list(
            notices.select_related("household__commune").defer("household__commune__geometry")[:500]
        )
    context = {"periods": retention.periods(timezone.localdate()), "notices": notices}
    return render(request, "www/privacy/retention.html", context)


@membership_required(privacy_perms.can_export_household_file)
def household_file(request, m, pk):
    household = get_household(m, pk)
    content = household_file_export(actor=m, household=household)
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="dossier-{household.reference}.zip"'
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
@membership_required(privacy_perms.can_anonymise_household)
def household_anonymise_view(request, m, pk):
    household = get_household(m, pk)
    errors: dict[str, str] = {}
    reason = ""
    if household.anonymised_at is not None:
        messages.info(request, "Ce foyer est déjà anonymisé.")
        return redirect("household_detail", pk=household.pk)
    if request.method == "POST":
        reason = request.POST.get("reason", "")
        if request.POST.get("confirm") != "yes":
            errors["confirm"] = "Cochez la case pour confirmer : l'anonymisation est définitive."
        try:
            if not errors:
                household_anonymise(actor=m, household=household, reason=reason)
                messages.success(request, f"Foyer {household.reference} anonymisé.")
                return redirect("household_detail", pk=household.pk)
        except DomainError as exc:
            errors.update(exc.errors)
        if not reason.strip() and "reason" not in errors:
            errors["reason"] = "Indiquez le motif de l'anonymisation (sans nom de personne)."
    context = {"household": household, "errors": errors, "reason": reason}
    return render(request, "www/privacy/anonymise.html", context)


@membership_required(privacy_perms.can_view_file_readers)
def household_readers(request, m, pk):
    """Who opened the file or the projects of this household, downloaded its documents, or took
    a séjour commun roster or bus list with the household on it (the last 300)."""
    household = get_household(m, pk)
    project_ids = [str(pk) for pk in Project.objects.filter(household=household).values_list("pk", flat=True)]
    placements = list(
        Placement.objects.filter(participant__household=household).values_list("week_id", "trip_id")
    )
    week_ids = [str(week) for week, _trip in placements]
    trip_ids = [str(trip) for _week, trip in placements if trip is not None]
    entries = (
        AccessLog.objects.filter(
            Q(object_type="households.household", object_id=str(household.pk))
            | Q(object_type="projects.project", object_id__in=project_ids)
            | Q(object_type="camping.campingweek", object_id__in=week_ids)
            | Q(object_type="camping.bustrip", object_id__in=trip_ids)
        )
        .select_related("actor", "organisation")
        .order_by("-at", "-id")[:300]
    )
    return render(request, "www/privacy/readers.html", {"household": household, "entries": entries})
