"""A saved plan is reserved only if the rules still propose it for the project as it is now, and
the household's other reservations count as history (first departure, once a year)."""

import pytest

from partez.core.errors import DomainError
from partez.funding import services
from partez.funding.models import Envelope
from partez.projects.models import BudgetLine
from partez.projects.services import project_transition
from partez.schemes import situations
from tests import factories


def validate(project, worker, referent):
    project_transition(actor=worker, project=project, action="submit")
    project_transition(actor=referent, project=project, action="validate")


def test_a_plan_made_stale_by_a_budget_change_is_not_reserved(worker, referent, project, envelopes):
    services.plan_choose(actor=worker, project=project, index=0)  # chosen on a 600 € stay
    BudgetLine.objects.filter(project=project).update(amount_cents=10_000)  # now 100 €
    with pytest.raises(DomainError, match="ne correspond plus au projet"):
        validate(project, worker, referent)
    project.refresh_from_db()
    assert project.status == "submitted"
    assert all(e.reserved_cents == 0 for e in Envelope.objects.all())


def test_a_second_project_of_the_household_the_same_year_loses_once_a_year_aids(
    worker, referent, project, envelopes, household, edition
):
    services.plan_choose(actor=worker, project=project, index=0)
    validate(project, worker, referent)
    second = factories.draft_project(
        worker, household, edition, overlap_reason="Deux séjours distincts du foyer", checklist_received=True
    )
    evaluation = situations.evaluate_project(second)
    verdicts = {s.slug: s for s in evaluation.schemes}
    assert not verdicts["apv"].eligible  # first departure: the first project's APV is reserved
    assert "Premier départ (foyer)" in [c.label for c in verdicts["apv"].failed]
    assert not verdicts["sejour-individuel"].eligible  # once a year per household
    assert "apv" not in evaluation.plan.schemes and "sejour-individuel" not in evaluation.plan.schemes


def test_a_plan_chosen_before_the_other_project_was_reserved_is_refused(
    worker, referent, project, envelopes, household, edition
):
    second = factories.draft_project(
        worker, household, edition, overlap_reason="Deux séjours distincts du foyer", checklist_received=True
    )
    services.plan_choose(actor=worker, project=project, index=0)
    services.plan_choose(actor=worker, project=second, index=0)  # both chosen while nothing was reserved
    validate(project, worker, referent)
    with pytest.raises(DomainError, match="ne correspond plus au projet"):
        validate(second, worker, referent)
    apv = Envelope.objects.get(scheme__slug="apv")
    assert apv.reserved_cents == 30_000  # one APV, not two
