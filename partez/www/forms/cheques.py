"""The chèques-vacances pages' forms: an order of booklets."""

from __future__ import annotations

from django import forms

from partez.cheques import services
from partez.cheques.composition import DENOMINATIONS_CENTS
from partez.cheques.models import ChequeFormat
from partez.organisations.models import Organisation, OrganisationKind

BOOKLET_ROWS = 4
DENOMINATION_CHOICES = [("", "—")] + [(str(d), f"{d // 100} €") for d in DENOMINATIONS_CENTS]


class OrderForm(forms.Form):
    funder = forms.ModelChoiceField(
        label="Financeur",
        queryset=Organisation.objects.filter(kind=OrganisationKind.FUNDER, is_active=True).only("pk", "name"),
        empty_label="— choisir —",
    )
    reference = forms.CharField(label="Référence de la commande", max_length=40)
    ordered_on = forms.DateField(
        label="Date de commande", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, year: int, **kwargs):
        super().__init__(*args, **kwargs)
        for i in range(BOOKLET_ROWS):
            n = i + 1
            self.fields[f"denomination_{i}"] = forms.TypedChoiceField(
                label=f"Carnet {n} : valeur",
                choices=DENOMINATION_CHOICES,
                coerce=int,
                required=False,
                empty_value=None,
            )
            self.fields[f"first_{i}"] = forms.IntegerField(
                label=f"Carnet {n} : premier numéro", min_value=1, required=False
            )
            self.fields[f"count_{i}"] = forms.IntegerField(
                label=f"Carnet {n} : nombre de chèques",
                min_value=1,
                max_value=services.MAX_BOOKLET,
                required=False,
            )
            self.fields[f"year_{i}"] = forms.IntegerField(
                label=f"Carnet {n} : année d'émission", initial=year, required=False
            )
            self.fields[f"format_{i}"] = forms.ChoiceField(
                label=f"Carnet {n} : format",
                choices=ChequeFormat.choices,
                initial=ChequeFormat.CLASSIC,
                required=False,
            )

    def booklet_rows(self):
        return [
            [self[f"{name}_{i}"] for name in ("denomination", "first", "count", "year", "format")]
            for i in range(BOOKLET_ROWS)
        ]

    def booklets(self) -> list[services.BookletSpec]:
        out = []
        for i in range(BOOKLET_ROWS):
            d = self.cleaned_data.get(f"denomination_{i}")
            first = self.cleaned_data.get(f"first_{i}")
            count = self.cleaned_data.get(f"count_{i}")
            if d is None and first is None and count is None:
                continue
            if d is None or first is None or count is None:
                self.add_error(
                    f"denomination_{i}", "Indiquez la valeur, le premier numéro et le nombre de chèques."
                )
                continue
            out.append(
                services.BookletSpec(
                    first_serial=first,
                    count=count,
                    denomination_cents=d,
                    issue_year=self.cleaned_data.get(f"year_{i}") or 0,
                    format=self.cleaned_data.get(f"format_{i}") or ChequeFormat.CLASSIC,
                )
            )
        return out
