"""The demo is ready for a commission session: submitted files with their plan chosen, which a
commune's referent can decide on from the commission screen, through the same services."""

from django.utils import timezone

from partez.commissions import selectors, services
from partez.core.text import normalise
from partez.organisations.models import Membership
from partez.territory.models import Edition


def test_a_commune_commission_can_hold_its_session_on_the_demo(demo):
    referent = Membership.objects.select_related("organisation").get(user__username="referent.lens")
    edition = Edition.objects.order_by("-year").first()
    rows = selectors.screen(referent, edition, selectors.Filters()).rows
    assert rows and all(r.plan is not None for r in rows)
    assert all(r.commune == "Lens" for r in rows)
    session = services.session_open(actor=referent, held_on=timezone.localdate(), members="Référente de Lens")
    complete = [r.project.pk for r in rows if not r.missing]
    outcome = services.decisions_batch(actor=referent, session=session, project_ids=complete, kind="validate")
    assert len(outcome.passed) + len(outcome.failed) == len(complete), outcome.summary
    for _label, why in outcome.failed:  # those that do not pass say why, in French: the envelopes
        # cover part of the demand, and a household screened « no car » needs its transport step
        assert why.startswith("Financement impossible") or "quota" in why or "moyen de transport" in why, why


def test_the_coordination_sees_every_communes_submitted_files(demo):
    coordination = Membership.objects.select_related("organisation").get(user__username="coordination")
    edition = Edition.objects.order_by("-year").first()
    rows = selectors.screen(coordination, edition, selectors.Filters(sort="commune")).rows
    assert len({r.commune for r in rows}) > 1
    assert [r.commune for r in rows] == sorted((r.commune for r in rows), key=normalise)
