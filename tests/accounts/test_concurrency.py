"""A recovery code, or an authenticator's code, tried by several requests at once serves once
(PostgreSQL): the device row is locked while its code is checked and spent."""

from __future__ import annotations

import threading

import pytest
from django.conf import settings
from django.db import connection
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from partez.accounts import services
from partez.core.errors import DomainError
from tests import factories

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="row locks are tested on PostgreSQL (set DATABASE_URL)",
    ),
    pytest.mark.django_db(transaction=True),
]


def _race(user, token: str, n: int = 6) -> list[str]:
    barrier = threading.Barrier(n)
    outcomes: list[str] = []

    def run():
        try:
            barrier.wait()
            outcomes.append(services.second_factor_verify(user=user, token=token))
        except DomainError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


def _enrolled_user():
    user = factories.UserFactory()
    device = services.totp_start(user=user)
    services.totp_confirm(user=user, device_id=device.pk, token=services.totp_now(device))
    return user, TOTPDevice.objects.get(pk=device.pk)


def test_one_recovery_code_tried_six_times_at_once_serves_once():
    user, _device = _enrolled_user()
    code = StaticToken.objects.filter(device__user=user).first().token
    outcomes = _race(user, code)
    assert sorted(outcomes) == ["recovery_code"] + ["refused"] * 5
    assert not StaticToken.objects.filter(device__user=user, token=code).exists()


def test_one_authenticator_code_tried_six_times_at_once_serves_once():
    user, device = _enrolled_user()
    outcomes = _race(user, services.totp_now(device, 1))
    assert outcomes.count("totp") == 1 and outcomes.count("refused") == 5
