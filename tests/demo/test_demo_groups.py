"""The demo's group departures: Sac Ados groups in several states with a jury session done and
one ahead, Seniors en Vacances groups on stays outside July–August; reloading changes nothing."""

import pytest

from partez.core.models import AuditLog
from partez.groups.models import Group, JurySession, Pack, Scheme

from .conftest import load_demo


@pytest.mark.django_db
def test_groups_in_several_states_a_jury_done_and_one_ahead(demo):
    sac = Group.objects.filter(scheme=Scheme.SAC_ADOS)
    seniors = Group.objects.filter(scheme=Scheme.SENIORS)
    assert sac.exists() and seniors.exists()
    assert len(set(sac.values_list("status", flat=True))) >= 2
    sessions = list(JurySession.objects.order_by("held_on"))
    assert len(sessions) == 2 and sessions[0].closed_at and not sessions[1].closed_at
    assert all(
        g.starts_on.month not in (7, 8) and g.ends_on.month not in (7, 8) or g.ends_on.day == 1
        for g in seniors
    )
    assert all(m.eligibility for g in Group.objects.all() for m in g.members.all())
    assert AuditLog.objects.count() == 1
    before = (Group.objects.count(), Pack.objects.count())
    load_demo()
    assert (Group.objects.count(), Pack.objects.count()) == before
