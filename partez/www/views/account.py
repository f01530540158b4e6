"""Logging in and out, the second factor, passwords and the coordination's security page.

Django's own views do the password work (change, reset by e-mail) with French templates; the
second factor's steps and the coordination's page call ``partez.accounts.services``.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from partez.accounts import services
from partez.core.errors import DomainError
from partez.fete.selectors import current_fete
from partez.organisations import perms
from partez.organisations.models import Role

from ..access import membership_required
from ..forms import account as forms
from ..forms.errors import apply_domain_error
from ..security import LAST_SEEN

LOCKED_MESSAGE = (
    "Trop d'essais de connexion sans succès : la connexion est bloquée pendant {minutes} minutes "
    "pour ce compte ou cet appareil. Patientez, ou demandez à la coordination de la débloquer. "
    "Mot de passe oublié ? Utilisez le lien « Mot de passe oublié » ci-dessous."
)


class LoginView(auth_views.LoginView):
    template_name = "www/login.html"
    form_class = forms.LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        if form.cleaned_data.get("shared_computer"):
            self.request.session.set_expiry(0)  # the cookie ends with the browser
        self.request.session[LAST_SEEN] = int(time.time())
        return response

    def get_success_url(self):
        """Where a login lands: the page asked for (``next``), else the scan page for a volunteer
        (``perms.lands_on_scan``) when the edition has its Fête, else the dashboard."""
        asked = self.get_redirect_url()
        if not asked and perms.lands_on_scan(self.request.get_membership()) and current_fete() is not None:
            return reverse("scan_choose")
        return asked or reverse("dashboard")


def lockout(request, original_response=None, credentials=None):
    """django-axes' answer to a locked-out login: the login page with a French message (429)."""
    # unbound: a bound form would authenticate again when the page shows its errors
    form = forms.LoginForm(request, initial={"username": (credentials or {}).get("username", "")})
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "www/login.html",
        {"form": form, "locked_message": LOCKED_MESSAGE.format(minutes=minutes), "next": ""},
        status=429,
    )


class LogoutView(auth_views.LogoutView):
    """Logout also tells the browser to drop this site's caches and storage (the Fête scan page's
    roster, its service worker and its offline queue: the page warns before that, see scan.js)."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = '"cache", "storage"'
        return response


def _next_url(request, default: str = "dashboard") -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse(default)


@login_required
def second_factor_verify(request):
    """The second step of a login: a code from the authenticator app, or a recovery code."""
    state = request.session.get(services.SESSION_STATE)
    if state == services.OK:
        return redirect(_next_url(request))
    if state == services.ENROL:
        return redirect("second_factor_enrol")
    form = forms.TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            kind = services.second_factor_verify(user=request.user, token=form.cleaned_data["token"])
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            request.session.cycle_key()
            request.session[services.SESSION_STATE] = services.OK
            if kind == "recovery_code":
                left = services.recovery_codes_left(request.user)
                messages.warning(
                    request,
                    f"Code de secours utilisé : il vous en reste {left}. "
                    "Pensez à en générer de nouveaux dans « Mon compte ».",
                )
            return redirect(_next_url(request))
    context = {"form": form, "next": _next_url(request), "hide_nav": True}  # nothing else opens yet
    return render(request, "www/account/verify.html", context)


ENROL_DEVICE = "partez_enrol_device"


@login_required
def second_factor_enrol(request):
    """Add (or replace) the authenticator app: a QR code and the key to type, then a code it
    shows; the recovery codes are shown once, on the answer page."""
    state = request.session.get(services.SESSION_STATE)
    if state == services.VERIFY:
        return redirect("second_factor_verify")  # replacing a device needs the current one first
    device = services.pending_totp(request.user, request.session.get(ENROL_DEVICE))
    if device is None:
        device = services.totp_start(user=request.user)
        request.session[ENROL_DEVICE] = device.pk
    form = forms.TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.totp_confirm(
                user=request.user, device_id=device.pk, token=form.cleaned_data["token"]
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            request.session.pop(ENROL_DEVICE, None)
            request.session[services.SESSION_STATE] = services.OK
            return render(
                request, "www/account/recovery_codes.html", {"codes": codes, "next": _next_url(request)}
            )
    context = {
        "form": form,
        "qr_svg": _qr_svg(device.config_url),
        "secret": services.totp_secret(device),
        "required": state == services.ENROL,
        "hide_nav": state == services.ENROL,  # nothing else opens before enrolment
        "next": _next_url(request),
    }
    return render(request, "www/account/enrol.html", context)


def _qr_svg(text: str) -> str:
    import segno

    return segno.make(text, error="m").svg_inline(scale=5, border=2, title="QR code à scanner")


@login_required
def account_security(request):
    """The person's own account: second factor, recovery codes, password."""
    device = services.confirmed_totp(request.user)
    context = {
        "device": device,
        "codes_left": services.recovery_codes_left(request.user) if device else 0,
        "required": services.second_factor_required(request.user),
    }
    return render(request, "www/account/security.html", context)


