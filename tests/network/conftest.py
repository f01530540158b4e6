from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from partez.network import services
from partez.network.models import Skill
from partez.organisations.models import OrganisationKind, Role
from tests import factories


@pytest.fixture
def coordination(db):
    org = factories.OrganisationFactory(name="Coordination", kind=OrganisationKind.COORDINATOR)
    return factories.MembershipFactory(organisation=org, role=Role.COORDINATOR)


@pytest.fixture
def training(coordination):
    return services.training_save(
        actor=coordination,
        title="Sac Ados : devenir structure relais",
        skill=Skill.SAC_ADOS,
        duration_hours=3,
    )


def make_session(coordination, training, *, capacity=2, days=10, **extra):
    start = timezone.now() + dt.timedelta(days=days)
    data = services.SessionInput(
        training=training,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=3),
        trainer="Camille Formatrice",
        capacity=capacity,
        place="Maison des associations, Lens",
        **extra,
    )
    return services.session_save(actor=coordination, data=data)


@pytest.fixture
def session(coordination, training):
    return make_session(coordination, training)


def professionals(n, organisation=None, role=Role.SOCIAL_WORKER):
    organisation = organisation or factories.OrganisationFactory(kind=OrganisationKind.RELAY)
    return [factories.MembershipFactory(organisation=organisation, role=role) for _ in range(n)]
