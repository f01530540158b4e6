from django.contrib import messages
from django.contrib.auth import login
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from partez.core import audit_text
from partez.core.errors import DomainError
from partez.core.models import AuditLog
from partez.organisations import perms, services
from partez.organisations.middleware import SESSION_KEY
from partez.organisations.models import ApiToken, Invitation, Membership

from ..access import membership_required
from ..forms import organisation as forms
from ..forms.errors import apply_domain_error


@require_POST
@membership_required()
def switch_organisation(request, m):
    """Change the current organisation (only to one where the user has an active membership)."""
    organisation_id = request.POST.get("organisation", "")
    if not organisation_id.isdigit():
        raise Http404("Organisation inconnue.")
    target = get_object_or_404(
        Membership.objects.active(), user=request.user, organisation_id=int(organisation_id)
    )
    request.session[SESSION_KEY] = target.organisation_id
    messages.success(request, f"Vous travaillez maintenant pour : {target.organisation}.")
    next_url = request.POST.get("next") or reverse("dashboard")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("dashboard")
    # Object pages of the previous organisation would 404: go back to the dashboard.
    scoped = ("/foyers/", "/projets/", "/traitements/")
    return redirect(reverse("dashboard") if any(p in next_url for p in scoped) else next_url)


@membership_required()
def members(request, m):
    memberships = (
        Membership.objects.filter(organisation=m.organisation)
        .select_related("user")
        .order_by("-is_active", "user__last_name")
    )
    invitations = Invitation.objects.filter(
        organisation=m.organisation, accepted_at__isnull=True, cancelled_at__isnull=True
    ).select_related("invited_by")
    form = forms.InvitationForm(request.POST or None, roles=perms.invitable_roles(m))
    if request.method == "POST":
        if not perms.can_manage_members(m):
            messages.error(request, "Votre rôle ne permet pas d'inviter des membres.")
            return redirect("members")
        if form.is_valid():
            try:
                invitation = services.invitation_create(
                    actor=m,
                    email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"],
                    accept_url_builder=lambda inv: request.build_absolute_uri(
                        reverse("invitation_accept", args=[inv.token])
                    ),
                )
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(request, f"Invitation envoyée à {invitation.email}.")
                return redirect("members")
    context = {
        "memberships": memberships,
        "invitations": invitations,
        "form": form,
        "can_manage": perms.can_manage_members(m),
    }
    return render(request, "www/organisation/members.html", context)


@require_POST
@membership_required(perms.can_manage_members)
def membership_deactivate(request, m, pk):
    target = get_object_or_404(Membership, organisation=m.organisation, pk=pk)
    try:
        services.membership_deactivate(actor=m, membership=target)
        messages.success(request, f"Adhésion de {target.user} désactivée.")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("members")


def invitation_accept(request, token):
    invitation = services.invitation_by_token(token)
    if invitation is None or not invitation.is_pending:
        return render(request, "www/organisation/invitation_invalid.html", status=404)
    form = forms.AcceptInvitationForm(request.POST or None)
    if request.method == "POST":
        try:
            if request.user.is_authenticated:
                membership = services.invitation_accept(token=token, user=request.user)
            elif form.is_valid():
                cd = form.cleaned_data
                membership = services.invitation_accept(
                    token=token,
                    username=cd["username"],
                    password=cd["password"],
                    first_name=cd["first_name"],
                    last_name=cd["last_name"],
                )
                login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
            else:
                membership = None
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            if membership is not None:
                request.session[SESSION_KEY] = membership.organisation_id
                messages.success(request, f"Bienvenue dans {membership.organisation} !")
                return redirect("dashboard")
    return render(
        request, "www/organisation/invitation_accept.html", {"invitation": invitation, "form": form}
    )


@membership_required(perms.can_use_api_tokens)
def api_tokens(request, m):
    form = forms.ApiTokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_token = services.api_token_create(membership=m, name=form.cleaned_data["name"])
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            form = forms.ApiTokenForm()
    tokens = ApiToken.objects.filter(membership__user=request.user).select_related("membership__organisation")
    return render(
        request, "www/organisation/tokens.html", {"form": form, "tokens": tokens, "new_token": new_token}
    )


@require_POST
@membership_required(perms.can_use_api_tokens)
def api_token_revoke(request, m, pk):
    token = get_object_or_404(ApiToken, membership__user=request.user, pk=pk)
    services.api_token_revoke(membership=m, token=token)
    messages.success(request, f"Jeton « {token.name} » révoqué.")
    return redirect("api_tokens")


@membership_required(perms.can_view_audit)
def audit_log(request, m):
    entries = AuditLog.objects.select_related("actor", "organisation").order_by("-at", "-id")
    if not perms.sees_whole_territory(m):
        entries = entries.filter(organisation=m.organisation)
    # One object's trail (a scheme page links here): ?objet=schemes.scheme&id=3
    object_type, object_id = request.GET.get("objet", ""), request.GET.get("id", "")
    if object_type and object_id:
        entries = entries.filter(object_type=object_type, object_id=object_id)
    context = {"lines": audit_text.describe(entries[:200]), "filtered": bool(object_type and object_id)}
    return render(request, "www/organisation/audit.html", context)