@require_POST
@login_required
def recovery_codes_renew(request):
    try:
        codes = services.recovery_codes_renew(user=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("account_security")
    return render(
        request, "www/account/recovery_codes.html", {"codes": codes, "next": reverse("account_security")}
    )


@require_POST
@login_required
def second_factor_remove(request):
    try:
        services.second_factor_remove(user=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Le second facteur est supprimé.")
    return redirect("account_security")


# --- passwords: Django's views, the house's templates, writes through the service --------------


password_change = login_required(
    auth_views.PasswordChangeView.as_view(
        template_name="www/account/password_change.html",
        form_class=forms.PasswordChangeForm,
        success_url=reverse_lazy("password_change_done"),
    )
)
password_change_done = login_required(
    auth_views.PasswordChangeDoneView.as_view(template_name="www/account/password_change_done.html")
)
password_reset = auth_views.PasswordResetView.as_view(
    template_name="www/account/password_reset.html",
    email_template_name="www/account/password_reset_email.txt",
    subject_template_name="www/account/password_reset_subject.txt",
    success_url=reverse_lazy("password_reset_done"),
)
password_reset_done = auth_views.PasswordResetDoneView.as_view(
    template_name="www/account/password_reset_done.html"
)
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    template_name="www/account/password_reset_confirm.html",
    form_class=forms.SetPasswordForm,
    success_url=reverse_lazy("password_reset_complete"),
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="www/account/password_reset_complete.html"
)


# --- the coordination: policy, lockouts, lost devices ----------------------------------------


@membership_required(perms.can_manage_account_security)
def organisation_security(request, m):
    rules = services.policy()
    if request.method == "POST":
        wanted = {role: request.POST.get(role) == "on" for role in Role.values}
        try:
            services.policy_update(actor=m, required=wanted)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "Règles du second facteur enregistrées.")
        return redirect("organisation_security")
    context = {
        "roles": [(value, label, rules[value]) for value, label in Role.choices],
        "locked": services.locked_out(),
        "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "address_failure_limit": settings.LOGIN_ADDRESS_FAILURE_LIMIT,
    }
    return render(request, "www/organisation/security.html", context)


@require_POST
@membership_required(perms.can_manage_account_security)
def login_unlock(request, m):
    try:
        services.account_unlock(
            actor=m, username=request.POST.get("username", ""), ip_address=request.POST.get("ip_address", "")
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Connexion débloquée.")
    return redirect("organisation_security")


@require_POST
@membership_required(perms.can_manage_account_security)
def second_factor_reset(request, m):
    try:
        services.second_factor_reset(actor=m, username=request.POST.get("username", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            "Second facteur réinitialisé : la personne en activera un nouveau à sa prochaine connexion.",
        )
    return redirect("organisation_security")
