"""Forms: field parsing only. Domain validation happens in services; their DomainError is
attached to the right field by :func:`apply_domain_error`."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError

from partez.core.errors import DomainError
from partez.households.models import ConsentScope, EmploymentSituation, Relation, SchemeCode
from partez.organisations.models import Organisation, OrganisationKind, Role
from partez.projects.models import BudgetKind, JournalKind, ProjectFormat
from partez.territory.models import Commune, MilestoneKind
from partez.territory.selectors import commune_choices

from .widgets import FastSelect


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


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
    return " ".join(e for errs in form.errors.values() for e in errs)


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
            queryset=Commune.objects.only("pk", "insee_code", "name").order_by("name"),
            to_field_name="insee_code",
            empty_label=empty_label,
            error_messages={"invalid_choice": "Commune inconnue : choisissez une commune du territoire."},
            **kwargs,
        )


class HouseholdForm(forms.Form):
    commune = CommuneChoiceField(label="Commune de résidence")
    address = forms.CharField(label="Adresse", required=False, max_length=250)
    phone = forms.CharField(label="Téléphone", required=False, max_length=20)
    email = forms.EmailField(label="E-mail", required=False)
    caf_number = forms.CharField(label="N° allocataire CAF", required=False, max_length=20)
    annual_taxable_income = EurosField(
        label="Revenus imposables annuels après abattements (€)",
        initial=Decimal("0"),
        help_text="Tous les membres du foyer.",
    )
    monthly_family_benefits = EurosField(label="Prestations familiales mensuelles (€)", initial=Decimal("0"))
    rfr = EurosField(label="Revenu fiscal de référence (€)", required=False)
    tax_parts = forms.DecimalField(
        label="Parts fiscales", required=False, max_digits=4, decimal_places=2, min_value=1
    )
    is_taxable = forms.NullBooleanField(
        label="Imposable",
        required=False,
        widget=forms.Select(choices=[("unknown", "Non renseigné"), ("true", "Oui"), ("false", "Non")]),
    )


class PersonForm(forms.Form):
    first_name = forms.CharField(label="Prénom", max_length=80)
    last_name = forms.CharField(label="Nom", max_length=80)
    birth_date = forms.DateField(label="Date de naissance", widget=DateInput())
    relation = forms.ChoiceField(label="Lien", choices=Relation.choices, widget=FastSelect)
    employment = forms.ChoiceField(
        label="Situation", choices=EmploymentSituation.choices, initial="other", widget=FastSelect
    )
    has_disability = forms.BooleanField(label="Situation de handicap", required=False)


class BasePersonFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        filled = [f for f in self.forms if f.has_changed() and not self._should_delete_form(f)]
        if not filled:
            raise ValidationError("Ajoutez au moins une personne (le ou la demandeur·se).")


PersonFormSet = forms.formset_factory(PersonForm, formset=BasePersonFormSet, extra=0, min_num=1, max_num=15)


class ConsentForm(forms.Form):
    scopes = forms.MultipleChoiceField(
        label="Finalités acceptées par le foyer",
        choices=ConsentScope.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[ConsentScope.CASEWORK, ConsentScope.STATISTICS],
    )
    confirmed = forms.BooleanField(
        label="J'ai informé le foyer de l'usage de ses données et recueilli son consentement.",
        error_messages={"required": "Le consentement doit être recueilli avant de créer le foyer."},
    )


class PastDepartureForm(forms.Form):
    person = forms.TypedChoiceField(label="Personne", coerce=int, widget=FastSelect)
    year = forms.IntegerField(label="Année", min_value=1950, max_value=2100)
    scheme = forms.ChoiceField(label="Dispositif", choices=SchemeCode.choices, widget=FastSelect)

    def __init__(self, *args, persons=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [(p.pk, str(p)) for p in persons]


class FollowUpForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label="Structure", queryset=None, empty_label="— choisir —", widget=FastSelect
    )

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class ProjectForm(forms.Form):
    format = forms.ChoiceField(label="Format du séjour", choices=ProjectFormat.choices)
    travellers = forms.TypedMultipleChoiceField(
        label="Qui part ?",
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choisissez au moins une personne qui part.",
            "invalid_choice": "Une personne qui part n'appartient pas à ce foyer.",
        },
    )
    destination = forms.CharField(label="Destination", max_length=200, required=False)
    destination_department = forms.CharField(
        label="Département de destination", max_length=3, required=False, help_text="Par exemple 80, 76, 2A."
    )
    start_date = forms.DateField(label="Date de départ", required=False, widget=DateInput())
    end_date = forms.DateField(label="Date de retour", required=False, widget=DateInput())

    def __init__(self, *args, persons=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["travellers"].choices = [(p.pk, f"{p} ({p.birth_date:%d/%m/%Y})") for p in persons]
        for kind, label in BudgetKind.choices:
            self.fields[f"budget_{kind}"] = EurosField(label=f"{label} (€)", required=False)

    def budget_fields(self):
        return [self[f"budget_{kind}"] for kind in BudgetKind.values]

    def budget_lines(self) -> list[tuple[str, str, int]]:
        lines = []
        for kind, label in BudgetKind.choices:
            cents = euros_to_cents(self.cleaned_data.get(f"budget_{kind}"))
            if cents:
                lines.append((kind, label, cents))
        return lines


class TransitionForm(forms.Form):
    action = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(label="Motif", required=False, max_length=300)


class JournalForm(forms.Form):
    kind = forms.ChoiceField(
        label="Type", choices=JournalKind.choices, initial=JournalKind.NOTE, widget=FastSelect
    )
    text = forms.CharField(label="Contenu", widget=forms.Textarea(attrs={"rows": 3}))
    happens_at = forms.DateTimeField(
        label="Date et heure du rendez-vous",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"],
    )


class InvitationForm(forms.Form):
    email = forms.EmailField(label="Adresse e-mail")
    role = forms.ChoiceField(label="Rôle")

    def __init__(self, *args, roles=(), **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(Role.choices)
        self.fields["role"].choices = [(r, labels[r]) for r in roles]


class AcceptInvitationForm(forms.Form):
    username = forms.CharField(label="Identifiant", max_length=150)
    first_name = forms.CharField(label="Prénom", max_length=150)
    last_name = forms.CharField(label="Nom", max_length=150)
    # The validators (AUTH_PASSWORD_VALIDATORS) run in the service, with their French messages.
    password = forms.CharField(
        label="Mot de passe",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label="Nom du jeton", max_length=80, help_text="Par exemple « tablette stand Lens »."
    )


class HouseholdSearchForm(forms.Form):
    q = forms.CharField(label="Nom ou date de naissance", required=False)
    commune = forms.ChoiceField(label="Commune", required=False, widget=FastSelect)
    status = forms.ChoiceField(label="Statut d'un projet", required=False, widget=FastSelect)
    situation = forms.ChoiceField(
        label="Situation",
        required=False,
        choices=[("", "Toutes"), *EmploymentSituation.choices],
        widget=FastSelect,
    )

    def __init__(self, *args, **kwargs):
        from partez.projects.models import ProjectStatus

        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", "Tous"), ("none", "Sans projet"), *ProjectStatus.choices]
        self.fields["commune"].choices = [("", "Toutes"), *commune_choices()]


class EditionForm(forms.Form):
    year = forms.IntegerField(label="Année", min_value=2000, max_value=2100)
    name = forms.CharField(label="Nom", max_length=160)
    starts_on = forms.DateField(label="Début", widget=DateInput())
    ends_on = forms.DateField(label="Fin", widget=DateInput())
    communes = forms.MultipleChoiceField(
        label="Communes participantes",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Commune inconnue : choisissez des communes du territoire."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["communes"].choices = commune_choices()


class MilestoneForm(forms.Form):
    kind = forms.ChoiceField(label="Étape", choices=MilestoneKind.choices, widget=FastSelect)
    label = forms.CharField(label="Libellé (facultatif)", max_length=160, required=False)
    planned_on = forms.DateField(label="Date prévue", widget=DateInput())
    actual_on = forms.DateField(label="Date réelle", required=False, widget=DateInput())
    funder = forms.ModelChoiceField(
        label="Financeur (échéance de bilan)",
        queryset=Organisation.objects.filter(kind=OrganisationKind.FUNDER).order_by("name"),
        required=False,
    )
