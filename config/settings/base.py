"""Settings shared by every environment."""

import datetime as dt
from typing import Any

from config import env

BASE_DIR = env.BASE_DIR

SECRET_KEY = env.get("SECRET_KEY", "dev-only-not-secret-partez")
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", "testserver"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # domain apps
    "partez.users",
    "partez.core",
    "partez.territory",
    "partez.organisations",
    "partez.accounts",
    "partez.households",
    "partez.projects",
    "partez.schemes",
    "partez.funding",
    "partez.camping",
    "partez.cheques",
    "partez.fete",
    "partez.jobs",
    "partez.demo",
    "partez.reports",
    "partez.privacy",
    "partez.attendance",
    "partez.commissions",
    "partez.family",
    "partez.accompaniment",
    "partez.network",
    "partez.imports",
    "partez.groups",
    "partez.offers",
    # web apps
    "partez.www",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "partez.www.limits.PublicLimitsMiddleware",  # before CSRF, which reads a POST's body
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "partez.organisations.middleware.CurrentOrganisationMiddleware",
    "csp.middleware.CSPMiddleware",
    # idle timeout, second factor, never-cache on personal pages, Permissions-Policy
    "partez.www.security.AccountSecurityMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a lockout into the French login page (429)
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "partez.organisations.context_processors.current_organisation",
                "partez.www.navigation.navigation",
            ],
        },
    },
]

