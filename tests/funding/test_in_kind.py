"""A place given in kind is never charged to an envelope of euros (issue 13, item 6): even when
the coordination has opened an envelope for the scheme, the donated week's plan line draws on no
envelope, and validating the project reserves nothing on it (run on PostgreSQL too)."""

import pytest
from django.utils import timezone

from partez.funding import selectors, services
from partez.funding.models import Commitment
from partez.projects.services import project_transition
from partez.schemes import situations
from partez.schemes.models import Scheme
from tests import factories

pytestmark = pytest.mark.django_db

WEEK = "je-pars-tu-pars-il-part"


def test_a_donated_week_draws_on_no_envelope(
    coordination, worker, referent, household, edition, commune, funders
):
    edition.communes.add(commune)
    project = factories.draft_project(
        worker,
        household,
        edition,
        format="hosting",
        budget=(("lodging", "Gîte donné (valeur)", 30_000), ("transport", "Train", 20_000)),
        checklist_received=True,
    )
    envelope = services.envelope_save(
        actor=coordination,
        data=services.EnvelopeInput(
            amount_cents=1_000_000, scheme=Scheme.objects.get(slug=WEEK), edition=edition
        ),
    )
    evaluation = situations.evaluate_project(project)
    plans = [evaluation.plan, *evaluation.alternatives]
    index = next(i for i, p in enumerate(plans) if WEEK in p.schemes)
    week = next(line for line in plans[index].lines if line.scheme == WEEK)
    assert week.in_kind and week.aid_cents <= 30_000  # the lodging at most, never the train
    plan = services.plan_choose(actor=worker, project=project, index=index)
    assert plan.lines.get(scheme__slug=WEEK).envelope is None
    project.checklist.update(received_at=timezone.now())
    project_transition(actor=worker, project=project, action="submit")
    project_transition(actor=referent, project=project, action="validate")
    envelope.refresh_from_db()
    assert (envelope.reserved_cents, envelope.consumed_cents) == (0, 0)
    assert not Commitment.objects.filter(envelope=envelope).exists()
    assert selectors.ledger_sums(envelope.pk) == (0, 0)
