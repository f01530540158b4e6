"""Fields, widgets and conversions shared by the forms of every page."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from partez.core.collation import french_order
from partez.territory.models import Commune

from .widgets import FastSelect


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def euros_to_cents(value: Decimal | None) -> int | None:
    return None if value is None else int((value * 100).to_integral_value())


class EurosField(forms.DecimalField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 10)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", Decimal("0"))
        kwargs.setdefault("error_messages", {"min_value": "Le montant ne peut pas être négatif."})
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "step": "0.01"})


class CommuneChoiceField(forms.ModelChoiceField):
    widget = FastSelect

    def __init__(self, empty_label="— choisir —", **kwargs):
        super().__init__(
            queryset=Commune.objects.only("pk", "insee_code", "name").order_by(french_order("name")),
            to_field_name="insee_code",
            empty_label=empty_label,
            error_messages={"invalid_choice": "Commune inconnue : choisissez une commune du territoire."},
            **kwargs,
        )
