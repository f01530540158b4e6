"""The satisfaction survey after the return: one invitation per project (a token link sent by
e-mail — there is no SMS backend in this code base yet), a short questionnaire answered once,
without login, and a « no thank you » that stops every further message.

Only households whose active consent covers both being contacted (« contact ») and the anonymous
statistics (« statistics »: the survey has no other use than the bilan's satisfaction figures),
and who gave an e-mail address, are invited; an answer counts in the bilan only while the
« statistics » consent stays active (``reports.selectors._satisfaction``). The token is random
(``secrets``); only its SHA-256 is stored.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from partez.core import audit
from partez.core.errors import DomainError
from partez.households.models import ConsentScope
from partez.households.selectors import active_consent_scopes, consent_given
from partez.projects.models import Project
from partez.territory.models import Edition

from .models import Again, Satisfaction, SurveyInvitation, SurveyResponse, hash_token
from .selectors import RETURNED


def candidates(edition: Edition) -> list[Project]:
    return list(
        Project.objects.filter(
            consent_given(ConsentScope.CONTACT, ref="household"),
            consent_given(ConsentScope.STATISTICS, ref="household"),
            edition=edition,
            status__in=RETURNED,
            survey_invitation__isnull=True,
        )
        .exclude(household__email="")
        .select_related("household")
        .order_by("pk")
    )


@dataclass
class Invited:
    project: Project
    token: str


def survey_invite(*, project: Project, base_url: str) -> Invited | None:
    """Create the project's invitation and send the link (None when it already had one, or when
    the household's consent does not cover the survey: checked here too, where the mail leaves)."""
    if not {ConsentScope.CONTACT, ConsentScope.STATISTICS} <= active_consent_scopes(project.household):
        return None
    token = secrets.token_urlsafe(24)
    try:
        with transaction.atomic():
            invitation = SurveyInvitation.objects.create(
                project=project, token_hash=hash_token(token), sent_at=timezone.now()
            )
            link = base_url.rstrip("/") + reverse("survey", args=[token])
            send_mail(
                "Vos vacances : deux minutes pour nous dire ?",
                "Bonjour,\n\nVous êtes parti·es en vacances avec l'opération « 10 000 départs ». "
                "Comment cela s'est-il passé ? Quatre questions, deux minutes, sans créer de compte :\n\n"
                f"{link}\n\nVos réponses sont rattachées à votre dossier et comptées dans le bilan de "
                "l'opération, sans votre nom. Si vous ne souhaitez pas répondre, le lien permet aussi de "
                "le dire : nous ne vous écrirons plus à ce sujet.\n\nMerci !",
                settings.DEFAULT_FROM_EMAIL,
                [project.household.email],
            )
            audit.record(
                actor=None, organisation=project.organisation, action="survey.invite", obj=invitation
            )
    except IntegrityError:  # invited a moment ago by another run
        return None
    return Invited(project, token)


def surveys_send(*, edition: Edition, base_url: str) -> list[Invited]:
    return [i for p in candidates(edition) if (i := survey_invite(project=p, base_url=base_url))]


def invitation_for(token: str) -> SurveyInvitation | None:
    return (
        SurveyInvitation.objects.select_related("project__edition")
        .filter(token_hash=hash_token(token or ""))
        .first()
    )


@dataclass
class Answers:
    satisfaction: int
    again: str
    organisation_help: int | None = None
    first_holiday: bool | None = None
    comment: str = ""


def _validate(a: Answers) -> None:
    errors = {}
    if a.satisfaction not in Satisfaction.values:
        errors["satisfaction"] = "Dites-nous si vous êtes satisfait·e du séjour."
    if a.organisation_help is not None and a.organisation_help not in Satisfaction.values:
        errors["organisation_help"] = "Réponse inconnue."
    if a.again not in Again.values:
        errors["again"] = "Dites-nous si vous aimeriez repartir."
    if len(a.comment or "") > 500:
        errors["comment"] = "500 caractères au plus."
    if errors:
        raise DomainError(errors)


def survey_answer(*, token: str, answers: Answers) -> SurveyResponse:
    """Record the answers, once: a second answer (or one after « no thank you ») is refused."""
    _validate(answers)
    with transaction.atomic():
        invitation = (
            SurveyInvitation.objects.select_for_update().filter(token_hash=hash_token(token or "")).first()
        )
        if invitation is None:
            raise DomainError("Ce lien n'est pas valable.")
        if invitation.answered_at or invitation.opted_out_at:
            raise DomainError("Ce questionnaire a déjà reçu une réponse. Merci !")
        response = SurveyResponse.objects.create(
            invitation=invitation,
            project_id=invitation.project_id,
            satisfaction=answers.satisfaction,
            organisation_help=answers.organisation_help,
            again=answers.again,
            first_holiday=answers.first_holiday,
            comment=(answers.comment or "").strip(),
        )
        invitation.answered_at = timezone.now()
        invitation.save(update_fields=["answered_at"])
        audit.record(actor=None, organisation=None, action="survey.answer", obj=invitation)
    return response


def survey_opt_out(*, token: str) -> SurveyInvitation:
    with transaction.atomic():
        invitation = (
            SurveyInvitation.objects.select_for_update().filter(token_hash=hash_token(token or "")).first()
        )
        if invitation is None:
            raise DomainError("Ce lien n'est pas valable.")
        if invitation.answered_at is None and invitation.opted_out_at is None:
            invitation.opted_out_at = timezone.now()
            invitation.save(update_fields=["opted_out_at"])
            audit.record(actor=None, organisation=None, action="survey.opt_out", obj=invitation)
    return invitation
