import datetime as dt

import pytest
from django.utils import timezone

from partez.accompaniment import services
from tests import factories


@pytest.fixture
def project(household, ccas, edition):
    start = timezone.localdate() + dt.timedelta(days=90)
    return factories.ProjectFactory(
        household=household,
        organisation=ccas,
        edition=edition,
        start_date=start,
        end_date=start + dt.timedelta(days=7),
    )


@pytest.fixture
def screen(worker):
    """Screen ``project``'s household with the given barriers ticked."""

    def run(project, *codes, left_to_pay_cents=None, phase="first", on=None):
        return services.screening_save(
            actor=worker,
            household=project.household,
            project=project,
            phase=phase,
            screened_on=on or timezone.localdate(),
            left_to_pay_cents=left_to_pay_cents,
            answers={c: services.Answer(True, f"note {c}") for c in codes},
        )

    return run


@pytest.fixture
def workshop(referent, edition):
    return services.workshop_save(
        actor=referent,
        edition=edition,
        data=services.WorkshopInput(
            theme="budget",
            title="Atelier budget",
            starts_at=timezone.now() + dt.timedelta(days=10),
            place="Maison des familles",
            capacity=2,
        ),
    )
