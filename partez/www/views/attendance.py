"""The phone scan page of a door (training, workshop, ceremony, colloque) and its JSON door: the
same answers as the API (:mod:`partez.attendance.protocol`). The page never reloads: scans wait in
``localStorage`` with their nonces and are sent when the network answers; the result of the last
scan is at the top of the screen. A list one may not scan is a 404.
"""

from __future__ import annotations

import json

from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from partez.attendance import protocol, selectors

from ..access import membership_required


def _roster(m, pk):
    roster = selectors.roster_for(m, pk)
    if roster is None:
        raise Http404("Liste de pointage introuvable.")
    return roster


@membership_required()
def attendance_scan(request, m, pk):
    roster = _roster(m, pk)
    tickets, present = selectors.roster_counts(roster)
    config = {
        "roster": roster.pk,
        "checkin_url": reverse("attendance_checkin", args=[roster.pk]),
        "owner": request.user.pk,
    }
    context = {"roster": roster, "tickets": tickets, "present": present, "config": config}
    return render(request, "www/attendance/scan.html", context)


@require_POST
@membership_required()
def attendance_checkin(request, m, pk):
    roster = _roster(m, pk)
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        data = None
    if not isinstance(data, dict):
        return JsonResponse(
            {"detail": "Le corps de la requête n'est pas du JSON valide.", "errors": {}}, status=400
        )
    status, body = protocol.check_in(
        actor=m,
        code=str(data.get("code", ""))[:40],
        nonce=str(data.get("nonce", ""))[:64],
        roster_id=roster.pk,
    )
    return JsonResponse(body, status=status)
