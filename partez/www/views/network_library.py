"""The network's shared knowledge: the resource library (public resources open to anyone,
professionals-only ones to members), the directory of who does what (people who chose to
appear), one's network profile, and the coordination's announcements with read receipts."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from partez.core.errors import DomainError
from partez.network import perms, selectors, services
from partez.network.models import Digest, ResourceCategory, Skill
from partez.organisations.models import Membership, OrganisationKind
from partez.territory.selectors import commune_choices, current_edition

from ..access import membership_required
from ..forms import network as forms
from ..forms.errors import apply_domain_error

PAGE = 40


def _member(request) -> Membership | None:
    if not request.user.is_authenticated:
        return None
    return request.get_membership()


def network_resources(request):
    """The library, searched (``q``) and by category; anonymous visitors see the public part."""
    m = _member(request)
    q = request.GET.get("q", "")[:200]
    category = request.GET.get("categorie", "")
    if category not in ResourceCategory.values:
        category = ""
    resources = list(selectors.resources_for(m, q=q, category=category)[:PAGE])
    context = {
        "resources": resources,
        "q": q,
        "category": category,
        "categories": ResourceCategory.choices,
        "can_publish": perms.can_publish_resource(m),
        "can_manage": perms.can_manage_network(m),
        "member": m,
    }
    return render(request, "www/network/resources.html", context)


def _resource_or_404(m, pk):
    resource = selectors.resource_for(m, pk)
    if resource is None:
        raise Http404("Ressource introuvable.")
    return resource


def network_resource(request, pk):
    m = _member(request)
    resource = _resource_or_404(m, pk)
    can_edit = m is not None and services.can_edit_resource(m, resource)
    context = {
        "resource": resource,
        "versions": list(resource.versions.select_related("uploaded_by")),
        "can_edit": can_edit and not resource.url,
        "can_validate": perms.can_manage_network(m),
        "version_form": forms.VersionForm() if can_edit else None,
        "member": m,
    }
    return render(request, "www/network/resource.html", context)


def network_resource_download(request, pk, number):
    m = _member(request)
    resource = _resource_or_404(m, pk)
    version = resource.versions.filter(number=number).first()
    if version is None:
        raise Http404("Version introuvable.")
    response = FileResponse(version.file.open("rb"), as_attachment=True, filename=version.filename)
    response["Content-Type"] = version.content_type
    response["X-Content-Type-Options"] = "nosniff"
    return response


@membership_required(perms.can_publish_resource)
def network_resource_create(request, m):
    form = forms.ResourceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        data = services.ResourceInput(
            title=cd["title"],
            category=cd["category"],
            visibility=cd["visibility"],
            description=cd["description"],
            tags=[t for t in cd["tags"].split(",") if t.strip()],
            url=cd["url"],
            edition_id=cd["edition"].pk if cd["edition"] else None,
        )
        try:
            resource = services.resource_publish(actor=m, data=data, upload=cd["file"])
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, "Ressource publiée.")
            return redirect("network_resource", pk=resource.pk)
    return render(
        request, "www/network/form.html", {"form": form, "title": "Partager une ressource", "files": True}
    )


@require_POST
@membership_required(perms.can_publish_resource)
def network_resource_version(request, m, pk):
    resource = _resource_or_404(m, pk)
    if not services.can_edit_resource(m, resource):
        raise PermissionDenied("Seule la structure qui a publié la ressource la met à jour.")
    form = forms.VersionForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.resource_version_add(
                actor=m, resource=resource, upload=form.cleaned_data["file"], note=form.cleaned_data["note"]
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "Nouvelle version publiée ; les précédentes restent dans l'historique.")
    else:
        messages.error(request, "Joignez le fichier de la nouvelle version.")
    return redirect("network_resource", pk=resource.pk)


@require_POST
@membership_required(perms.can_manage_network)
def network_resource_validate(request, m, pk):
    resource = _resource_or_404(m, pk)
    validated = request.POST.get("validated", "1") == "1"
    services.resource_validate(actor=m, resource=resource, validated=validated)
    messages.success(
        request, "Ressource validée par la coordination." if validated else "Validation retirée."
    )
    return redirect("network_resource", pk=resource.pk)


# --- the directory -----------------------------------------------------------------------------


@membership_required(perms.can_view_network)
def network_directory(request, m):
    communes = commune_choices()
    codes = {c for c, _ in communes}
    commune = request.GET.get("commune", "")
    skill = request.GET.get("competence", "")
    kind = request.GET.get("type", "")
    schemes = forms.scheme_choices()
    scheme = request.GET.get("dispositif", "")
    scheme = scheme if scheme in {slug for slug, _ in schemes} else ""
    commune = commune if commune in codes else ""
    skill = skill if skill in Skill.values else ""
    kind = kind if kind in OrganisationKind.values else ""
    searched = bool(commune or skill or kind or scheme)
    structures = (
        selectors.directory(commune=commune, skill=skill, kind=kind, scheme=scheme) if searched else []
    )
    context = {
        "structures": structures,
        "communes": communes,
        "skills": Skill.choices,
        "kinds": OrganisationKind.choices,
        "commune": commune,
        "skill": skill,
        "kind": kind,
        "schemes": schemes,
        "scheme": scheme,
        "searched": searched,
        "profile": selectors.profile_of(m),
    }
    return render(request, "www/network/directory.html", context)


@membership_required(perms.can_view_network)
def network_profile(request, m):
    profile = selectors.profile_of(m)
    initial = {
        "listed": profile.listed,
        "job_title": profile.job_title,
        "show_email": profile.show_email,
        "show_phone": profile.show_phone,
        "digest": profile.digest or Digest.WEEKLY,
    }
    form = forms.ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_update(actor=m, **form.cleaned_data)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, "Vos choix sont enregistrés.")
            return redirect("network_profile")
    return render(request, "www/network/profile.html", {"form": form, "profile": profile})


# --- announcements -----------------------------------------------------------------------------


@membership_required(perms.can_view_network)
def network_announcements(request, m):
    items = selectors.announcements_for(m)
    context = {"items": items, "can_manage": perms.can_manage_network(m)}
    return render(request, "www/network/announcements.html", context)


@require_POST
@membership_required(perms.can_view_network)
def network_announcement_read(request, m, pk):
    announcement = selectors.announcement_for(m, pk)
    if announcement is None:
        raise Http404("Annonce introuvable.")
    services.announcement_read(actor=m, announcement=announcement)
    return redirect("network_announcements")


@membership_required(perms.can_manage_network)
def network_announcement_create(request, m):
    form = forms.AnnouncementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.announcement_post(actor=m, **form.cleaned_data)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, "Annonce publiée.")
            return redirect("network_announcements")
    return render(request, "www/network/form.html", {"form": form, "title": "Nouvelle annonce"})


@require_POST
@membership_required(perms.can_manage_network)
def network_practice_publish(request, m):
    edition = current_edition()
    if edition is None:
        messages.error(request, "Aucune édition en cours : les fiches pratiques se tirent de ses projets.")
        return redirect("network_resources")
    sheets = services.practice_sheets_publish(actor=m, edition=edition)
    messages.success(
        request,
        f"{len(sheets)} fiche{'s' if len(sheets) > 1 else ''} pratique{'s' if len(sheets) > 1 else ''} à jour.",
    )
    return redirect(reverse("network_resources") + "?categorie=practice")
