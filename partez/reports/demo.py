"""The demo's satisfaction survey: answers for part of the evaluated projects, drawn from the
demo's seed (called by ``load_demo``; deterministic; no free-text comment)."""

from __future__ import annotations

import random
import secrets

from django.utils import timezone

from partez.projects.models import Project
from partez.projects.workflow import Status

from .models import Again, SurveyInvitation, SurveyResponse, hash_token

ANSWER_SHARE = 0.55  # of the evaluated projects; the others were invited and did not answer
SATISFACTION = {4: 58, 3: 31, 2: 8, 1: 3}
AGAIN = {Again.YES: 78, Again.MAYBE: 17, Again.NO: 5}


def load(edition, seed: int) -> dict[str, int]:
    rng = random.Random(seed * 7919)
    now = timezone.now()
    projects = list(Project.objects.filter(edition=edition, status=Status.EVALUATED).order_by("pk"))
    invitations = [
        SurveyInvitation(project=p, token_hash=hash_token(secrets.token_urlsafe(24)), sent_at=now)
        for p in projects
    ]
    SurveyInvitation.objects.bulk_create(invitations)
    responses = []
    for invitation in invitations:
        if rng.random() >= ANSWER_SHARE:
            continue
        invitation.answered_at = now
        responses.append(
            SurveyResponse(
                invitation=invitation,
                project_id=invitation.project_id,
                satisfaction=rng.choices(list(SATISFACTION), weights=list(SATISFACTION.values()))[0],
                organisation_help=rng.choices(list(SATISFACTION), weights=list(SATISFACTION.values()))[0],
                again=rng.choices(list(AGAIN), weights=list(AGAIN.values()))[0],
                first_holiday=rng.random() < 0.6,
            )
        )
    SurveyResponse.objects.bulk_create(responses)
    SurveyInvitation.objects.bulk_update([i for i in invitations if i.answered_at], ["answered_at"])
    return {"enquêtes envoyées": len(invitations), "réponses à l'enquête": len(responses)}
