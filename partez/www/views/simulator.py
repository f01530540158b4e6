"""The public simulator « À quelles aides ai-je droit ? » (/simulateur/): no login, nothing stored.

The form's answers become a plain dict checked by ``partez.schemes.simulation.build`` — the same
function as ``POST /api/v1/simulate`` — and the pure engine answers. No session, no database
write: the page only reads the communes (cached), the edition of the stay's year and the
schemes. With htmx the form and its result are swapped in place; without it, the page reloads.
"""

from __future__ import annotations

from typing import Any

from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from partez.core.errors import DomainError
from partez.schemes import selectors, simulation

from ..forms import simulator as sf


@require_http_methods(["GET", "POST"])
def simulator(request):
    definitions = selectors.definitions()
    schemes = sorted(((d.slug, d.name) for d in definitions), key=lambda choice: choice[1])
    context = {"evaluation": None, "situation": None, "household_errors": []}
    if request.method == "POST":
        form = sf.SimulatorForm(request.POST)
        members = sf.MemberFormSet(request.POST, prefix=sf.PREFIX, form_kwargs={"schemes": schemes})
        valid = form.is_valid()
        valid = members.is_valid() and valid  # both validated, so every error shows at once
        if valid:
            data, rows = sf.simulation_data(form, members)
            try:
                sim, evaluation = simulation.simulate(data, definitions=definitions)
            except DomainError as exc:
                context["household_errors"] = sf.apply_errors(exc, form, members, rows)
            else:
                context.update(
                    evaluation=evaluation,
                    situation=sim.situation,
                    scheme_groups=_scheme_groups(evaluation),
                )
    else:
        form = sf.SimulatorForm()
        members = sf.MemberFormSet(prefix=sf.PREFIX, form_kwargs={"schemes": schemes})
    context.update(
        form=form,
        members=members,
        errors=_error_summary(form, members, context["household_errors"]),
        max_rows=sf.MAX_ROWS,
    )
    template = "www/simulator/_simulator.html" if request.htmx else "www/simulator/page.html"
    return render(request, template, context)


def _scheme_groups(evaluation) -> list[dict]:
    """The aids the household can get first, then the others, each group in the engine's order."""
    groups = [
        ("possibles", "Aides possibles pour ce séjour", [s for s in evaluation.schemes if s.eligible]),
        (
            "impossibles",
            "Aides non accessibles pour ce séjour",
            [s for s in evaluation.schemes if not s.eligible],
        ),
    ]
    return [{"key": key, "title": title, "schemes": schemes} for key, title, schemes in groups if schemes]


def _error_summary(form, members, household_errors) -> list[tuple[str, str, str]]:
    """(element id, what, message) for every error, in the page's order: the summary at the top
    of the form links to each field (GOV.UK / DSFR pattern)."""
    out: list[tuple[str, Any, Any]] = []
    if not form.is_bound:
        return out
    out += [("simulateur-form", "Formulaire", e) for e in form.non_field_errors()]
    for field in form.stay_fields():
        out += [(field.auto_id, field.label, e) for e in field.errors]
    out += [("membres", "Les personnes du foyer", e) for e in [*members.non_form_errors(), *household_errors]]
    for i, member in enumerate(members.forms):
        who = f"Personne {i + 1}"
        out += [(f"membre-{i}", who, e) for e in member.non_field_errors()]
        for field in member:
            out += [(field.auto_id, f"{who} — {field.label}", e) for e in field.errors]
    for field in form.resource_fields():
        out += [(field.auto_id, field.label, e) for e in field.errors]
    return out
