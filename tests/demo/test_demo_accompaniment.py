"""The demo's accompaniment: screenings for most projects, plans with steps done and ahead (some
late), ten workshops (past ones with check-ins at their door, one ahead full with a waitlist),
and two editions of history that give every outcome of the autonomy figure."""

from partez.accompaniment import autonomy, rules, selectors
from partez.accompaniment.models import Registration, Screening, Step, Workshop
from partez.attendance.models import Attendance
from partez.projects.models import Project
from partez.reports.selectors import BilanScope
from partez.territory.models import Edition

from .conftest import TODAY


def test_the_demo_accompaniment(demo):
    screened = Project.objects.filter(screenings__isnull=False).distinct().count()
    decided = Project.objects.exclude(status__in=["draft", "withdrawn", "refused"]).count()
    assert screened > decided * 0.6
    assert Screening.objects.filter(phase="after").exists()
    assert Step.objects.filter(done_on__isnull=False).exists()
    assert Step.objects.filter(done_on__isnull=True, due_on__gt=TODAY).exists()
    workshops = Workshop.objects.order_by("starts_at")
    assert workshops.count() == 10
    past = [w for w in workshops if w.starts_at.date() < TODAY]
    assert len(past) == 6 and all(w.covered for w in past)
    assert (
        Attendance.objects.filter(ticket__roster__in=[w.roster_id for w in past]).count()
        == (Registration.objects.filter(workshop__in=past, attended_at__isnull=False).count())
        > 0
    )
    assert Registration.objects.filter(status="waitlisted").exists()


def test_validated_demo_projects_without_transport_have_their_transport_step(demo):
    for p in Project.objects.filter(status__in=["validated", "aid_granted"]).select_related("household")[
        :200
    ]:
        if selectors.lacks_transport(p):
            assert Step.objects.filter(project=p, kind=rules.TRANSPORT).exists(), p.reference


def test_the_autonomy_figure_is_real(demo):
    edition = Edition.objects.order_by("-year").first()
    results = selectors.autonomy_results(edition, BilanScope())
    outcomes = {r for _d, r in results.values()}
    assert len(results) > 10
    assert {autonomy.ALONE, autonomy.NOT_AGAIN} <= outcomes
    assert outcomes & {autonomy.LESS_HELP, autonomy.SAME_HELP}
