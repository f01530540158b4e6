"""The matching as jobs: families from validated projects, proposals explained, a refusal never
proposed again, a re-match keeping the accepted proposals, the apply booking through the locks."""

import pytest

from partez.jobs.models import JobStatus
from partez.offers import matching_jobs, services
from partez.offers.models import Booking, BookingStatus, Candidate, Decision, MatchRun, MatchStatus
from partez.offers.services import CandidateInput
from tests.factories.offers import asking_project, catalogue

pytestmark = pytest.mark.django_db


@pytest.fixture
def c():
    return catalogue()


def ask(c, porteur, people, *, car=False, periods=None):
    project = asking_project(c, porteur, people)
    services.candidate_save(
        actor=porteur,
        project=project,
        data=CandidateInput(has_car=car, period_ids=[p.pk for p in (periods or [c.august])]),
    )
    return project


def run(c, rematch=None):
    job = matching_jobs.matching_start(actor=c.coordination, edition=c.edition, rematch=rematch)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.error
    return MatchRun.objects.get(job=job)


def test_a_run_proposes_explains_and_compares_the_methods(c):
    ask(c, c.lens, 5)  # D1 (5 beds) or D2 (6), at the Dune: reachable without a car
    ask(c, c.lievin, 4)
    ask(c, c.lens, 3)  # the Dune takes 2 families (N = 2); the Bocage needs a car
    r = run(c)
    assert r.results["solver"]["matched"] == 2 and r.results["solver"]["status"] == "OPTIMAL"
    assert {"greedy", "baseline"} <= set(r.results)
    proposals = list(r.proposals.select_related("offer__site"))
    assert sum(p.offer is not None for p in proposals) == 2
    assert all(p.offer.site == c.dune for p in proposals if p.offer)
    left = next(p for p in proposals if p.offer is None)
    assert "mixité sociale" in left.explanation


def test_refuse_then_rematch_keeps_the_accepted_and_never_reproposes_the_refused(c):
    a = Candidate.objects.get(project=ask(c, c.lens, 4, car=True))
    b = Candidate.objects.get(project=ask(c, c.lievin, 4, car=True))
    first = run(c)
    pa, pb = first.proposals.get(candidate=a), first.proposals.get(candidate=b)
    matching_jobs.proposal_decide(actor=c.coordination, proposal=pa, accept=True)
    with pytest.raises(Exception, match="pourquoi"):
        matching_jobs.proposal_decide(actor=c.coordination, proposal=pb, accept=False)
    matching_jobs.proposal_decide(
        actor=c.coordination, proposal=pb, accept=False, reason="Trop loin de l'école"
    )
    second = run(c, rematch=first)
    first.refresh_from_db()
    assert first.status == MatchStatus.SUPERSEDED
    na, nb = second.proposals.get(candidate=a), second.proposals.get(candidate=b)
    assert na.offer_id == pa.offer_id and na.decision == Decision.ACCEPTED
    assert nb.offer_id is not None and nb.offer_id != pb.offer_id


def test_apply_books_every_proposal_not_refused_through_the_locks(c):
    projects = [ask(c, c.lens, 3), ask(c, c.lievin, 4)]
    r = run(c)
    # meanwhile a porteur books the Dune by hand: one proposal must now be skipped (social mix)
    proposed = set(r.proposals.values_list("offer_id", flat=True))
    free = next(c.offers[k] for k in ("D1", "D2", "D3") if c.offers[k].pk not in proposed)
    services.booking_create(actor=c.lens, offer=free, household=c.household(c.lens, 2))
    job = matching_jobs.matching_apply_start(actor=c.coordination, run=r)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.error
    booked = Booking.objects.filter(project__in=projects)
    assert booked.count() == 1 and booked.get().status == BookingStatus.OPTION
    assert booked.get().organisation == booked.get().project.organisation
    skipped = r.proposals.exclude(offer=None).filter(booking=None).get()
    assert "Mixité sociale" in skipped.outcome
    r.refresh_from_db()
    assert r.status == MatchStatus.APPLIED and r.applied_by == c.coordination.user
    with pytest.raises(Exception, match="plus proposée"):
        matching_jobs.matching_apply_start(actor=c.coordination, run=r)


def test_the_porteur_decides_its_own_families_proposals_only(c):
    mine = Candidate.objects.get(project=ask(c, c.lens, 4, car=True))
    theirs = Candidate.objects.get(project=ask(c, c.lievin, 3, car=True))
    r = run(c)
    own, other = r.proposals.get(candidate=mine), r.proposals.get(candidate=theirs)
    matching_jobs.proposal_decide(actor=c.lens, proposal=own, accept=False, reason="Dates impossibles")
    own.refresh_from_db()
    assert own.decision == Decision.REFUSED and own.decided_by == c.lens.user
    with pytest.raises(Exception, match="autre structure"):
        matching_jobs.proposal_decide(actor=c.lens, proposal=other, accept=True)
