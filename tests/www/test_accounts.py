"""Accounts: throttled logins and their unlock, the second factor (enrolment, verification,
recovery codes, policy per role, reset of a lost device), passwords, sessions, logout, audit.

Logins here post the real login form (``_log_in``), so the second factor's enforcement is
proven on real logins; ``force_login`` (verified by the suite's fixture) serves only to set up
a logged-in coordinator."""

import datetime as dt
import re
import time
from unittest import mock

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from partez.accounts import services
from partez.accounts.models import SecondFactorPolicy
from partez.core.models import AuditLog
from partez.organisations.models import Invitation, Role
from partez.www.security import LAST_SEEN
from tests import factories

pytestmark = pytest.mark.django_db

PASSWORD = "motdepasse-test"  # tests/factories.py UserFactory


@pytest.fixture
def coordinator(coordinator_org):
    return factories.MembershipFactory(
        organisation=coordinator_org, role=Role.COORDINATOR, user__username="coordinatrice"
    )


def _log_in(client, username, password=PASSWORD, **fields):
    """The real login form (password step)."""
    return client.post(reverse("login"), {"username": username, "password": password, **fields})


def _enrolled(user) -> TOTPDevice:
    """A confirmed authenticator for the user (as after enrolment), with recovery codes."""
    device = services.totp_start(user=user)
    services.totp_confirm(user=user, device_id=device.pk, token=services.totp_now(device))
    device.refresh_from_db()
    return device


def _logged_in(client) -> bool:
    return "_auth_user_id" in client.session


# --- throttling ---------------------------------------------------------------------------------


def test_thirty_wrong_passwords_then_the_right_one_is_refused(client, worker):
    for _ in range(30):
        response = _log_in(client, "travailleuse", "pas-le-bon")
    assert response.status_code == 429
    response = _log_in(client, "travailleuse")
    assert response.status_code == 429
    assert not _logged_in(client)
    page = response.content.decode()
    assert "Trop d&#x27;essais de connexion" in page and "demandez à la coordination" in page
    assert AuditLog.objects.filter(action="login.failed", object_id=str(worker.user.pk)).count() >= 10


def test_a_refused_login_while_locked_counts_once(client, worker, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _log_in(client, "travailleuse", "pas-le-bon")
    before = AuditLog.objects.filter(action="login.failed").count()
    response = _log_in(client, "travailleuse")
    assert response.status_code == 429
    assert 'value="travailleuse"' in response.content.decode()
    assert AuditLog.objects.filter(action="login.failed").count() == before + 1


def test_an_account_is_locked_from_any_address(client, worker, settings):
    for i in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            reverse("login"), {"username": "travailleuse", "password": "x"}, REMOTE_ADDR=f"10.0.0.{i}"
        )
    response = client.post(
        reverse("login"), {"username": "travailleuse", "password": PASSWORD}, REMOTE_ADDR="10.9.9.9"
    )
    assert response.status_code == 429 and not _logged_in(client)


