"""Production: every secret from the environment, HTTPS everywhere, PostgreSQL expected."""

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from config import env

from .base import *  # noqa: F403
from .base import BASE_DIR, DATABASES, DEFAULT_FROM_EMAIL, LOGGING

DEBUG = False
SECRET_KEY = env.require("SECRET_KEY")
ALLOWED_HOSTS = [h.strip() for h in env.get("ALLOWED_HOSTS", "").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in env.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.flag("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(env.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
# Cookies travel over HTTPS only. The flags exist for `make bench-web`, which serves the
# production settings over plain http on 127.0.0.1; never turn them off in a deployment.
SESSION_COOKIE_SECURE = env.flag("SESSION_COOKIE_SECURE", True)
CSRF_COOKIE_SECURE = env.flag("CSRF_COOKIE_SECURE", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Reuse connections across requests (DB_CONN_MAX_AGE, see config/env.py) and check them
# before reuse, so a PostgreSQL restart or a failover costs an error-free reconnect.
DATABASES = {"default": {**DATABASES["default"], "CONN_HEALTH_CHECKS": True}}

# The cache (the public pages' rate limits, the bilan's minute cache): Redis, shared by every
# worker. Without REDIS_URL each process counts on its own (the limits then apply per worker).
if env.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": env.get("REDIS_URL"),
            "KEY_PREFIX": env.get("CACHE_KEY_PREFIX", "partez"),
        }
    }

STATIC_ROOT = Path(env.get("STATIC_ROOT", str(BASE_DIR / "var" / "static")))
MEDIA_ROOT = Path(env.get("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

EMAIL_BACKEND = env.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env.flag("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env.flag("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = int(env.get("EMAIL_TIMEOUT", "10"))
SERVER_EMAIL = env.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
# django-anymail: EMAIL_BACKEND=anymail.backends.<provider>.EmailBackend and its settings as
# ANYMAIL_<NAME> variables (e.g. ANYMAIL_BREVO_API_KEY) — the Fête's invitations use it.
ANYMAIL = env.prefixed("ANYMAIL_")
# Fail closed: never a backend that prints messages (to the logs) instead of sending them.
if EMAIL_BACKEND.endswith(("console.EmailBackend", "locmem.EmailBackend", "filebased.EmailBackend")):
    raise ImproperlyConfigured(
        f"EMAIL_BACKEND={EMAIL_BACKEND} n'envoie rien : choisissez un vrai serveur d'envoi."
    )

# SMS (partez/fete/sms.py): a provider's backend, or partez.fete.sms.DisabledBackend to send none;
# the development backends (console, memory) are refused.
SMS_BACKEND = env.require("SMS_BACKEND")
if SMS_BACKEND in ("partez.fete.sms.ConsoleBackend", "partez.fete.sms.LocmemBackend"):
    raise ImproperlyConfigured(
        f"SMS_BACKEND={SMS_BACKEND} n'envoie rien (et écrirait les messages dans les journaux) : "
        "choisissez un fournisseur (partez.fete.sms.BrevoBackend) ou partez.fete.sms.DisabledBackend."
    )
if SMS_BACKEND == "partez.fete.sms.BrevoBackend":
    SMS_BREVO_API_KEY = env.require("SMS_BREVO_API_KEY")

LOGGING = {
    **LOGGING,  # the scrubbing filter on every handler (base.py)
    "root": {"handlers": ["console"], "level": "INFO"},
    # SQL statements (with their parameters: names, messages) are never logged in production.
    "loggers": {**LOGGING["loggers"], "django.db.backends": {"level": "WARNING"}},
}
