"""Production settings pass Django's deployment checklist (`manage.py check --deploy`).

Each check runs in a subprocess, because the settings module is chosen at start-up and the
test process already runs config.settings.test.
"""

import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings

MANAGE = settings.BASE_DIR / "manage.py"


def check_deploy(**extra_env: str | None) -> subprocess.CompletedProcess:
    """``manage.py check --deploy`` on the production settings (an ``extra_env`` value of None
    removes the variable)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SECURE_", "SESSION_", "CSRF_")) and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.prod",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="partez.example.org",
        CSRF_TRUSTED_ORIGINS="https://partez.example.org",
    )
    env.update(
        {"SMS_BACKEND": "partez.fete.sms.BrevoBackend", "SMS_BREVO_API_KEY": "xkeysib-test", **extra_env}
    )
    env = {k: v for k, v in env.items() if v is not None}
    return subprocess.run(
        [sys.executable, str(MANAGE), "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_prod_settings_pass_check_deploy():
    result = check_deploy()
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues (0 silenced)." in output


def test_check_deploy_flags_insecure_cookies():
    """The bench's plain-http switch is caught by the same check (so the test above can fail)."""
    result = check_deploy(SESSION_COOKIE_SECURE="0")
    assert result.returncode != 0
    assert "security.W012" in result.stdout + result.stderr


def test_prod_settings_require_a_secret_key():
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.prod"
    result = subprocess.run(
        [sys.executable, str(MANAGE), "check"], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"SMS_BACKEND": None}, "SMS_BACKEND"),
        ({"SMS_BACKEND": "partez.fete.sms.ConsoleBackend"}, "SMS_BACKEND"),
        ({"SMS_BACKEND": "partez.fete.sms.LocmemBackend"}, "SMS_BACKEND"),
        ({"SMS_BREVO_API_KEY": None}, "SMS_BREVO_API_KEY"),
        ({"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}, "EMAIL_BACKEND"),
    ],
)
def test_production_refuses_to_start_without_a_real_sms_or_mail_backend(extra, message):
    """Fail closed: no silent console (which would also print every message's text to the logs)."""
    result = check_deploy(**extra)
    assert result.returncode != 0 and message in result.stderr, result.stdout + result.stderr


def test_production_may_say_it_sends_no_sms():
    result = check_deploy(SMS_BACKEND="partez.fete.sms.DisabledBackend", SMS_BREVO_API_KEY=None)
    assert result.returncode == 0, result.stdout + result.stderr