DATABASES = {"default": env.database(BASE_DIR / "var" / "partez.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "users.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"
# Axes first: it refuses any authentication of a locked-out account or address.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Every path that sets a password runs these (login forms, invitation, change, reset,
# createsuperuser); Django's French translations give the messages.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = BASE_DIR / "var" / "media"
MEDIA_URL = "/media-non-servi/"  # media are served only through scoped views

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

SESSION_COOKIE_AGE = 60 * 60 * 10  # a working day at most
# A session unused this long ends (partez.www.security); « ordinateur partagé » at login makes
# the cookie end with the browser as well.
SESSION_IDLE_TIMEOUT = int(env.get("SESSION_IDLE_TIMEOUT", str(30 * 60)))

# Login throttling (django-axes, partez/accounts/throttling.py): after AXES_FAILURE_LIMIT
# failures an account (whatever the address), after LOGIN_ADDRESS_FAILURE_LIMIT an address
# (whatever the accounts: an office shares one) is refused for AXES_COOLOFF_TIME, or until the
# coordination unlocks it (/organisation/securite/) or `manage.py axes_reset`.
AXES_HANDLER = "partez.accounts.throttling.LoginThrottle"
AXES_FAILURE_LIMIT = int(env.get("AXES_FAILURE_LIMIT", "10"))
LOGIN_ADDRESS_FAILURE_LIMIT = int(env.get("LOGIN_ADDRESS_FAILURE_LIMIT", "50"))
AXES_COOLOFF_TIME = dt.timedelta(minutes=int(env.get("AXES_COOLOFF_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "partez.www.views.account.lockout"
AXES_HTTP_RESPONSE_CODE = 429
# Behind nginx, REMOTE_ADDR is the proxy's: with TRUSTED_PROXY_COUNT=1 the client is read from
# the last hop of X-Forwarded-For that the proxy appended (partez.accounts.throttling.client_ip).
TRUSTED_PROXY_COUNT = int(env.get("TRUSTED_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "partez.accounts.throttling.client_ip"
AXES_VERBOSE = False
AXES_ENABLE_ADMIN = False  # unlocks go through the coordination's page (audited)

# Second factor (django-otp): the issuer shown in the authenticator app.
OTP_TOTP_ISSUER = "partez"
RECOVERY_CODES_COUNT = 10

# Headers. Scripts only from our own files (no inline script, no event-handler attribute:
# tests/www/test_headers.py renders the main pages and fails on one). Styles allow inline
# `style` attributes (htmx's indicator style, a few width bars) — scripts are what CSP guards.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# The camera serves the Fête's scan page only, on our own origin; nothing else is allowed.
PERMISSIONS_POLICY = (
    "camera=(self), microphone=(), geolocation=(), payment=(), usb=(), serial=(), "
    "bluetooth=(), midi=(), magnetometer=(), gyroscope=(), accelerometer=(), interest-cohort=()"
)
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False

# Background jobs: Django 6's tasks framework (backport), database backend — no broker needed.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env.get("DEFAULT_FROM_EMAIL", "partez <ne-pas-repondre@partez.localhost>")

# Fête des vacances: SMS invitations go through this backend (partez/fete/sms.py); e-mails
# through EMAIL_BACKEND (django-anymail's backends in production, e.g. anymail.backends.brevo.EmailBackend).
SMS_BACKEND = env.get("SMS_BACKEND", "partez.fete.sms.ConsoleBackend")
SMS_SENDER = env.get("SMS_SENDER", "PARTEZ")
SMS_BREVO_API_KEY = env.get("SMS_BREVO_API_KEY", "")
# The public address printed on invitations (RSVP link); the request's host when empty.
PUBLIC_BASE_URL = env.get("PUBLIC_BASE_URL", "")

# Pages and endpoints open without an account (by URL name): requests per client address
# ("30/m": 30 a minute; also /s, /h, /d, "10/30s") and the largest request body in bytes
# (partez/www/limits.py; 429 with Retry-After, 413). Counters live in the default cache: Redis in
# production (REDIS_URL), so every worker shares them.
PUBLIC_LIMITS = {
    "simulator": {"rate": "30/m", "max_body": 64 * 1024},
    "api-v1:simulate": {"rate": "30/m", "max_body": 64 * 1024},
    "survey": {"rate": "20/m", "max_body": 16 * 1024},
    "fete_rsvp": {"rate": "20/m", "max_body": 4 * 1024},
    # above the login throttling's address lockout (LOGIN_ADDRESS_FAILURE_LIMIT failures), which
    # speaks first; this one bounds the password hashing a flood of requests would cost
    "login": {"rate": "60/m", "max_body": 8 * 1024},
    "password_reset": {"rate": "10/m", "max_body": 8 * 1024},  # each one may send an e-mail
    "invitation_accept": {"rate": "20/m", "max_body": 8 * 1024},
    "bilan_public": {"rate": "60/m", "max_body": 0},
    "bilan_public_current": {"rate": "60/m", "max_body": 0},
    "groups_public": {"rate": "20/m", "max_body": 16 * 1024},
    # the families' space: a link's token or a letter's code is the key (partez.family)
    "family_enter": {"rate": "20/m", "max_body": 0},
    "family_code": {"rate": "10/m", "max_body": 4 * 1024},
    "family_sms": {"rate": "10/m", "max_body": 4 * 1024},
    "family_testimonies": {"rate": "60/m", "max_body": 0},
    "family_testimony_photo": {"rate": "120/m", "max_body": 0},
    "network_event_public": {"rate": "20/m", "max_body": 8 * 1024},  # each registration sends an e-mail
    "network_resources": {"rate": "60/m", "max_body": 0},
    "network_resource_download": {"rate": "30/m", "max_body": 0},
}
# The client address: partez.accounts.throttling.client_ip (TRUSTED_PROXY_COUNT, above).
# Elsewhere Django's own caps hold: DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB, files excepted) and
# DATA_UPLOAD_MAX_NUMBER_FIELDS (1 000) answer 400 beyond.

# Invitations to join an organisation expire after this many days.
INVITATION_VALIDITY_DAYS = 14

# Every handler scrubs what it writes: no search term, survey token or RSVP code in the logs
# (partez/core/logscrub.py; gunicorn's access log: config/gunicorn.py).
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"scrub": {"()": "partez.core.logscrub.ScrubFilter"}},
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["scrub"]},
        # runserver's request lines (Django's own handler, with the filter)
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["scrub"],
        },
    },
    "loggers": {"django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
