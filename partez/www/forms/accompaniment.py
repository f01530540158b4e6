"""The accompaniment's forms: the screening (one checkbox and one note per question of the
edition's sheet), a step, the mobility, the debrief, a workshop, a registration, the questions."""

from __future__ import annotations

from django import forms

from partez.accompaniment.models import Category, Mode, Phase, Theme, Who, Wish
from partez.accompaniment.selectors import Question
from partez.accompaniment.services import Answer

from .fields import DateInput, EurosField, euros_to_cents


class ScreeningForm(forms.Form):
    screened_on = forms.DateField(label="Date du repérage", widget=DateInput())
    left_to_pay = EurosField(
        label="Reste à payer estimé (€)",
        required=False,
        help_text="Ce que la famille devrait payer elle-même, si on le sait déjà.",
    )

    def __init__(self, *args, questions: list[Question], **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for q in questions:
            self.fields[f"q_{q.code}"] = forms.BooleanField(label=q.wording, required=False)
            self.fields[f"note_{q.code}"] = forms.CharField(
                label=f"Note : {q.wording.lower()}", required=False, max_length=300
            )

    def groups(self):
        """[(category label, [(checkbox, note)])] in the sheet's order."""
        grouped: dict[str, list] = {}
        for q in self.questions:
            grouped.setdefault(q.category_label, []).append((self[f"q_{q.code}"], self[f"note_{q.code}"]))
        return list(grouped.items())

    def answers(self):
        cd = self.cleaned_data
        return {
            q.code: Answer(bool(cd.get(f"q_{q.code}")), cd.get(f"note_{q.code}", "")) for q in self.questions
        }

    def left_to_pay_cents(self) -> int | None:
        return euros_to_cents(self.cleaned_data.get("left_to_pay"))


PHASES = dict(Phase.choices)


class StepForm(forms.Form):
    label = forms.CharField(label="Étape", max_length=200)
    due_on = forms.DateField(label="Pour le", required=False, widget=DateInput())
    who = forms.ChoiceField(label="Qui la fait", choices=Who.choices, initial=Who.TOGETHER)


class MobilityForm(forms.Form):
    mode = forms.ChoiceField(label="Comment la famille voyage", choices=[("", "— choisir —"), *Mode.choices])
    reduced_fares = forms.CharField(
        label="Réductions auxquelles le foyer a droit",
        required=False,
        max_length=200,
        help_text="Par exemple : carte Famille nombreuse, tarif solidaire régional.",
    )
    cost = EurosField(label="Coût du trajet (€)", required=False)
    note = forms.CharField(label="Précisions", required=False, max_length=300)

    def cost_cents(self) -> int:
        return euros_to_cents(self.cleaned_data.get("cost")) or 0


class DebriefForm(forms.Form):
    how_it_went = forms.CharField(
        label="Comment le séjour s'est passé", widget=forms.Textarea(attrs={"rows": 3})
    )
    what_helped = forms.CharField(
        label="Ce qui a aidé", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    what_to_change = forms.CharField(
        label="Ce qu'il faudrait changer", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    wish = forms.ChoiceField(label="L'an prochain, la famille souhaite", choices=Wish.choices)


class WorkshopForm(forms.Form):
    theme = forms.ChoiceField(label="Thème", choices=Theme.choices)
    title = forms.CharField(label="Intitulé", max_length=200)
    starts_at = forms.DateTimeField(
        label="Date et heure",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    place = forms.CharField(label="Lieu", max_length=200)
    capacity = forms.IntegerField(label="Nombre de places", min_value=1, max_value=500)


class ReportForm(forms.Form):
    covered = forms.CharField(
        label="Ce que l'atelier a abordé",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Écrit dans le journal de chaque famille présente.",
    )


class RegisterForm(forms.Form):
    workshop = forms.TypedChoiceField(label="Atelier", coerce=int)
    seats = forms.IntegerField(label="Nombre de places", min_value=1, max_value=10, initial=1)

    def __init__(self, *args, workshops=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["workshop"].choices = [
            (w.pk, f"{w.title} — {w.starts_at:%d/%m/%Y} ({w.place})") for w in workshops
        ]


class QuestionForm(forms.Form):
    code = forms.SlugField(label="Code", max_length=40)
    category = forms.ChoiceField(label="Famille de freins", choices=Category.choices)
    wording = forms.CharField(label="Question", max_length=200)
    is_active = forms.BooleanField(label="Posée", required=False, initial=True)


QuestionFormSet = forms.formset_factory(QuestionForm, extra=1, can_delete=False)
