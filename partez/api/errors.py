"""One error shape for the whole API: ``{"detail": "<French sentence>", "errors": {"<field>": "<message>"}}``.

- 400: a domain rule refused the input (:class:`~partez.core.errors.DomainError`, raised by services);
- 401: no token, or an invalid / revoked one;
- 403: the role may not do this (:class:`~partez.core.errors.NotAllowed`);
- 404: the object does not exist *or* is outside the caller's organisation (never 403: that
  would reveal that it exists);
- 422: the request does not match the schema (ninja/pydantic), translated to French and keyed
  by the same field paths as domain errors (``persons[0].birth_date``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from partez.core.errors import DomainError, NotAllowed

E = TypeVar("E", bound=Exception)


class ObjectNotFound(Exception):
    """A 404 with a French message, optionally naming the request field that pointed at it."""

    def __init__(self, message: str, field: str | None = None):
        self.message = message
        self.errors = {field: message} if field else {}
        super().__init__(message)


def body(detail: str, errors: Mapping[str, str] | None = None) -> dict[str, Any]:
    return {"detail": detail, "errors": dict(errors or {})}


# --- 422: pydantic errors in French ----------------------------------------------------------

# The first element of ``loc`` is where the value came from; body values are nested under the
# view's body parameter, which every write endpoint of this API names ``payload``.
_SOURCES = {"body", "query", "path", "header", "cookie", "form", "file"}
_BODY_PARAM = "payload"

_MESSAGES = {
    "missing": "Ce champ est obligatoire.",
    "date_parsing": "Date invalide : format attendu AAAA-MM-JJ.",
    "date_from_datetime_parsing": "Date invalide : format attendu AAAA-MM-JJ.",
    "date_from_datetime_inexact": "Date invalide : format attendu AAAA-MM-JJ.",
    "date_type": "Date invalide : format attendu AAAA-MM-JJ.",
    "int_parsing": "Nombre entier attendu.",
    "int_type": "Nombre entier attendu.",
    "int_from_float": "Nombre entier attendu (montants en centimes).",
    "decimal_parsing": "Nombre décimal attendu.",
    "decimal_type": "Nombre décimal attendu.",
    "bool_parsing": "Booléen attendu (true ou false).",
    "bool_type": "Booléen attendu (true ou false).",
    "string_type": "Texte attendu.",
    "list_type": "Liste attendue.",
    "model_type": "Objet JSON attendu.",
    "model_attributes_type": "Objet JSON attendu.",
    "dict_type": "Objet JSON attendu.",
    "json_invalid": "Le corps de la requête n'est pas du JSON valide.",
    "greater_than_equal": "La valeur doit être supérieure ou égale à {ge}.",
    "greater_than": "La valeur doit être supérieure à {gt}.",
    "less_than_equal": "La valeur doit être inférieure ou égale à {le}.",
    "less_than": "La valeur doit être inférieure à {lt}.",
    "string_too_long": "Texte trop long ({max_length} caractères au plus).",
    "string_too_short": "Texte trop court ({min_length} caractère(s) au moins).",
    "too_short": "Au moins {min_length} élément(s) attendu(s).",
    "too_long": "Au plus {max_length} élément(s) attendu(s).",
    "enum": "Valeur inconnue : valeurs possibles {expected}.",
    "literal_error": "Valeur inconnue : valeurs possibles {expected}.",
    "extra_forbidden": "Champ inconnu.",
}


def field_path(loc: list | tuple) -> str:
    """``("body", "payload", "persons", 0, "birth_date")`` → ``"persons[0].birth_date"``."""
    parts = list(loc)
    if parts and parts[0] in _SOURCES:
        source = parts.pop(0)
        if source == "body" and parts and parts[0] == _BODY_PARAM:
            parts.pop(0)
    path = ""
    for part in parts:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path or "__all__"


def french_message(error: Mapping[str, Any]) -> str:
    template = _MESSAGES.get(error.get("type", ""))
    if template is None:
        return f"Valeur invalide ({error.get('msg', '')})."
    try:
        ctx = {k: str(v).replace(" or ", " ou ") for k, v in (error.get("ctx") or {}).items()}
        return template.format(**ctx)
    except (KeyError, IndexError):
        return template.split(":")[0] + "."


MAX_ERRORS = 40  # field errors reported at most; a note says when there were more


def validation_errors(errors: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for error in errors:
        path = field_path(error.get("loc", ()))
        if path not in out and len(out) >= MAX_ERRORS:
            out["__all__"] = f"Plus de {MAX_ERRORS} erreurs : corrigez celles-ci, puis renvoyez la demande."
            break
        out.setdefault(path, french_message(error))
    return out


# --- renaming service field names to the API's --------------------------------------------------


@contextmanager
def api_fields(renames: Mapping[str, str]) -> Iterator[None]:
    """Services name fields as their inputs do; where the API's body calls one differently
    (``consent`` → ``consent_scopes``), rename the keys of the DomainError on its way out.
    ``renames`` maps regular expressions (matched on the whole key) to replacements."""
    try:
        yield
    except DomainError as exc:
        renamed = {}
        for key, message in exc.errors.items():
            for pattern, replacement in renames.items():
                new_key, n = re.subn(rf"^{pattern}$", replacement, key)
                if n:
                    key = new_key
                    break
            renamed[key] = message
        exc.errors = renamed
        raise


# --- handlers ----------------------------------------------------------------------------------


def install(api: NinjaAPI) -> None:
    def respond(request: HttpRequest, status: int, detail: str, errors=None) -> HttpResponse:
        return api.create_response(request, body(detail, errors), status=status)

    def on_validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors = validation_errors(exc.errors)
        return respond(request, 422, f"Requête invalide : vérifiez {', '.join(errors)}.", errors)

    def on_domain(request: HttpRequest, exc: DomainError) -> HttpResponse:
        return respond(request, 400, exc.message, exc.errors)

    def on_not_allowed(request: HttpRequest, exc: NotAllowed) -> HttpResponse:
        return respond(request, 403, exc.message, exc.errors)

    def on_not_found(request: HttpRequest, exc: ObjectNotFound) -> HttpResponse:
        return respond(request, 404, exc.message, exc.errors)

    def on_http404(request: HttpRequest, exc: Http404) -> HttpResponse:
        return respond(request, 404, "Introuvable.")

    def on_authentication(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = respond(request, 401, exc.message)
        response["WWW-Authenticate"] = 'Bearer realm="partez"'
        return response

    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        message = exc.message
        if message.startswith("Cannot parse request body"):
            message = "Le corps de la requête n'est pas du JSON valide."
        return respond(request, exc.status_code, message)

    def handle(kind: type[E], handler: Callable[[HttpRequest, E], HttpResponse]) -> None:
        # django-ninja's annotation asks for a handler of ``E | type[E]``; it passes instances.
        api.add_exception_handler(kind, handler)  # type: ignore[arg-type]

    handle(ValidationError, on_validation)
    handle(DomainError, on_domain)
    handle(NotAllowed, on_not_allowed)
    handle(ObjectNotFound, on_not_found)
    handle(Http404, on_http404)
    handle(AuthenticationError, on_authentication)
    handle(HttpError, on_http_error)
