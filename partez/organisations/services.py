"""Writes on organisations, memberships, invitations and API tokens."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from partez.core import audit
from partez.core.errors import DomainError, NotAllowed
from partez.users.models import User

from . import perms
from .models import ApiToken, Invitation, Membership, Role, hash_token


def membership_deactivate(*, actor: Membership, membership: Membership) -> Membership:
    """Deactivate (never delete) a colleague's membership."""
    if not perms.can_manage_members(actor) or membership.organisation_id != actor.organisation_id:
        raise NotAllowed("Vous ne pouvez pas gérer les membres de cette organisation.")
    if membership.pk == actor.pk:
        raise DomainError("Vous ne pouvez pas désactiver votre propre adhésion.")
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        if not membership.is_active:
            return membership
        membership.is_active = False
        membership.deactivated_at = timezone.now()
        membership.deactivated_by = actor.user
        membership.save(update_fields=["is_active", "deactivated_at", "deactivated_by"])
        membership.api_tokens.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        audit.record(
            actor=actor.user,
            organisation=actor.organisation,
            action="membership.deactivate",
            obj=membership,
            changes={"is_active": [True, False]},
        )
    return membership


def invitation_create(
    *, actor: Membership, email: str, role: str, accept_url_builder: Callable[[Invitation], str] | None = None
) -> Invitation:
    """Invite someone by e-mail to join the actor's organisation. The link expires."""
    if not perms.can_manage_members(actor):
        raise NotAllowed("Vous ne pouvez pas inviter de membres dans cette organisation.")
    email = (email or "").strip().lower()
    if not email or "@" not in email:
        raise DomainError("Adresse e-mail invalide.", field="email")
    if role not in Role.values:
        raise DomainError("Rôle inconnu.", field="role")
    if role == Role.COORDINATOR and actor.role != Role.COORDINATOR:
        raise DomainError("Seule la coordination peut inviter une personne de la coordination.", field="role")
    if role not in perms.invitable_roles(actor):
        raise DomainError("Ce rôle n'existe pas dans ce type d'organisation.", field="role")
    if (
        Membership.objects.active()
        .filter(organisation=actor.organisation, user__email__iexact=email)
        .exists()
    ):
        raise DomainError("Cette personne est déjà membre de l'organisation.", field="email")
    raw_token = secrets.token_urlsafe(32)
    with transaction.atomic():
        invitation = Invitation.objects.create(
            organisation=actor.organisation,
            email=email,
            role=role,
            token_hash=hash_token(raw_token),
            invited_by=actor.user,
            expires_at=timezone.now() + dt.timedelta(days=settings.INVITATION_VALIDITY_DAYS),
        )
        invitation.token = raw_token  # the clear token, for the link only: never stored
        audit.record(
            actor=actor.user,
            organisation=actor.organisation,
            action="invitation.create",
            obj=invitation,
            changes={"email": email, "role": role},
        )
        url = accept_url_builder(invitation) if accept_url_builder else f"/invitations/{invitation.token}/"
        transaction.on_commit(
            lambda: send_mail(
                subject=f"Invitation à rejoindre {actor.organisation.name} sur partez",
                message=(
                    f"Bonjour,\n\n{actor.user} vous invite à rejoindre « {actor.organisation.name} » "
                    f"sur partez en tant que {invitation.get_role_display()}.\n\n"
                    f"Pour accepter, ouvrez ce lien avant le {invitation.expires_at:%d/%m/%Y} :\n{url}\n"
                ),
                from_email=None,
                recipient_list=[email],
            )
        )
    return invitation


def invitation_by_token(raw: str, *, for_update: bool = False) -> Invitation | None:
    """The invitation behind a clear token from an e-mail link (looked up by its SHA-256)."""
    if not raw:
        return None
    invitations = Invitation.objects.select_related("organisation")
    if for_update:
        invitations = invitations.select_for_update(of=("self",))
    return invitations.filter(token_hash=hash_token(raw)).first()


def invitation_accept(
    *,
    token: str,
    user: User | None = None,
    username: str = "",
    password: str = "",
    first_name: str = "",
    last_name: str = "",
) -> Membership:
    """Accept an invitation: the logged-in user joins, or a new account is created for the invited address."""
    with transaction.atomic():
        invitation = invitation_by_token(token, for_update=True)
        if invitation is None or not invitation.is_pending:
            raise DomainError("Cette invitation n'existe pas, a déjà été utilisée ou a expiré.")
        User = get_user_model()
        if user is None:
            if User.objects.filter(email__iexact=invitation.email).exists():
                raise DomainError(
                    "Un compte existe déjà pour cette adresse : connectez-vous puis rouvrez le lien."
                )
            if not username or User.objects.filter(username=username).exists():
                raise DomainError("Choisissez un autre identifiant.", field="username")
            user = User(username=username, email=invitation.email, first_name=first_name, last_name=last_name)
            try:
                validate_password(password, user=user)
            except ValidationError as exc:
                raise DomainError(" ".join(exc.messages), field="password") from exc
            user.set_password(password)
            user.save()
        elif user.email.lower() != invitation.email:
            raise DomainError("Cette invitation a été envoyée à une autre adresse e-mail.")
        membership, created = Membership.objects.get_or_create(
            user=user, organisation=invitation.organisation, defaults={"role": invitation.role}
        )
        if not created:
            membership.role = invitation.role
            membership.is_active = True
            membership.deactivated_at = None
            membership.save(update_fields=["role", "is_active", "deactivated_at"])
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        audit.record(
            actor=user,
            organisation=invitation.organisation,
            action="invitation.accept",
            obj=membership,
            changes={"role": membership.role},
        )
    return membership


def api_token_create(*, membership: Membership, name: str) -> tuple[ApiToken, str]:
    """Create a personal API token; returns it with the clear value, shown once."""
    name = (name or "").strip()
    if not name:
        raise DomainError("Donnez un nom au jeton (par exemple « tablette stand Lens »).", field="name")
    if not membership.is_active:
        raise DomainError("Cette adhésion est désactivée.")
    raw = "ptz_" + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            membership=membership, name=name[:80], prefix=raw[4:12], key_hash=hash_token(raw)
        )
        audit.record(
            actor=membership.user,
            organisation=membership.organisation,
            action="api_token.create",
            obj=token,
            changes={"name": token.name},
        )
    return token, raw


def api_token_revoke(*, membership: Membership, token: ApiToken) -> ApiToken:
    if token.membership.user_id != membership.user_id:
        raise NotAllowed("Ce jeton ne vous appartient pas.")
    with transaction.atomic():
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            audit.record(
                actor=membership.user,
                organisation=token.membership.organisation,
                action="api_token.revoke",
                obj=token,
                changes={"revoked": True},
            )
    return token


def api_token_authenticate(raw: str) -> Membership | None:
    """The active membership behind a clear token, or None."""
    if not raw:
        return None
    token = (
        ApiToken.objects.select_related("membership__organisation", "membership__user")
        .filter(key_hash=hash_token(raw), revoked_at__isnull=True, membership__is_active=True)
        .first()
    )
    if token is None or not token.membership.user.is_active or not token.membership.organisation.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.membership