def test_one_persons_typos_do_not_lock_the_office_out(client, worker, referent, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _log_in(client, "travailleuse", "pas-le-bon")
    assert _log_in(client, "travailleuse").status_code == 429
    colleague = Client()  # same address (127.0.0.1)
    assert (
        colleague.post(reverse("login"), {"username": "referente", "password": PASSWORD}).status_code == 302
    )


def test_a_success_clears_only_its_own_account(client, worker, referent, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _log_in(client, "travailleuse", "pas-le-bon")
    _log_in(client, "referente", "pas-le-bon")
    assert Client().post(reverse("login"), {"username": "referente", "password": PASSWORD}).status_code == 302
    assert not AccessAttempt.objects.filter(username="referente").exists()
    assert _log_in(client, "travailleuse").status_code == 429  # still locked


def test_an_address_is_locked_whatever_the_account(client, worker, referent, settings):
    for i in range(settings.LOGIN_ADDRESS_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": f"inconnu{i}", "password": "x"}, REMOTE_ADDR="10.1.1.1")
    blocked = client.post(
        reverse("login"), {"username": "travailleuse", "password": PASSWORD}, REMOTE_ADDR="10.1.1.1"
    )
    assert blocked.status_code == 429 and not _logged_in(client)
    elsewhere = client.post(
        reverse("login"), {"username": "travailleuse", "password": PASSWORD}, REMOTE_ADDR="10.2.2.2"
    )
    assert elsewhere.status_code == 302 and _logged_in(client)


def test_behind_a_proxy_the_client_address_is_the_last_forwarded_hop(rf):
    from partez.accounts.throttling import client_ip

    request = rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7", REMOTE_ADDR="127.0.0.1")
    assert client_ip(request) == "127.0.0.1"
    with override_settings(TRUSTED_PROXY_COUNT=1):
        assert client_ip(request) == "203.0.113.7"  # the client cannot forge it with a first hop


def test_the_coordination_lists_and_unlocks_a_locked_account(client, worker, coordinator, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _log_in(client, "travailleuse", "pas-le-bon")
    assert _log_in(client, "travailleuse").status_code == 429

    staff = Client()
    staff.force_login(coordinator.user)
    page = staff.get(reverse("organisation_security"))
    assert page.status_code == 200
    assert "travailleuse" in page.content.decode()
    response = staff.post(reverse("login_unlock"), {"username": "travailleuse"})
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username="travailleuse").exists()
    entry = AuditLog.objects.get(action="login.unlock")
    assert entry.actor == coordinator.user and entry.changes == {"username": "travailleuse"}

    assert _log_in(client, "travailleuse").status_code == 302 and _logged_in(client)


def test_unlocking_nothing_is_a_french_refusal(client, coordinator):
    client.force_login(coordinator.user)
    response = client.post(reverse("login_unlock"), {"username": "personne"}, follow=True)
    assert "Ce blocage n&#x27;existe plus" in response.content.decode()
    assert not AuditLog.objects.filter(action="login.unlock").exists()


def test_axes_reset_command_stays_available(client, worker, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _log_in(client, "travailleuse", "pas-le-bon")
    call_command("axes_reset", verbosity=0)
    assert _log_in(client, "travailleuse").status_code == 302


# --- logins in the audit log ----------------------------------------------------------------------


def test_logins_failures_and_logouts_are_audited(client, worker):
    _log_in(client, "travailleuse", "pas-le-bon")
    _log_in(client, "quelqu-un-d-inconnu", "pas-le-bon")
    _log_in(client, "travailleuse")
    client.post(reverse("logout"))
    entries = list(AuditLog.objects.order_by("id").values_list("action", "changes"))
    assert [a for a, _ in entries] == ["login.failed", "login.failed", "login", "logout"]
    assert entries[0][1]["username"] == "travailleuse" and entries[0][1]["ip_address"] == "127.0.0.1"
    assert entries[1][1]["username"] == "quelqu-un-d-inconnu"
    assert entries[2][1]["second_factor"] == "ok"
    assert "password" not in str(entries)


# --- the second factor ----------------------------------------------------------------------------


def test_a_referent_without_device_must_enrol_before_anything_else(client, referent):
    response = _log_in(client, "referente")
    assert response.status_code == 302
    for url in (reverse("dashboard"), reverse("household_list"), reverse("members"), "/admin/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("second_factor_enrol")), url

    page = client.get(reverse("second_factor_enrol"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "<svg" in body and "Votre rôle demande un second facteur" in body
    device = TOTPDevice.objects.get(user=referent.user, confirmed=False)
    assert services.totp_secret(device) in body

    wrong = client.post(reverse("second_factor_enrol"), {"token": "000000"})
    assert "Ce code ne correspond pas" in wrong.content.decode()
    done = client.post(reverse("second_factor_enrol"), {"token": services.totp_now(device)})
    assert done.status_code == 200
    codes = re.findall(r"<li><code>([a-z0-9]+)</code></li>", done.content.decode())
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get(reverse("dashboard")).status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    assert AuditLog.objects.filter(action="second_factor.enrol", actor=referent.user).exists()


def test_force_login_without_verification_is_confined_too(client, coordinator):
    client.force_login(coordinator.user, verified=False)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302 and response.url.startswith(reverse("second_factor_enrol"))


def test_login_with_a_device_asks_for_its_code(client, coordinator):
    device = _enrolled(coordinator.user)
    _log_in(client, coordinator.user.username)
    response = client.get(reverse("dashboard"))
    assert response.url.startswith(reverse("second_factor_verify"))
    # the enrolment page cannot be used to replace the device before verifying it
    assert client.get(reverse("second_factor_enrol")).url == reverse("second_factor_verify")

    wrong = client.post(reverse("second_factor_verify"), {"token": "123456"})
    assert "Code incorrect" in wrong.content.decode()
    assert AuditLog.objects.filter(action="login.second_factor_failed").count() == 1

    device.refresh_from_db()
    device.throttling_failure_count = 0  # django-otp's growing delay after the wrong code
    device.throttling_failure_timestamp = None
    device.save()
    right = client.post(
        reverse("second_factor_verify"), {"token": services.totp_now(device, 1), "next": "/foyers/"}
    )
    assert right.status_code == 302 and right.url == "/foyers/"
    assert client.get(reverse("dashboard")).status_code == 200
    assert AuditLog.objects.filter(action="login.second_factor", changes__device="totp").exists()


def test_a_recovery_code_works_once(client, coordinator):
    _enrolled(coordinator.user)
    code = StaticToken.objects.filter(device__user=coordinator.user).first().token
    _log_in(client, coordinator.user.username)
    response = client.post(reverse("second_factor_verify"), {"token": code.upper()}, follow=True)
    assert response.status_code == 200
    assert "il vous en reste 9" in response.content.decode()
    client.post(reverse("logout"))

    _log_in(client, coordinator.user.username)
    again = client.post(reverse("second_factor_verify"), {"token": code})
    assert again.status_code == 200 and "Code incorrect ou déjà utilisé" in again.content.decode()
    assert client.get(reverse("dashboard")).status_code == 302


def test_a_social_worker_is_offered_the_second_factor_not_forced(client, worker):
    _log_in(client, "travailleuse")
    assert client.get(reverse("dashboard")).status_code == 200
    page = client.get(reverse("account_security")).content.decode()
    assert "Activer le second facteur" in page
    client.get(reverse("second_factor_enrol"))
    device = TOTPDevice.objects.get(user=worker.user, confirmed=False)
    client.post(reverse("second_factor_enrol"), {"token": services.totp_now(device)})
    client.post(reverse("logout"))
    _log_in(client, "travailleuse")
    assert client.get(reverse("dashboard")).url.startswith(reverse("second_factor_verify"))
    # they may remove it (their role does not require one)
    client.post(reverse("second_factor_verify"), {"token": services.totp_now(device, 1)})
    client.post(reverse("second_factor_remove"))
    assert not TOTPDevice.objects.filter(user=worker.user).exists()
    assert AuditLog.objects.filter(action="second_factor.remove", actor=worker.user).exists()


def test_a_required_second_factor_cannot_be_removed(client, referent):
    _enrolled(referent.user)
    client.force_login(referent.user)
    response = client.post(reverse("second_factor_remove"), follow=True)
    assert "vous pouvez le remplacer, pas le supprimer" in response.content.decode()
    assert TOTPDevice.objects.filter(user=referent.user, confirmed=True).exists()


def test_staff_without_membership_must_enrol(client, db):
    admin = factories.UserFactory(username="admin", is_staff=True, is_superuser=True)
    _log_in(client, admin.username)
    response = client.get("/admin/")
    assert response.status_code == 302 and response.url.startswith(reverse("second_factor_enrol"))


def test_the_coordination_sets_the_policy_per_role(client, coordinator, worker):
    client.force_login(coordinator.user)
    page = client.get(reverse("organisation_security")).content.decode()
    assert 'id="role-commune_referent" name="commune_referent" checked' in page
    response = client.post(
        reverse("organisation_security"),
        {"coordinator": "on", "commune_referent": "on", "social_worker": "on"},
    )
    assert response.status_code == 302
    assert services.policy()[Role.SOCIAL_WORKER] is True
    assert SecondFactorPolicy.objects.get(role=Role.SOCIAL_WORKER).updated_by == coordinator.user
    entry = AuditLog.objects.get(action="second_factor.policy")
    assert entry.changes == {"social_worker": [False, True]}

    other = Client()
    _log_in(other, "travailleuse")
    assert other.get(reverse("dashboard")).url.startswith(reverse("second_factor_enrol"))


def test_the_coordination_role_cannot_be_exempted(client, coordinator):
    client.force_login(coordinator.user)
    response = client.post(reverse("organisation_security"), {"commune_referent": "on"}, follow=True)
    assert "reste obligatoire pour la coordination" in response.content.decode()
    assert services.policy()[Role.COORDINATOR] is True
    assert not AuditLog.objects.filter(action="second_factor.policy").exists()


def test_the_coordination_resets_a_lost_device(client, coordinator, referent):
    _enrolled(referent.user)
    client.force_login(coordinator.user)
    response = client.post(reverse("second_factor_reset"), {"username": "referente"})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=referent.user).exists()
    assert not StaticToken.objects.filter(device__user=referent.user).exists()
    assert AuditLog.objects.get(action="second_factor.reset").actor == coordinator.user
    other = Client()
    _log_in(other, "referente")
    assert other.get(reverse("dashboard")).url.startswith(reverse("second_factor_enrol"))


def test_resetting_oneself_or_nobody_is_refused(client, coordinator):
    _enrolled(coordinator.user)
    client.force_login(coordinator.user)
    for username, message in (
        (coordinator.user.username, "votre propre second facteur"),
        ("x", "Aucun compte"),
    ):
        response = client.post(reverse("second_factor_reset"), {"username": username}, follow=True)
        assert message in response.content.decode()
    assert TOTPDevice.objects.filter(user=coordinator.user).exists()


def test_renewed_recovery_codes_replace_the_old_ones(client, worker):
    _enrolled(worker.user)
    old = set(StaticToken.objects.filter(device__user=worker.user).values_list("token", flat=True))
    client.force_login(worker.user)
    page = client.post(reverse("recovery_codes_renew")).content.decode()
    new = set(re.findall(r"<li><code>([a-z0-9]+)</code></li>", page))
    assert len(new) == 10 and not new & old
    assert set(StaticToken.objects.filter(device__user=worker.user).values_list("token", flat=True)) == new


# --- passwords ------------------------------------------------------------------------------------


def test_accepting_an_invitation_runs_the_password_validators(client, referent):
    invitation = services_invite(referent)
    for password, message in (("1234567890", "entièrement numérique"), ("azerty", "trop court")):
        response = client.post(
            reverse("invitation_accept", args=[invitation.token]),
            {"username": "nouvelle", "first_name": "N", "last_name": "V", "password": password},
        )
        assert response.status_code == 200
        assert message in response.content.decode(), password
    from partez.users.models import User

    assert not User.objects.filter(username="nouvelle").exists()
    assert Invitation.objects.get().accepted_at is None


def services_invite(referent):
    from partez.organisations import services as organisations

    return organisations.invitation_create(actor=referent, email="nouvelle@example.org", role="social_worker")


def test_password_change_validates_and_is_audited(client, worker):
    client.force_login(worker.user)
    assert client.get(reverse("password_change")).status_code == 200
    weak = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "12345", "new_password2": "12345"},
    )
    body = weak.content.decode()
    assert "Ce mot de passe est trop court" in body and "entièrement numérique" in body  # all at once
    strong = "une-phrase-bien-longue-2026"
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": strong, "new_password2": strong},
    )
    assert response.status_code == 302 and response.url == reverse("password_change_done")
    worker.user.refresh_from_db()
    assert worker.user.check_password(strong)
    assert AuditLog.objects.filter(action="password.change", actor=worker.user).exists()
    assert client.get(reverse("dashboard")).status_code == 200  # this session stays open


def test_password_reset_by_email(client, worker, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _log_in(client, "travailleuse", "oublie")
    response = client.post(reverse("password_reset"), {"email": worker.user.email})
    assert response.status_code == 302 and response.url == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "choisir un nouveau mot de passe" in body
    link = re.search(r"http://testserver(/mot-de-passe-oublie/\S+/)", body).group(1)
    form = client.get(link, follow=True)
    assert form.status_code == 200 and "Nouveau mot de passe" in form.content.decode()
    url = form.redirect_chain[-1][0]
    assert (
        "Ce mot de passe est trop court"
        in client.post(url, {"new_password1": "court", "new_password2": "court"}).content.decode()
    )
    strong = "une-autre-phrase-longue-2026"
    done = client.post(url, {"new_password1": strong, "new_password2": strong})
    assert done.status_code == 302 and done.url == reverse("password_reset_complete")
    assert AuditLog.objects.filter(action="password.reset", actor=worker.user).exists()
    # the reset lifted the lockout: the new password works at once
    assert _log_in(client, "travailleuse", strong).status_code == 302 and _logged_in(client)


def test_password_reset_says_the_same_for_an_unknown_address(client, db):
    response = client.post(reverse("password_reset"), {"email": "personne@example.org"})
    assert response.status_code == 302 and response.url == reverse("password_reset_done")
    assert not mail.outbox


# --- sessions, caching, logout --------------------------------------------------------------------


def test_an_idle_session_ends(client, worker, settings):
    client.force_login(worker.user)
    session = client.session
    session[LAST_SEEN] = int(time.time()) - settings.SESSION_IDLE_TIMEOUT - 1
    session.save()
    response = client.get(reverse("household_list"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert not _logged_in(client)
    assert "inactivité" in client.get(response.url).content.decode()


def test_an_active_session_goes_on(client, worker, settings):
    client.force_login(worker.user)
    session = client.session
    session[LAST_SEEN] = int(time.time()) - settings.SESSION_IDLE_TIMEOUT + 120
    session.save()
    assert client.get(reverse("dashboard")).status_code == 200
    assert client.session[LAST_SEEN] >= int(time.time()) - 5  # the activity was written


def test_shared_computer_ends_the_session_with_the_browser(client, worker):
    _log_in(client, "travailleuse", shared_computer="on")
    assert client.session.get_expire_at_browser_close()
    other = Client()
    _log_in(other, "travailleuse")
    assert not other.session.get_expire_at_browser_close()
    assert other.cookies["sessionid"]["max-age"]


def test_personal_pages_are_never_cached(client, worker):
    client.force_login(worker.user)
    for url in (reverse("dashboard"), reverse("household_list"), reverse("account_security")):
        cache_control = client.get(url)["Cache-Control"]
        assert "no-store" in cache_control and "private" in cache_control, url


def test_logout_clears_the_site_data(client, worker):
    client.force_login(worker.user)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache", "storage"'
    assert not _logged_in(client)


# --- who may open the new pages -------------------------------------------------------------------

ROLES = ["coordinator", "commune_referent", "social_worker", "funder", "volunteer", "host", "outsider"]
PERSONAL = ["account_security", "second_factor_enrol", "password_change", "password_change_done"]
COORDINATION = ["organisation_security"]
COORDINATION_POSTS = ["login_unlock", "second_factor_reset"]
PUBLIC = ["login", "password_reset", "password_reset_done", "password_reset_complete"]


def test_anonymous_access_to_the_new_pages(client, db):
    for name in PERSONAL + COORDINATION + ["second_factor_verify"]:
        response = client.get(reverse(name))
        assert response.status_code == 302 and response.url.startswith(reverse("login")), name
    for name in COORDINATION_POSTS + ["recovery_codes_renew", "second_factor_remove"]:
        response = client.post(reverse(name))
        assert response.status_code == 302 and response.url.startswith(reverse("login")), name
    for name in PUBLIC:
        assert client.get(reverse(name)).status_code == 200, name
    link = reverse("password_reset_confirm", args=["Mw", "set-password"])
    assert "plus valable" in client.get(link).content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_new_pages_per_role(client, members, role):
    client.force_login(members[role].user)
    for name in PERSONAL:
        assert client.get(reverse(name)).status_code == 200, f"{role} on {name}"
    # already verified: the verification page sends on
    assert client.get(reverse("second_factor_verify")).status_code == 302
    coordination = 200 if role == "coordinator" else 403
    for name in COORDINATION:
        assert client.get(reverse(name)).status_code == coordination, f"{role} on {name}"
    for name in COORDINATION_POSTS:
        assert client.post(reverse(name), {"username": "x"}).status_code == (
            302 if role == "coordinator" else 403
        )
    assert client.post(reverse("recovery_codes_renew")).status_code == 302  # no device yet: a message
    assert not AuditLog.objects.filter(action__in=["login.unlock", "second_factor.reset"]).exists()


def test_a_user_without_membership_has_an_account_page_only(client, db):
    client.force_login(factories.UserFactory())
    assert client.get(reverse("account_security")).status_code == 200
    assert client.get(reverse("organisation_security")).status_code == 403


def test_the_security_page_lists_lockouts_in_a_fixed_number_of_queries(
    client, coordinator, django_assert_max_num_queries
):
    now = dt.datetime.now(dt.UTC)
    AccessAttempt.objects.bulk_create(
        AccessAttempt(
            username=f"compte{i}",
            ip_address=f"10.3.0.{i}",
            user_agent="test",
            failures_since_start=50,
            attempt_time=now,
            get_data="",
            post_data="",
            http_accept="",
            path_info="/connexion/",
        )
        for i in range(30)
    )
    client.force_login(coordinator.user)
    with django_assert_max_num_queries(10):
        page = client.get(reverse("organisation_security"))
    assert page.content.decode().count("Débloquer<span") == 60  # 30 accounts and 30 addresses


def test_devices_and_lockouts_are_not_editable_in_the_admin():
    """Keys, recovery codes and lockouts change only through the audited services."""
    from django.contrib import admin

    assert not admin.site.is_registered(TOTPDevice)
    assert not admin.site.is_registered(StaticToken.device.field.related_model)
    assert not admin.site.is_registered(AccessAttempt)


# --- where a login lands ------------------------------------------------------------------------


def test_a_volunteer_lands_on_the_scan_page_others_on_the_dashboard(client, worker, coordinator_org):
    volunteer = factories.MembershipFactory(
        organisation=coordinator_org, role=Role.VOLUNTEER, user__username="benevole-test"
    )
    with mock.patch("partez.www.views.account.current_fete", return_value=object()):
        response = _log_in(client, volunteer.user.username)
    assert response.status_code == 302 and response["Location"] == reverse("scan_choose")
    client.post(reverse("logout"))
    response = _log_in(client, volunteer.user.username)  # no Fête this edition: the dashboard
    assert response["Location"] == reverse("dashboard")
    client.post(reverse("logout"))
    response = _log_in(client, worker.user.username)
    assert response["Location"] == reverse("dashboard")
    client.post(reverse("logout"))
    # a page asked for before logging in still wins
    with mock.patch("partez.www.views.account.current_fete", return_value=object()):
        response = client.post(
            reverse("login") + "?next=/foyers/", {"username": volunteer.user.username, "password": PASSWORD}
        )
    assert response["Location"] == "/foyers/"
