"""The scheme catalogue (every member reads the rules) and rule editing by the coordination.

Every change — a dated value added, corrected or deleted, the whole definition in the YAML editor,
activation — goes through ``schemes.services``: the definition is validated as a whole, nothing
invalid is saved, and each saved change is a new version with its motive."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from partez.core import french
from partez.core.errors import DomainError
from partez.organisations import perms
from partez.schemes import catalogue, edits, selectors, services
from partez.schemes.cases import run_cases
from partez.schemes.definition import CHANNELS, parse
from partez.schemes.describe import UNIT_LABELS, describe, diff_definitions, format_value, table_keys
from partez.schemes.models import Scheme

from ..access import membership_required
from ..forms import schemes as forms


def _scheme(slug: str) -> Scheme:
    return get_object_or_404(Scheme.objects.select_related("funder"), slug=slug)


def _parameter(scheme: Scheme, name: str) -> dict:
    spec = (scheme.definition.get("parameters") or {}).get(name)
    if not isinstance(spec, dict):
        raise Http404("Paramètre inconnu.")
    return spec


def _start(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise Http404("Date invalide.") from exc


def _dated_value(slug: str, name: str, start: str) -> tuple[Scheme, dict, dt.date, dict]:
    """The scheme, the parameter's spec, the date and the stored ``{from, value, source}`` — or 404."""
    scheme = _scheme(slug)
    spec = _parameter(scheme, name)
    old_start = _start(start)
    try:
        item = edits.find_value(scheme.definition, name, old_start)
    except edits.UnknownValue as exc:
        raise Http404("Valeur inconnue.") from exc
    return scheme, spec, old_start, item


def _detail_url(scheme: Scheme, anchor: str = "") -> str:
    url = reverse("scheme_detail", args=[scheme.slug])
    return f"{url}#{anchor}" if anchor else url


@membership_required()
def scheme_list(request, m):
    rows = [
        {
            "scheme": s,
            "funder": (s.definition.get("funder") or {}).get("name", ""),
            "example": bool(s.definition.get("editable_example")),
        }
        for s in Scheme.objects.order_by("name")
    ]
    rows.sort(key=lambda row: french.sort_key(row["scheme"].name))
    examples = [row["scheme"].name for row in rows if row["example"]]
    return render(request, "www/schemes/list.html", {"rows": rows, "examples": examples})


def _parameter_rows(d, on: dt.date, scheme: Scheme, can_manage: bool) -> list[dict]:
    keys = table_keys(d)
    rows = []
    for name, parameter in d.parameters.items():
        label, unit = d.parameter_labels[name]
        in_force = parameter.in_force(on)
        values = []
        for v in parameter.values:
            status = "en vigueur" if v is in_force else ("à venir" if v.start > on else "remplacée")
            values.append(
                {
                    "start": v.start,
                    "text": format_value(unit, v.value, keys.get(name, "")),
                    "source": v.source,
                    "source_host": urlsplit(v.source).netloc or v.source,
                    "status": status,
                    "edit_url": reverse("scheme_value_edit", args=[scheme.slug, name, v.start.isoformat()])
                    if can_manage and unit not in forms.UNSUPPORTED_UNITS
                    else "",
                    "delete_url": reverse(
                        "scheme_value_delete", args=[scheme.slug, name, v.start.isoformat()]
                    )
                    if can_manage
                    else "",
                }
            )
        rows.append(
            {
                "name": name,
                "label": label,
                "unit": UNIT_LABELS.get(unit, unit),
                "structured": unit not in forms.UNSUPPORTED_UNITS,
                "short": unit not in {"months", "statuses", "table"},  # a number: never wrapped
                "values": values,
            }
        )
    return rows


def _versions(scheme: Scheme) -> list[dict]:
    versions = list(scheme.versions.select_related("created_by").order_by("number"))
    rows = []
    previous = None
    for v in versions:
        changes: list[str] = (
            diff_definitions(previous.definition, v.definition) if previous is not None else []
        )
        rows.append({"version": v, "changes": changes, "first": previous is None})
        previous = v
    return rows[::-1]


@membership_required()
def scheme_detail(request, m, slug):
    scheme = _scheme(slug)
    d = parse(scheme.definition, version=scheme.version)
    date_form = forms.RulesDateForm(request.GET or None)
    on = timezone.localdate()
    if date_form.is_valid() and date_form.cleaned_data["au"]:
        on = date_form.cleaned_data["au"]
    others = selectors.definitions(include_inactive=True)
    names = {o.slug: o.name for o in others}
    can_manage = perms.can_manage_schemes(m)
    cases = run_cases(d, catalogue.cases(scheme.slug), names)
    context = {
        "scheme": scheme,
        "d": d,
        "channel": CHANNELS.get(d.channel, d.channel),
        "on": on,
        "today": on == timezone.localdate(),
        "date_form": date_form,
        "description": describe(d, on, others),
        "parameters": _parameter_rows(d, on, scheme, can_manage),
        "cases": cases,
        "cases_passed": sum(c.passed for c in cases),
        "versions": _versions(scheme),
        "can_manage": can_manage,
        "can_view_audit": perms.can_view_audit(m),
    }
    return render(request, "www/schemes/detail.html", context)


