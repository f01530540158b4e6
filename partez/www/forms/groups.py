"""Forms of the group departure pages (field parsing only: the rules are the services')."""

from __future__ import annotations

from django import forms

from partez.groups import rules
from partez.groups.models import BudgetKind, Decision, Role, Scheme

from .fields import DateInput, EurosField, euros_to_cents


class GroupForm(forms.Form):
    scheme = forms.ChoiceField(label="Dispositif", choices=Scheme.choices, widget=forms.HiddenInput)
    name = forms.CharField(label="Nom du groupe", max_length=120)
    destination = forms.CharField(label="Destination", max_length=160)
    starts_on = forms.DateField(label="Départ", widget=DateInput())
    ends_on = forms.DateField(label="Retour", widget=DateInput())
    transport = forms.CharField(label="Transport", max_length=160, required=False)
    members = forms.MultipleChoiceField(
        label="Participant·es", widget=forms.CheckboxSelectMultiple, required=False
    )
    carers = forms.MultipleChoiceField(
        label="Aidant·es (Seniors en Vacances)", widget=forms.CheckboxSelectMultiple, required=False
    )
    stay = forms.TypedChoiceField(label="Option de séjour", coerce=int, required=False, empty_value=None)
    staff = forms.CharField(label="Car et accompagnant·es", max_length=250, required=False)

    def __init__(self, *args, persons=(), stays=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(str(p.pk), f"{p.first_name} {p.last_name} ({p.birth_date:%d/%m/%Y})") for p in persons]
        self.fields["members"].choices = choices
        self.fields["carers"].choices = choices
        self.fields["stay"].choices = [("", "— choisir —")] + [(s.pk, str(s)) for s in stays]


class MemberForm(forms.Form):
    person = forms.TypedChoiceField(label="Personne", coerce=int)
    role = forms.ChoiceField(label="Rôle", choices=Role.choices, initial=Role.PARTICIPANT)

    def __init__(self, *args, persons=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", "— choisir —")] + [
            (p.pk, f"{p.first_name} {p.last_name} ({p.birth_date:%d/%m/%Y})") for p in persons
        ]


