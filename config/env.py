"""The one place where the environment is read.

Every setting that varies between machines comes from here, so a reader sees in one file
what a deployment must provide.
"""

import os
from pathlib import Path
from typing import Any, overload

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


@overload
def get(name: str, default: str) -> str: ...
@overload
def get(name: str, default: None = None) -> str | None: ...
def get(name: str, default: str | None = None) -> str | None:
    return os.environ.get(name, default)


def require(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise RuntimeError(f"La variable d'environnement {name} est obligatoire en production.")
    return value


def flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on", "oui"}


def database(default_sqlite: Path) -> dict[str, Any]:
    """PostgreSQL when DATABASE_URL is set, the embedded SQLite file otherwise."""
    url = os.environ.get("DATABASE_URL")
    if url:
        return dict(dj_database_url.parse(url, conn_max_age=int(get("DB_CONN_MAX_AGE", "60"))))
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(default_sqlite),
        # Keep connections (one per thread): the PRAGMAs below then run once, not per request.
        "CONN_MAX_AGE": int(get("DB_CONN_MAX_AGE", "60")),
        "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", "timeout": 20},
    }


def prefixed(prefix: str) -> dict[str, str]:
    """Every variable named ``<prefix>KEY`` as ``{KEY: value}`` (e.g. django-anymail's ``ANYMAIL_*``)."""
    return {
        k[len(prefix) :]: v for k, v in os.environ.items() if k.startswith(prefix) and len(k) > len(prefix)
    }