def _save(request, m, scheme: Scheme, form, definition: dict, *, parameter: str = "", done: str) -> bool:
    """Hand the new definition to the service; its errors go on the form. True when saved."""
    try:
        saved = services.scheme_update(
            actor=m,
            scheme=scheme,
            definition=definition,
            comment=form.cleaned_data["comment"],
            expected_version=form.cleaned_data.get("version"),
        )
    except DomainError as exc:
        forms.apply_definition_error(form, exc, parameter=parameter)
        return False
    messages.success(request, f"{done} Règles de « {saved.name} » enregistrées en version {saved.version}.")
    return True


def _value_page(request, scheme: Scheme, name: str, spec: dict, form, title: str):
    d = parse(scheme.definition, version=scheme.version)
    key = table_keys(d).get(name, "")
    _label, unit = d.parameter_labels[name]
    existing = [(v.start, format_value(unit, v.value, key)) for v in d.parameters[name].values]
    context = {
        "scheme": scheme,
        "name": name,
        "spec": spec,
        "form": form,
        "title": title,
        "existing": existing,
    }
    return render(request, "www/schemes/value_form.html", context)


@membership_required(perms.can_manage_schemes)
def scheme_value_add(request, m, slug, name):
    scheme = _scheme(slug)
    spec = _parameter(scheme, name)
    title = f"Ajouter une valeur datée : {spec.get('label', name)}"
    if spec.get("unit") in forms.UNSUPPORTED_UNITS:
        return _value_page(request, scheme, name, spec, None, title)
    form = forms.DatedValueForm(request.POST or None, unit=spec["unit"], current_version=scheme.version)
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        definition = edits.value_added(
            scheme.definition, name, start=cd["start"], value=form.stored_value(), source=cd["source"]
        )
        if _save(request, m, scheme, form, definition, parameter=name, done="Valeur ajoutée."):
            return redirect(_detail_url(scheme, f"param-{name}"))
    return _value_page(request, scheme, name, spec, form, title)


@membership_required(perms.can_manage_schemes)
def scheme_value_edit(request, m, slug, name, start):
    scheme, spec, old_start, item = _dated_value(slug, name, start)
    title = f"Corriger la valeur du {old_start:%d/%m/%Y} : {spec.get('label', name)}"
    if spec.get("unit") in forms.UNSUPPORTED_UNITS:
        return _value_page(request, scheme, name, spec, None, title)
    initial = {
        **forms.DatedValueForm.initial_for(item),
        "value": forms.to_initial(spec["unit"], item["value"]),
    }
    form = forms.DatedValueForm(
        request.POST or None, unit=spec["unit"], current_version=scheme.version, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        definition = edits.value_replaced(
            scheme.definition,
            name,
            old_start,
            start=cd["start"],
            value=form.stored_value(),
            source=cd["source"],
        )
        if _save(request, m, scheme, form, definition, parameter=name, done="Valeur corrigée."):
            return redirect(_detail_url(scheme, f"param-{name}"))
    return _value_page(request, scheme, name, spec, form, title)


@membership_required(perms.can_manage_schemes)
def scheme_value_delete(request, m, slug, name, start):
    scheme, spec, old_start, item = _dated_value(slug, name, start)
    form = forms.DeleteValueForm(request.POST or None, current_version=scheme.version)
    if request.method == "POST" and form.is_valid():
        definition = edits.value_removed(scheme.definition, name, old_start)
        if _save(request, m, scheme, form, definition, parameter=name, done="Valeur supprimée."):
            return redirect(_detail_url(scheme, f"param-{name}"))
    keys = table_keys(parse(scheme.definition, version=scheme.version))
    context = {
        "scheme": scheme,
        "name": name,
        "spec": spec,
        "form": form,
        "start": old_start,
        "value_text": format_value(spec.get("unit", ""), item.get("value"), keys.get(name, "")),
        "source": item.get("source", ""),
    }
    return render(request, "www/schemes/value_delete.html", context)


@membership_required(perms.can_manage_schemes)
def scheme_edit(request, m, slug):
    """The advanced editor: the whole definition as YAML."""
    scheme = _scheme(slug)
    form = forms.DefinitionYamlForm(
        request.POST or None,
        initial={"text": forms.definition_to_yaml(scheme.definition)},
        current_version=scheme.version,
    )
    posted = request.method == "POST" and form.is_valid()
    if posted and _save(request, m, scheme, form, form.cleaned_data["text"], done="Définition modifiée."):
        return redirect(_detail_url(scheme))
    return render(request, "www/schemes/edit.html", {"scheme": scheme, "form": form})


@require_POST
@membership_required(perms.can_manage_schemes)
def scheme_activation(request, m, slug):
    scheme = _scheme(slug)
    form = forms.ActivationForm(request.POST)
    if form.is_valid():
        active = form.cleaned_data["active"]
        services.scheme_set_active(actor=m, scheme=scheme, active=active)
        messages.success(request, f"« {scheme.name} » est {'actif' if active else 'suspendu'}.")
    else:
        messages.error(request, "Action inconnue.")
    return redirect(_detail_url(scheme))
