"""The campaign allocation end to end: inputs from the database, the job, the review, applying it."""

import pytest

from partez.funding import allocation, campaign
from partez.funding.models import AllocationDecision, AllocationRun, AllocationStatus
from partez.jobs.models import Job, JobStatus
from partez.organisations.models import Role
from partez.projects.models import ProjectStatus
from partez.projects.services import project_transition
from tests import factories
from tests.factories.campaign import submitted_projects


@pytest.fixture
def coordinator(coordinator_org):
    return factories.MembershipFactory(
        organisation=coordinator_org, role=Role.COORDINATOR, user__username="coordinatrice"
    )


@pytest.fixture
def campaign_setup(db, worker, coordinator, edition, commune):
    return submitted_projects(worker=worker, edition=edition, commune=commune)


def test_inputs_are_the_submitted_projects_and_their_plans(campaign_setup, edition):
    projects, envelope = campaign_setup
    items, envelopes, meta = campaign.allocation_inputs(edition)
    assert {p.id for p in items} == {str(p.pk) for p in projects}
    assert envelopes == [allocation.EnvelopeIn(id=str(envelope.pk), available_cents=40_000, quotas={})]
    first = next(p for p in items if p.id == str(projects[0].pk))
    assert first.people == 1 and first.first_departure
    # option 0 is the page's proposed plan: APV 50 % of 400 € = 200 € from the ANCV envelope
    assert first.options[0].lines == (allocation.Line(envelope=str(envelope.pk), amount_cents=20_000),)


def test_run_review_and_apply(campaign_setup, edition, coordinator):
    projects, envelope = campaign_setup
    job = campaign.allocation_start(
        actor=coordinator, edition=edition, priorities=allocation.Priorities(), time_limit=5
    )  # the test settings run jobs immediately
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.error
    run = AllocationRun.objects.get()
    assert job.result_url == f"/financements/repartition/{run.pk}/"
    assert run.results["solver"]["people_funded"] == 2  # the envelope pays two APVs of 200 €
    assert run.results["fcfs"]["people_funded"] == 2
    assert run.decisions.filter(option__isnull=False).count() == 2
    apply_job = campaign.allocation_apply_start(actor=coordinator, run=run)
    apply_job.refresh_from_db()
    assert apply_job.status == JobStatus.DONE, apply_job.error
    run.refresh_from_db()
    envelope.refresh_from_db()
    assert run.status == AllocationStatus.APPLIED
    assert envelope.reserved_cents == 40_000 and envelope.available_cents == 0
    funded = AllocationDecision.objects.filter(run=run, option__isnull=False)
    assert all(d.outcome == "applied" for d in funded)
    statuses = {p.pk: p.status for p in type(projects[0]).objects.filter(pk__in=[p.pk for p in projects])}
    assert sorted(statuses.values()) == [
        ProjectStatus.SUBMITTED,
        ProjectStatus.VALIDATED,
        ProjectStatus.VALIDATED,
    ]
    with pytest.raises(Exception, match="plus proposée"):
        campaign.allocation_apply_start(actor=coordinator, run=run)


def test_a_project_changed_before_applying_is_skipped_with_the_reason(
    campaign_setup, edition, coordinator, worker
):
    projects, _envelope = campaign_setup
    campaign.allocation_start(
        actor=coordinator, edition=edition, priorities=allocation.Priorities(), time_limit=5
    )
    run = AllocationRun.objects.get()
    decision = run.decisions.filter(option__isnull=False).first()
    project_transition(actor=worker, project=decision.project, action="withdraw", reason="Ne part plus")
    campaign.allocation_apply_start(actor=coordinator, run=run)
    decision.refresh_from_db()
    assert decision.outcome == "skipped" and decision.outcome_message


def test_only_the_coordination_allocates(campaign_setup, edition, worker):
    with pytest.raises(Exception, match="coordination"):
        campaign.allocation_start(
            actor=worker, edition=edition, priorities=allocation.Priorities(), time_limit=5
        )
    assert not Job.objects.filter(kind="allocation").exists()
