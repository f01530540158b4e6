import time

import pytest
from django.core.cache import cache

from partez.organisations.models import OrganisationKind, Role

from . import factories


def _flushes_the_database(request) -> bool:
    """Transactional tests (live server, PostgreSQL concurrency) end with a flush of every table."""
    if {"transactional_db", "live_server"} & set(request.fixturenames):
        return True
    marker = request.node.get_closest_marker("django_db")
    return bool(marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])))


@pytest.fixture(autouse=True)
def _restore_migration_data(request, django_db_blocker):
    """After a transactional test, put back what the data migrations loaded (the communes and
    the scheme catalogue), so the tests that run next in this worker find them."""
    yield
    if not _flushes_the_database(request):
        return
    from partez.schemes.services import catalogue_sync
    from partez.territory.data import load_communes
    from partez.territory.models import Commune

    with django_db_blocker.unblock():
        if not Commune.objects.exists():
            load_communes()
        catalogue_sync()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Cached objects (the current edition) must not leak from one test's database to the next."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def edition(db):
    return factories.EditionFactory()


@pytest.fixture
def commune(db):
    return factories.CommuneFactory(insee_code="62498", name="Lens", population=31415)


@pytest.fixture
def ccas(commune):
    return factories.OrganisationFactory(
        name="CCAS de Lens", slug="ccas-lens", kind=OrganisationKind.COMMUNE, commune=commune
    )


@pytest.fixture
def other_org(db):
    other = factories.CommuneFactory(insee_code="62510", name="Liévin", population=30785)
    return factories.OrganisationFactory(
        name="CCAS de Liévin", slug="ccas-lievin", kind=OrganisationKind.COMMUNE, commune=other
    )


@pytest.fixture
def coordinator_org(db):
    return factories.OrganisationFactory(
        name="Coordination", slug="coordination", kind=OrganisationKind.COORDINATOR, commune=None
    )


@pytest.fixture
def worker(ccas):
    """A social worker of the Lens CCAS."""
    return factories.MembershipFactory(
        organisation=ccas, role=Role.SOCIAL_WORKER, user__username="travailleuse"
    )


@pytest.fixture
def referent(ccas):
    return factories.MembershipFactory(
        organisation=ccas, role=Role.COMMUNE_REFERENT, user__username="referente"
    )


@pytest.fixture
def household(ccas, commune):
    h = factories.HouseholdFactory(commune=commune, created_by_organisation=ccas)
    factories.PersonFactory(household=h, relation="head", last_name="Martin", first_name="Claire")
    factories.PersonFactory(
        household=h, relation="child", last_name="Martin", first_name="Léo", birth_date="2015-06-01"
    )
    return h


def force_login_verified(client, user, backend=None, original=None):
    """Log ``user`` in on ``client`` as after a finished login (password and second factor),
    without auditing it as a login. Module-scoped fixtures (set up before the patch below) call it
    directly."""
    from django.contrib.auth.signals import user_logged_in
    from django.test import Client

    from partez.accounts import services as accounts
    from partez.accounts import signals as account_signals
    from partez.www.security import LAST_SEEN

    user_logged_in.disconnect(dispatch_uid="partez_audit_login")
    try:
        (original or Client.force_login)(client, user, backend)
    finally:
        user_logged_in.connect(account_signals._logged_in, dispatch_uid="partez_audit_login")
    session = client.session
    session[accounts.SESSION_STATE] = accounts.OK
    session[LAST_SEEN] = int(time.time())
    session.save()


@pytest.fixture(autouse=True)
def _force_login_is_verified(monkeypatch):
    """``client.force_login(user)`` stands for a finished login: password and second factor. It
    is not a login to audit either (the tests of logins post the real form). Pass
    ``verified=False`` for a session that still owes its second factor, as after the password
    step: tests/www/test_accounts.py proves the enforcement that way and with the real form."""
    from django.test import Client

    original = Client.force_login

    def force_login(self, user, backend=None, verified=True):
        if not verified:
            return original(self, user, backend)
        return force_login_verified(self, user, backend, original=original)

    monkeypatch.setattr(Client, "force_login", force_login)
