"""The public simulator's form: field parsing only, then a plain dict for
:func:`partez.schemes.simulation.build`, which holds every rule (shared with the API).

The household is a formset of ``ROWS`` member rows so the page works without JavaScript (blank
rows are ignored); with JavaScript, rows are shown, added (up to ``MAX_ROWS``) and removed one by
one. Past departures are kept simple: per person, "already been on holiday" (any year, before
this stay) and "already helped this year by …" one scheme.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from partez.core.errors import DomainError
from partez.households.models import EmploymentSituation
from partez.schemes import engine
from partez.territory.selectors import commune_choices

from .fields import DateInput, EurosField, euros_to_cents
from .widgets import FastSelect

ROWS = 6  # member rows without JavaScript
MAX_ROWS = 12
PREFIX = "membres"
FORMAT_CHOICES = [("", "Je ne sais pas encore")] + [
    (code, label[:1].upper() + label[1:]) for code, label in engine.FORMAT_LABELS.items()
]
TAXABLE_CHOICES = [("", "Je ne sais pas"), ("non", "Non, non imposable"), ("oui", "Oui, imposable")]
RELATION_CHOICES = [("adult", "Adulte"), ("child", "Enfant à charge")]


class Euros(EurosField):
    """Euros typed the French way: « 450,50 », « 1 200 », « 80 € »."""

    def __init__(self, **kwargs):
        kwargs.setdefault("localize", True)
        kwargs.setdefault("max_digits", 12)
        super().__init__(**kwargs)
        self.widget.attrs.pop("step", None)  # a text input: the comma is allowed

    def to_python(self, value):
        if isinstance(value, str):
            for char in (" ", "\u00a0", "\u202f", "€"):
                value = value.replace(char, "")
        return super().to_python(value)


class SimulatorForm(forms.Form):
    commune = forms.ChoiceField(label="Commune de résidence", widget=FastSelect)
    start_date = forms.DateField(label="Date de départ", widget=DateInput())
    nights = forms.IntegerField(
        label="Nombre de nuits",
        required=False,
        help_text="Ou indiquez la date de retour.",
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    end_date = forms.DateField(label="Date de retour", required=False, widget=DateInput())
    cost = Euros(
        label="Coût total du séjour (€)",
        help_text="Hébergement, transport, activités… Par exemple : 450,50.",
    )
    lodging = Euros(
        label="Dont hébergement (€)",
        required=False,
        help_text="La part du coût pour se loger. Une place donnée ou une réduction ne couvre que "
        "l'hébergement : sans ce montant, elle n'est pas retirée du reste à charge.",
    )
    format = forms.ChoiceField(
        label="Type de séjour", required=False, choices=FORMAT_CHOICES, widget=FastSelect
    )
    annual_taxable_income = Euros(
        label="Revenus imposables annuels du foyer (€)",
        help_text="Après abattements, pour tout le foyer ; 0 s'il n'y en a pas.",
    )
    monthly_family_benefits = Euros(
        label="Prestations familiales par mois (€)",
        help_text="Allocations familiales, complément familial… ; 0 s'il n'y en a pas.",
    )
    rfr = Euros(
        label="Revenu fiscal de référence (€)",
        required=False,
        help_text="Sur l'avis d'imposition.",
    )
    tax_parts = forms.DecimalField(
        label="Nombre de parts fiscales",
        required=False,
        localize=True,
        max_digits=5,
        decimal_places=2,
        help_text="Sur l'avis d'imposition, par exemple 2,5.",
    )
    taxable = forms.ChoiceField(
        label="Le foyer est-il imposable ?", required=False, choices=TAXABLE_CHOICES, widget=FastSelect
    )
    couple = forms.ChoiceField(
        label="Deux adultes du foyer vivent-ils en couple ?",
        required=False,
        choices=[
            ("", "Oui, ou un seul adulte"),
            ("non", "Non (parent seul avec un enfant majeur, par exemple)"),
        ],
        widget=FastSelect,
        help_text="Pour compter les parts du quotient familial.",
    )

    STAY = ("commune", "start_date", "nights", "end_date", "cost", "lodging", "format")
    RESOURCES = ("annual_taxable_income", "monthly_family_benefits", "rfr", "tax_parts", "taxable", "couple")
    # Domain fields (simulation.build's keys) → this form's fields.
    FIELDS = {
        "date": "start_date",
        "nights": "nights",
        "end_date": "end_date",
        "commune": "commune",
        "cost_cents": "cost",
        "lodging_cents": "lodging",
        "format": "format",
        "household.annual_taxable_income_cents": "annual_taxable_income",
        "household.monthly_family_benefits_cents": "monthly_family_benefits",
        "household.rfr_cents": "rfr",
        "household.tax_parts": "tax_parts",
        "household.taxable": "taxable",
        "household.couple": "couple",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].choices = [("", "— choisir —"), *commune_choices()]
        self.fields["tax_parts"].widget.attrs["inputmode"] = "decimal"

    def stay_fields(self):
        return [self[name] for name in self.STAY]

    def resource_fields(self):
        return [self[name] for name in self.RESOURCES]


class MemberForm(forms.Form):
    first_name = forms.CharField(
        label="Prénom (facultatif)", required=False, max_length=40, help_text="Pour vous repérer."
    )
    birth_date = forms.DateField(label="Date de naissance", widget=DateInput())
    relation = forms.ChoiceField(label="Adulte ou enfant", choices=RELATION_CHOICES, widget=FastSelect)
    status = forms.ChoiceField(
        label="Situation", choices=EmploymentSituation.choices, initial="other", widget=FastSelect
    )
    disabled = forms.BooleanField(label="En situation de handicap", required=False)
    travels = forms.BooleanField(label="Part en vacances", required=False, initial=True)
    departed_before = forms.BooleanField(label="Déjà parti·e en vacances", required=False)
    helped_by = forms.ChoiceField(label="Déjà aidé·e cette année par", required=False, widget=FastSelect)

    IDENTITY = ("first_name", "birth_date", "relation", "status")
    CHECKS = ("disabled", "travels", "departed_before")
    # Domain fields of one member → this form's fields.
    FIELDS = {
        "birth_date": "birth_date",
        "relation": "relation",
        "status": "status",
        "disabled": "disabled",
        "label": "first_name",
    }

    def __init__(self, *args, schemes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["helped_by"].choices = [("", "aucun dispositif"), *schemes]
        # What "remove this person" puts back (static/js/simulator.js).
        for name in ("relation", "status", "helped_by"):
            initial = self.initial.get(name, self.fields[name].initial) or ""
            self.fields[name].widget.attrs["data-default"] = initial

    def is_blank(self) -> bool:
        """Left as it was shown: ignored (an unbound form counts as blank)."""
        return not self.is_bound or not self.has_changed()

    def identity_fields(self):
        return [self[name] for name in self.IDENTITY]

    def check_fields(self):
        return [self[name] for name in self.CHECKS]


class BaseMemberFormSet(forms.BaseFormSet):
    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        # The first person is an adult, the others children by default.
        kwargs["initial"] = {"relation": "adult" if index == 0 else "child"}
        return kwargs

    def filled(self) -> list[tuple[int, MemberForm]]:
        """(row index, form) of the rows the user filled; blank rows are ignored."""
        return [(i, f) for i, f in enumerate(self.forms) if not f.is_blank()]


MemberFormSet = forms.formset_factory(
    MemberForm,
    formset=BaseMemberFormSet,
    extra=ROWS,
    max_num=MAX_ROWS,
    absolute_max=MAX_ROWS,
    validate_max=True,
)


def member_id(index: int) -> str:
    return f"p{index + 1}"


def simulation_data(form: SimulatorForm, members: BaseMemberFormSet) -> tuple[dict, dict]:
    """The plain dict for ``simulation.build`` from two valid forms, and where its member paths
    (``household.members[0]``, ``household.past_departures[1]``) are on the page: (row, field)."""
    cd = form.cleaned_data
    start: dt.date = cd["start_date"]
    rows: dict[str, tuple[int, str | None]] = {}
    people: list[dict[str, Any]] = []
    past: list[dict[str, Any]] = []
    travellers = []
    for i, f in members.filled():
        m = f.cleaned_data
        pid = member_id(i)
        rows[f"household.members[{len(people)}]"] = (i, None)
        people.append(
            {
                "id": pid,
                "label": m["first_name"].strip() or f"Personne {i + 1}",
                "birth_date": m["birth_date"],
                "relation": m["relation"],
                "status": m["status"],
                "disabled": m["disabled"],
            }
        )
        if m["travels"]:
            travellers.append(pid)
        if m["departed_before"]:  # some year before this stay's: only "first departure" looks at it
            rows[f"household.past_departures[{len(past)}]"] = (i, "departed_before")
            past.append({"person": pid, "year": start.year - 1, "scheme": "other"})
        if m["helped_by"]:
            rows[f"household.past_departures[{len(past)}]"] = (i, "helped_by")
            past.append({"person": pid, "year": start.year, "scheme": m["helped_by"]})
    parts = cd.get("tax_parts")
    data = {
        "date": start,
        "nights": cd.get("nights"),
        "end_date": cd.get("end_date"),
        "commune": cd["commune"],
        "cost_cents": euros_to_cents(cd["cost"]),
        "lodging_cents": euros_to_cents(cd.get("lodging")),
        "format": cd.get("format") or None,
        "household": {
            "members": people,
            "annual_taxable_income_cents": euros_to_cents(cd.get("annual_taxable_income")) or 0,
            "monthly_family_benefits_cents": euros_to_cents(cd.get("monthly_family_benefits")) or 0,
            "rfr_cents": euros_to_cents(cd.get("rfr")),
            "tax_parts": None if parts is None else parts.normalize(),
            "taxable": {"oui": True, "non": False}.get(cd.get("taxable") or ""),
            "couple": False if cd.get("couple") == "non" else None,
            "past_departures": past,
        },
        # Only when some rows are filled: "nobody leaves" is then an error, not "everybody".
        "travellers": travellers if people else None,
    }
    return data, rows


def apply_errors(
    error: DomainError, form: SimulatorForm, members: BaseMemberFormSet, rows: dict
) -> list[str]:
    """Attach the simulator's errors (keyed by its field paths) to the form's fields; returns the
    errors about the household as a whole (no person, nobody leaves), shown above the rows."""
    household_errors = []
    for key, message in error.errors.items():
        head, _, leaf = key.rpartition(".")
        if key in SimulatorForm.FIELDS:
            form.add_error(SimulatorForm.FIELDS[key], message)
        elif head in rows:
            index, field = rows[head]
            members.forms[index].add_error(field or MemberForm.FIELDS.get(leaf), message)
        elif key.startswith("household") or key == "travellers":
            household_errors.append(message)
        else:
            form.add_error(None, message)
    return household_errors