class ProjectForm(forms.Form):
    """The young people's own project: where, how, what they want to do, the budget line by line."""

    destination = forms.CharField(label="Destination", max_length=160)
    transport = forms.CharField(label="Comment vous voyagez", max_length=160, required=False)
    wishes = forms.CharField(
        label="Ce que vous voulez faire", widget=forms.Textarea(attrs={"rows": 4}), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind, label in BudgetKind.choices:
            self.fields[f"budget_{kind}"] = EurosField(label=f"{label} (€)", required=False)

    def expense_fields(self):
        return [self[f"budget_{k}"] for k in BudgetKind.values if k in _EXPENSES]

    def resource_fields(self):
        return [self[f"budget_{k}"] for k in BudgetKind.values if k not in _EXPENSES]

    def budget_lines(self) -> list[tuple[str, str, int]]:
        lines = []
        for kind, label in BudgetKind.choices:
            cents = euros_to_cents(self.cleaned_data.get(f"budget_{kind}"))
            if cents:
                lines.append((kind, label, cents))
        return lines


_EXPENSES = {"transport", "accommodation", "food", "activities", "other_expense"}


class ReturnForm(forms.Form):
    member = forms.TypedChoiceField(label="Votre prénom", coerce=int)
    rating = forms.TypedChoiceField(
        label="Votre séjour, de 1 à 5",
        coerce=int,
        choices=[(i, str(i)) for i in range(1, 6)],
        widget=forms.RadioSelect,
    )
    went_well = forms.CharField(
        label="Ce qui s'est bien passé", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    difficulties = forms.CharField(
        label="Les difficultés", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    would_leave_again = forms.BooleanField(label="Je repartirais (seul·e ou en groupe)", required=False)

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = [("", "— choisir —")] + [(m.pk, m.person.first_name) for m in members]


class NoteForm(forms.Form):
    text = forms.CharField(label="Note", widget=forms.Textarea(attrs={"rows": 3}))


class SessionForm(forms.Form):
    held_on = forms.DateField(label="Date", widget=DateInput())
    place = forms.CharField(label="Lieu", max_length=160)
    jurors = forms.CharField(label="Membres du jury", max_length=400)


class AgendaForm(forms.Form):
    group = forms.TypedChoiceField(label="Groupe présenté", coerce=int)

    def __init__(self, *args, groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].choices = [("", "— choisir —")] + [
            (g.pk, f"{g.reference} — {g.name}") for g in groups
        ]


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label="Décision", choices=Decision.choices, widget=forms.RadioSelect)
    reasons = forms.CharField(
        label="Motifs communiqués au groupe", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, on=None, prefix=None, **kwargs):
        super().__init__(*args, prefix=prefix, **kwargs)
        top = int(rules.value("jury_score_max", on))
        self.grid = rules.jury_grid(on)
        for item in self.grid:
            self.fields[f"score_{item.key}"] = forms.TypedChoiceField(
                label=f"{item.label} (poids {item.weight})",
                coerce=int,
                choices=[("", "—")] + [(i, str(i)) for i in range(top + 1)],
            )

    def score_fields(self):
        return [self[f"score_{i.key}"] for i in self.grid]

    def scores(self) -> dict[str, int]:
        return {
            i.key: self.cleaned_data[f"score_{i.key}"]
            for i in self.grid
            if f"score_{i.key}" in self.cleaned_data
        }


class CeremonyForm(forms.Form):
    title = forms.CharField(label="Intitulé", max_length=200, initial="Remise des packs Sac Ados")
    starts_at = forms.DateTimeField(
        label="Date et heure", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    place = forms.CharField(label="Lieu", max_length=200)
    groups = forms.MultipleChoiceField(label="Groupes acceptés", widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["groups"].choices = [(str(g.pk), f"{g.reference} — {g.name}") for g in groups]


class StockForm(forms.Form):
    year = forms.IntegerField(label="Année", min_value=2000, max_value=2100)
    bags = forms.IntegerField(label="Sacs en stock", min_value=0)
    kits = forms.IntegerField(label="Kits de prévention en stock", min_value=0)


class HandOverForm(forms.Form):
    insurance_reference = forms.CharField(label="N° d'assurance nominative", max_length=40)
    bag = forms.BooleanField(label="Sac remis", required=False, initial=True)
    kit = forms.BooleanField(label="Kit de prévention remis", required=False, initial=True)
    signature_png_base64 = forms.CharField(widget=forms.HiddenInput, required=False)


class ApprovalForm(forms.Form):
    organisation = forms.TypedChoiceField(label="Structure relais", coerce=int)
    approved_on = forms.DateField(label="Agréée le", widget=DateInput())
    trained_professional = forms.CharField(label="Professionnel·le formé·e", max_length=120, required=False)
    trained_on = forms.DateField(label="Formation Sac Ados suivie le", widget=DateInput(), required=False)

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [("", "— choisir —")] + [(o.pk, o.name) for o in organisations]


class ConventionForm(forms.Form):
    year = forms.IntegerField(label="Année", min_value=2000, max_value=2100)
    places_granted = forms.IntegerField(label="Places accordées par l'ANCV", min_value=1)
    reference = forms.CharField(label="N° de convention", max_length=40, required=False)


class StayForm(forms.Form):
    provider = forms.CharField(label="Prestataire", max_length=160)
    place = forms.CharField(label="Lieu", max_length=160)
    starts_on = forms.DateField(label="Arrivée", widget=DateInput())
    nights = forms.TypedChoiceField(
        label="Durée", coerce=int, choices=[(7, "8 jours / 7 nuits"), (4, "5 jours / 4 nuits")]
    )
    price = EurosField(label="Prix par personne (€)")
    capacity = forms.IntegerField(label="Places de l'option", min_value=1)
    option_expires_on = forms.DateField(label="Option valable jusqu'au", widget=DateInput())

    def price_cents(self) -> int:
        return euros_to_cents(self.cleaned_data.get("price")) or 0
