import datetime as dt
import html
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from partez.core.errors import DomainError
from partez.organisations import services
from partez.organisations.models import ApiToken, Invitation, Membership, Role, hash_token

pytestmark = pytest.mark.django_db


def test_invitation_by_email_then_accept_creates_the_account(
    client, referent, django_capture_on_commit_callbacks
):
    client.force_login(referent.user)
    with django_capture_on_commit_callbacks(
        execute=True
    ):  # the e-mail leaves once the invitation is committed
        response = client.post(reverse("members"), {"email": "Nouvelle@Example.org", "role": "social_worker"})
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.email == "nouvelle@example.org"
    assert len(mail.outbox) == 1
    # the clear token travels in the e-mail only; the database keeps its SHA-256
    token = re.search(r"/invitations/([^/\s]+)/", mail.outbox[0].body).group(1)
    assert invitation.token_hash == hash_token(token) and token not in invitation.token_hash
    client.logout()
    response = client.post(
        reverse("invitation_accept", args=[token]),
        {
            "username": "nouvelle",
            "first_name": "Ninon",
            "last_name": "Vasseur",
            "password": "un-mot-de-passe-long",
        },
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user__username="nouvelle")
    assert membership.organisation == referent.organisation and membership.role == Role.SOCIAL_WORKER
    # the link works once only
    assert client.get(reverse("invitation_accept", args=[token])).status_code == 404


def test_expired_invitation_is_refused(client, referent):
    invitation = services.invitation_create(actor=referent, email="x@example.org", role="social_worker")
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    response = client.get(reverse("invitation_accept", args=[invitation.token]))
    assert response.status_code == 404
    assert "a expiré" in html.unescape(response.content.decode())
    with pytest.raises(DomainError):
        services.invitation_accept(token=invitation.token, username="x", password="un-mot-de-passe-long")


def test_social_worker_cannot_invite(client, worker):
    client.force_login(worker.user)
    client.post(reverse("members"), {"email": "a@example.org", "role": "coordinator"})
    assert not Invitation.objects.exists()


def test_deactivation_keeps_the_membership_and_revokes_access(client, referent, worker, household):
    token, raw = services.api_token_create(membership=worker, name="tablette")
    client.force_login(referent.user)
    client.post(reverse("membership_deactivate", args=[worker.pk]))
    worker.refresh_from_db()
    assert Membership.objects.filter(pk=worker.pk).exists()
    assert not worker.is_active and worker.deactivated_by == referent.user
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert services.api_token_authenticate(raw) is None
    client.force_login(worker.user)
    assert (
        client.get(reverse("household_detail", args=[household.pk])).status_code == 403
    )  # no active membership


def test_api_token_created_shown_once_and_revoked_in_the_ui(client, referent):
    worker = referent  # a commune's referent connects its stand's tablets
    client.force_login(worker.user)
    response = client.post(reverse("api_tokens"), {"name": "tablette stand Lens"})
    page = response.content.decode()
    token = ApiToken.objects.get()
    raw = next(word for word in page.replace("<", " ").replace(">", " ").split() if word.startswith("ptz_"))
    assert services.api_token_authenticate(raw) == worker
    assert raw not in client.get(reverse("api_tokens")).content.decode()  # shown once
    client.post(reverse("api_token_revoke", args=[token.pk]))
    assert services.api_token_authenticate(raw) is None


def test_token_of_someone_else_cannot_be_revoked(client, worker, referent):
    token, _raw = services.api_token_create(membership=worker, name="autre")
    client.force_login(referent.user)
    assert client.post(reverse("api_token_revoke", args=[token.pk])).status_code == 404


def test_api_tokens_are_not_shown_to_a_social_worker(client, worker, referent):
    """Issue 13: a social worker saw « Jetons d'API » and « Bearer »; it integrates nothing."""
    client.force_login(worker.user)
    assert "Jetons d'API" not in client.get(reverse("dashboard")).content.decode()
    assert client.get(reverse("api_tokens")).status_code == 403
    client.force_login(referent.user)
    assert "Jetons d'API" in client.get(reverse("dashboard")).content.decode()


def test_invitable_roles_depend_on_the_kind_of_organisation(referent, coordinator_org):
    from partez.organisations.perms import invitable_roles
    from tests.factories import MembershipFactory

    assert invitable_roles(referent) == ["commune_referent", "social_worker", "volunteer"]
    with pytest.raises(DomainError) as exc:
        services.invitation_create(actor=referent, email="f@example.org", role="funder")
    assert "role" in exc.value.errors
    coordinator = MembershipFactory(organisation=coordinator_org, role=Role.COORDINATOR)
    assert invitable_roles(coordinator) == ["coordinator", "volunteer"]
