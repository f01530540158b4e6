"""Local development and `make demo`: embedded SQLite, console e-mail."""

from .base import *  # noqa: F403

DEBUG = True

WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
