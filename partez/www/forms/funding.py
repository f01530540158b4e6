"""Forms of the funding pages (envelopes, commune quotas, the plan chosen on a project): field
parsing only; the rules are in :mod:`partez.funding.services`."""

from __future__ import annotations

from django import forms

from partez.schemes.models import Scheme
from partez.territory.models import Edition

from .fields import CommuneChoiceField, EurosField
from .widgets import FastSelect


class EnvelopeForm(forms.Form):
    """Creation (scheme and edition) or edition (label and amount) of an envelope."""

    scheme = forms.ModelChoiceField(
        label="Dispositif financé",
        queryset=Scheme.objects.only("pk", "name").order_by("name"),
        empty_label="— choisir —",
        help_text="Le financeur est celui du dispositif.",
        widget=FastSelect,
    )
    edition = forms.ModelChoiceField(
        label="Édition",
        queryset=Edition.objects.only("pk", "year", "name").order_by("-year"),
        empty_label=None,
        widget=FastSelect,
    )
    label = forms.CharField(
        label="Libellé", max_length=120, required=False, help_text="Par défaut : le dispositif et l'année."
    )
    amount = EurosField(label="Montant de l'enveloppe (€)")

    def __init__(self, *args, envelope=None, **kwargs):
        super().__init__(*args, **kwargs)
        if envelope is not None:  # an envelope's scheme and edition never change
            del self.fields["scheme"]
            del self.fields["edition"]


class QuotaForm(forms.Form):
    commune = CommuneChoiceField(label="Commune")
    amount = EurosField(label="Quota (€)")


class PlanChoiceForm(forms.Form):
    """Which of the proposed plans (0 = the best, then the alternatives) and the schemes the page
    showed for it; amounts are never posted: the service computes them again."""

    index = forms.IntegerField(min_value=0, max_value=20, widget=forms.HiddenInput)
    schemes = forms.CharField(required=False, max_length=600, widget=forms.HiddenInput)

    def scheme_slugs(self) -> list[str] | None:
        """None when the page sent none (then the plan at ``index`` is taken as it is now)."""
        slugs = [s for s in self.cleaned_data["schemes"].split(",") if s]
        return slugs or None
