"""The professional's side of the families' space, from the household page: give or withdraw
the family's access, propose a choice, open what the family sent."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from partez.core.errors import DomainError
from partez.family import perms, selectors, services
from partez.family.models import FamilyAccess, FamilyDocument, Moderation, StoryPhoto
from partez.households.models import ConsentScope, Person
from partez.households.selectors import active_consent_scopes, households_for
from partez.projects.models import Project

from ..access import get_household, membership_required
from ..forms import family as forms
from ..forms.errors import apply_domain_error


def _invite_form(household, data=None):
    return forms.InviteForm(
        data,
        persons=Person.objects.filter(household=household),
        needs_consent=ConsentScope.FAMILY_SPACE not in active_consent_scopes(household),
    )


@membership_required(perms.can_invite_family)
@require_http_methods(["GET", "POST"])
def family_invite(request, m, pk):
    household = get_household(m, pk)
    form = _invite_form(household, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        person = (
            Person.objects.filter(household=household, pk=data["person"]).first() if data["person"] else None
        )
        try:
            granted = services.access_grant(
                actor=m,
                household=household,
                channel=data["channel"],
                base_url=request.build_absolute_uri("/"),
                person=person,
                consent=data.get("consent", True),
                contact_phone=data["contact_phone"],
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            # shown once, never stored in clear: the letter's code, or the link when no message left
            return render(
                request, "www/family/staff_granted.html", {"household": household, "granted": granted}
            )
    return render(
        request,
        "www/family/staff_invite.html",
        {"household": household, "form": form},
        status=400 if form.errors else 200,
    )


@membership_required(perms.can_invite_family)
@require_POST
def family_revoke(request, m, pk, access_pk):
    household = get_household(m, pk)
    access = get_object_or_404(FamilyAccess.objects.filter(household=household), pk=access_pk)
    try:
        services.access_revoke(actor=m, access=access)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "L'accès de la famille est retiré : son lien ne marche plus.")
    return redirect("household_detail", pk=household.pk)


@membership_required(perms.can_propose_to_family)
@require_http_methods(["GET", "POST"])
def family_propose(request, m, pk):
    household = get_household(m, pk)
    projects = list(Project.objects.filter(household=household).order_by("-created_at"))
    form = forms.ProposalForm(request.POST or None, projects=projects)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        project = next(p for p in projects if p.pk == data["project"])
        project.household = household
        try:
            services.proposal_create(
                actor=m, project=project, kind=data["kind"], text=data["text"], answer_by=data["answer_by"]
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, "La proposition est dans l'espace de la famille.")
            return redirect("household_detail", pk=household.pk)
    return render(
        request,
        "www/family/staff_propose.html",
        {"household": household, "form": form},
        status=400 if form.errors else 200,
    )


@membership_required(perms.can_view_family_documents)
def family_staff_document(request, m, pk):
    """A document the family sent, for the professionals who see its file (else 404)."""
    document = get_object_or_404(FamilyDocument.objects.filter(household__in=households_for(m)), pk=pk)
    services.document_read(actor=m, document=document)
    return FileResponse(document.file.open("rb"), content_type=document.content_type, filename=document.name)


@membership_required(perms.can_view_family_documents)
def family_staff_photo(request, m, pk):
    photo = get_object_or_404(
        StoryPhoto.objects.filter(story__project__household__in=households_for(m)), pk=pk
    )
    return FileResponse(photo.file.open("rb"), content_type=photo.content_type)


@membership_required(perms.can_moderate_stories)
def family_stories(request, m):
    """The coordination reads the stories the families agreed to publish."""
    stories = list(selectors.stories_to_read()[:100])
    return render(request, "www/family/staff_stories.html", {"stories": stories})


@membership_required(perms.can_moderate_stories)
@require_POST
def family_story_moderate(request, m, pk):
    story = get_object_or_404(selectors.stories_to_read(), pk=pk)
    try:
        story = services.story_moderate(
            actor=m, story=story, approve=request.POST.get("decision") == "approve"
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        published = story.moderation == Moderation.APPROVED
        messages.success(request, "Le récit est publié." if published else "Le récit n'est pas publié.")
    return redirect("family_stories")
