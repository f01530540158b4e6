"""Forms: field parsing only. Domain validation happens in services; their DomainError is
attached to the right field by :func:`apply_domain_error`."""

from __future__ import annotations

from django import forms

from partez.core.errors import DomainError


def apply_domain_error(form: forms.Form, error: DomainError, field_map: dict[str, str] | None = None) -> None:
    field_map = field_map or {}
    for field, message in error.errors.items():
        name = field_map.get(field, field)
        if name in form.fields:
            form.add_error(name, message)
        else:
            form.add_error(None, message)


def errors_text(form: forms.Form) -> str:
    """All of a form's error messages as one sentence (for forms posted from a detail page)."""
    return " ".join(str(e) for errs in form.errors.values() for e in errs)
