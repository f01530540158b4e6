"""One permission table for every URL of the project (web pages and API operations).

``test_every_url_is_in_the_matrix`` walks Django's URL resolver (the API's ninja operations
included) and fails when a URL has no row here. Each row states what every caller gets, as an
exact status code, on one shared data set built once per module (see ``world``); each request
runs in a transaction rolled back afterwards, so no row sees another's writes.

Adding a row takes one line: ``Row("url_name", "GET", "pk=household.pk", "302 200 ...")`` —
the kwargs are dotted paths into the world, the statuses follow :data:`CALLERS`, in order:

    anonymous coordinator referent worker volunteer funder host relay_worker relay_volunteer outsider

(« referent », « worker », « volunteer »: the Lens CCAS; « relay_* »: a relay structure of Lens that
does not follow the household; « outsider »: a social worker of the Liévin CCAS). Web pages send
anonymous visitors to the log-in page (302); the API answers 401 without a token. Objects outside
a caller's scope are 404, a role that may not is 403 (see docs/architecture.md, « The scope
layer »). Model: pretix's ``src/tests/api/test_permissions.py``.
"""

from __future__ import annotations

import base64
import copy
import datetime as dt
import operator
from dataclasses import dataclass
from urllib.parse import urlencode

import pytest
from django.db import transaction
from django.test import Client
from django.urls import get_resolver, reverse
from django.urls.resolvers import URLPattern, URLResolver
from django.utils import timezone

from partez.funding.models import AllocationRun
from partez.jobs.models import Job
from partez.organisations.models import Invitation as OrgInvitation
from partez.organisations.models import OrganisationKind, Role
from partez.organisations.models import hash_token as hash_org_token
from partez.organisations.services import api_token_create
from partez.projects.models import ChecklistItem
from partez.reports.models import SurveyInvitation
from partez.reports.surveys import hash_token
from partez.schemes.models import Scheme
from tests import factories
from tests.conftest import force_login_verified

CALLERS = [
    "anonymous",
    "coordinator",
    "referent",
    "worker",
    "volunteer",
    "funder",
    "host",
    "relay_worker",
    "relay_volunteer",
    "outsider",
]
SURVEY_TOKEN = "jeton-enquete-matrice"
INVITATION_TOKEN = "jeton-invitation-matrice"
SCHEME = "depart-18-25"  # its « max_amount » has a value from 2022-01-01


# API bodies: a string starting with « = » is a dotted path into the world.
NEW_HOUSEHOLD = {
    "commune": "62498",
    "persons": [
        {"first_name": "Alix", "last_name": "Matrice", "birth_date": "1980-01-01", "relation": "head"}
    ],
    "consent_scopes": ["casework"],
}
NEW_PROJECT = {"household_id": "=household.pk", "format": "individual", "travellers": ["=person.pk"]}
WITHDRAW = {"action": "withdraw", "reason": "Matrice des permissions"}
CHECKIN = {"code": "=invitation.code", "nonce": "matrice-pointage", "list": "=stand.pk"}
DOOR_CHECKIN = {"code": "=door_ticket.code", "nonce": "matrice-porte"}
HANDOVER = {
    "code": "=invitation.code",
    "booklets": ["=serial"],
    "signature_png_base64": "=signature",
    "nonce": "matrice-remise-2",
    "list": "=stand.pk",
}


def _resolve(value, world):
    if isinstance(value, str) and value.startswith("="):
        return operator.attrgetter(value[1:])(world)
    if isinstance(value, list):
        return [_resolve(v, world) for v in value]
    if isinstance(value, dict):
        return {k: _resolve(v, world) for k, v in value.items()}
    return value


def _resolve_pairs(text: str, world) -> dict:
    pairs = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        key, _, path = part.partition("=")
        pairs[key] = operator.attrgetter(path)(world) if "." in path else path
    return pairs


@dataclass(frozen=True)
class Row:
    """One URL: its name (``api-v1:…`` for the API), method, kwargs (``key=dotted.path`` into the
    world, comma-separated) and the status each caller gets, in :data:`CALLERS` order."""

    name: str
    method: str
    kwargs: str
    statuses: str
    data: dict | None = None
    query: str = ""  # a query string, written like kwargs (``edition=edition.year``)

    def url(self, world) -> str:
        kwargs, query = _resolve_pairs(self.kwargs, world), _resolve_pairs(self.query, world)
        url = reverse(self.name, kwargs=kwargs)
        return f"{url}?{urlencode(query)}" if query else url

    def expected(self) -> dict[str, int]:
        codes = [int(c) for c in self.statuses.split()]
        assert len(codes) == len(CALLERS), f"{self.name}: {len(codes)} statuses for {len(CALLERS)} callers"
        return dict(zip(CALLERS, codes, strict=True))


#                                                                 anon coord ref work vol fund host rw  rv  out
# fmt: off
MATRIX = [
    # public pages and the log-in
    Row("health", "GET", "", "200 200 200 200 200 200 200 200 200 200"),
    Row("login", "GET", "", "200 302 302 302 302 302 302 302 302 302"),
    Row("logout", "POST", "", "302 302 302 302 302 302 302 302 302 302"),
    Row("simulator", "GET", "", "200 200 200 200 200 200 200 200 200 200"),
    Row("bilan_public_current", "GET", "", "302 302 302 302 302 302 302 302 302 302"),  # → the year's page
    Row("bilan_public", "GET", "year=edition.year", "200 200 200 200 200 200 200 200 200 200"),
    Row("survey", "GET", f"token={SURVEY_TOKEN}", "200 200 200 200 200 200 200 200 200 200"),
    Row("fete_rsvp", "GET", "code=invitation.code", "200 200 200 200 200 200 200 200 200 200"),
    Row("invitation_accept", "GET", f"token={INVITATION_TOKEN}", "200 200 200 200 200 200 200 200 200 200"),
    Row("scan_service_worker", "GET", "", "200 200 200 200 200 200 200 200 200 200"),
    # accounts: password, second factor, the organisation's security settings
    Row("second_factor_verify", "GET", "", "302 302 302 302 302 302 302 302 302 302"),
    Row("password_reset", "GET", "", "200 200 200 200 200 200 200 200 200 200"),
    Row("password_reset_done", "GET", "", "200 200 200 200 200 200 200 200 200 200"),
    Row("password_reset_confirm", "GET", "uidb64=MQ,token=jeton-matrice", "200 200 200 200 200 200 200 200 200 200"),
    Row("password_reset_complete", "GET", "", "200 200 200 200 200 200 200 200 200 200"),
    Row("account_security", "GET", "", "302 200 200 200 200 200 200 200 200 200"),
    Row("password_change", "GET", "", "302 200 200 200 200 200 200 200 200 200"),
    Row("password_change_done", "GET", "", "302 200 200 200 200 200 200 200 200 200"),
    Row("second_factor_enrol", "GET", "", "302 200 200 200 200 200 200 200 200 200"),
    Row("recovery_codes_renew", "POST", "", "302 302 302 302 302 302 302 302 302 302"),
    Row("second_factor_remove", "POST", "", "302 302 302 302 302 302 302 302 302 302"),
    Row("organisation_security", "GET", "", "302 200 403 403 403 403 403 403 403 403"),
    Row("login_unlock", "POST", "", "302 302 403 403 403 403 403 403 403 403"),
    Row("second_factor_reset", "POST", "", "302 302 403 403 403 403 403 403 403 403"),
    # everyone with a membership
    Row("dashboard", "GET", "", "302 200 200 200 200 200 200 200 200 200"),
    Row("switch_organisation", "POST", "", "302 404 404 404 404 404 404 404 404 404"),
    Row("members", "GET", "", "302 200 200 200 200 200 200 200 200 200"),
    Row("membership_deactivate", "POST", "pk=volunteer.pk", "302 404 302 403 403 403 403 403 403 403"),
    Row("api_tokens", "GET", "", "302 200 200 200 200 200 200 200 200 200"),
    Row("api_token_revoke", "POST", "pk=worker_token.pk", "302 404 404 302 404 404 404 404 404 404"),
    Row("audit_log", "GET", "", "302 200 403 403 403 403 403 403 403 403"),
    Row("job_list", "GET", "", "302 200 200 200 200 200 200 200 200 200"),
    Row("job_detail", "GET", "pk=job.pk", "302 404 404 200 404 404 404 404 404 404"),
    Row("job_cancel", "POST", "pk=job.pk", "302 404 404 302 404 404 404 404 404 404"),
    Row("job_download", "GET", "pk=job.pk", "302 404 404 404 404 404 404 404 404 404"),
    Row("export_households", "POST", "", "302 302 302 302 403 403 403 302 403 302"),
    # case files
    Row("household_list", "GET", "", "302 200 200 200 403 403 403 200 403 200"),
    Row("household_create", "GET", "", "302 200 200 200 403 403 403 200 403 200"),
    Row("imports_index", "GET", "", "302 200 200 403 403 403 403 403 403 403"),
    Row("imports_template", "GET", "", "302 200 200 403 403 403 403 403 403 403"),
    Row("imports_detail", "GET", "pk=import_batch.pk", "302 404 200 403 403 403 403 403 403 403"),
    Row("imports_report", "GET", "pk=import_batch.pk", "302 404 200 403 403 403 403 403 403 403"),
    Row("imports_row_edit", "POST", "pk=import_batch.pk,row=2", "302 404 302 403 403 403 403 403 403 403"),
    Row("imports_mapping", "POST", "pk=import_batch.pk", "302 404 302 403 403 403 403 403 403 403"),
    Row("imports_confirm", "POST", "pk=import_batch.pk", "302 404 302 403 403 403 403 403 403 403"),
    Row("imports_undo", "POST", "pk=import_batch.pk", "302 404 302 403 403 403 403 403 403 403"),
    Row("duplicate_list", "GET", "", "302 200 200 403 403 403 403 403 403 403"),
    Row("duplicate_detail", "GET", "pk=duplicate_pair.pk", "302 200 200 403 403 403 403 403 403 403"),
    Row("duplicate_distinct", "POST", "pk=duplicate_pair.pk", "302 302 302 403 403 403 403 403 403 403"),
    Row("duplicate_merge", "POST", "pk=duplicate_pair.pk", "302 302 302 403 403 403 403 403 403 403"),
    Row("duplicate_merge_undo", "POST", "pk=household_merge.pk", "302 302 302 403 403 403 403 403 403 403"),
    Row("household_detail", "GET", "pk=household.pk", "302 200 200 200 403 403 403 404 403 404"),
    Row("household_edit", "GET", "pk=household.pk", "302 200 200 200 403 403 403 404 403 404"),
    Row("household_file", "GET", "pk=household.pk", "302 200 200 200 403 403 403 404 403 404"),
    Row("household_readers", "GET", "pk=household.pk", "302 200 200 403 403 403 403 403 403 403"),
    Row("household_anonymise", "GET", "pk=household.pk", "302 200 403 403 403 403 403 403 403 403"),
    Row("retention", "GET", "", "302 200 200 200 200 200 200 200 200 200"),
    Row("person_add", "GET", "pk=household.pk", "302 200 200 200 403 403 403 404 403 404"),
    Row("person_edit", "GET", "pk=household.pk,person_pk=person.pk", "302 200 200 200 403 403 403 404 403 404"),
    Row("past_departure_add", "GET", "pk=household.pk", "302 200 200 200 403 403 403 404 403 404"),
    Row("followup_add", "GET", "pk=household.pk", "302 200 200 200 403 403 403 404 403 404"),
    Row("followup_referent", "POST", "pk=household.pk,followup_pk=followup.pk", "302 302 302 302 403 403 403 404 403 404"),
    Row("followup_end", "POST", "pk=household.pk,followup_pk=followup.pk", "302 302 302 302 403 403 403 404 403 404"),
    Row("consent_revoke", "POST", "pk=household.pk,consent_pk=consent.pk", "302 302 302 302 403 403 403 404 403 404"),
    Row("project_create", "GET", "household_pk=household.pk", "302 200 200 200 403 403 403 404 403 404"),
    Row("project_detail", "GET", "pk=project.pk", "302 200 200 200 403 403 403 404 403 404"),
    Row("project_edit", "GET", "pk=project.pk", "302 200 200 200 403 403 403 404 403 404"),
    Row("project_transition", "POST", "pk=project.pk", "302 302 302 302 403 403 403 404 403 404"),
    Row("journal_add", "POST", "pk=project.pk", "302 302 302 302 403 403 403 404 403 404"),
    Row("checklist_toggle", "POST", "pk=project.pk,item_pk=checklist_item.pk", "302 302 302 302 403 403 403 404 403 404"),
    Row("plan_choose", "POST", "pk=project.pk", "302 302 302 302 403 403 403 404 403 404"),
    # editions and schemes
    Row("edition_list", "GET", "", "302 200 403 403 403 403 403 403 403 403"),
    Row("edition_create", "GET", "", "302 200 403 403 403 403 403 403 403 403"),
    Row("edition_detail", "GET", "year=edition.year", "302 200 403 403 403 403 403 403 403 403"),
    Row("edition_edit", "GET", "year=edition.year", "302 200 403 403 403 403 403 403 403 403"),
    Row("milestone_add", "POST", "year=edition.year", "302 302 403 403 403 403 403 403 403 403"),
    Row("milestone_edit", "POST", "year=edition.year,pk=milestone.pk", "302 302 403 403 403 403 403 403 403 403"),
    Row("scheme_list", "GET", "", "302 200 200 200 200 200 200 200 200 200"),
    Row("scheme_detail", "GET", "slug=scheme.slug", "302 200 200 200 200 200 200 200 200 200"),
    Row("scheme_edit", "GET", "slug=scheme.slug", "302 200 403 403 403 403 403 403 403 403"),
    Row("scheme_activation", "POST", "slug=scheme.slug", "302 302 403 403 403 403 403 403 403 403"),
    Row("scheme_value_add", "GET", "slug=scheme.slug,name=max_amount", "302 200 403 403 403 403 403 403 403 403"),
    Row("scheme_value_edit", "GET", "slug=scheme.slug,name=max_amount,start=2022-01-01", "302 200 403 403 403 403 403 403 403 403"),
    Row("scheme_value_delete", "POST", "slug=scheme.slug,name=max_amount,start=2022-01-01", "302 200 403 403 403 403 403 403 403 403"),
    # funding
    Row("envelope_list", "GET", "", "302 200 403 403 403 200 403 403 403 403"),
    Row("envelope_export", "GET", "", "302 200 403 403 403 200 403 403 403 403"),
    Row("envelope_create", "GET", "", "302 200 403 403 403 403 403 403 403 403"),
    Row("envelope_detail", "GET", "pk=envelope.pk", "302 200 403 403 403 200 403 403 403 403"),
    Row("envelope_edit", "GET", "pk=envelope.pk", "302 200 403 403 403 403 403 403 403 403"),
    Row("quota_save", "POST", "pk=envelope.pk", "302 302 403 403 403 403 403 403 403 403"),
    Row("allocation_index", "GET", "", "302 200 403 403 403 403 403 403 403 403"),
    Row("allocation_detail", "GET", "pk=allocation.pk", "302 200 403 403 403 403 403 403 403 403"),
    Row("allocation_apply", "POST", "pk=allocation.pk", "302 302 403 403 403 403 403 403 403 403"),
    # séjour commun
    Row("camping_board", "GET", "", "302 200 200 403 403 403 200 403 403 403"),
    Row("camping_plan", "POST", "", "302 302 403 403 403 403 403 403 403 403"),
    Row("camping_settings", "GET", "", "302 200 403 403 403 403 403 403 403 403"),
    Row("camping_sync", "POST", "", "302 302 403 403 403 403 403 403 403 403"),
    Row("camping_participant", "GET", "pk=participant.pk", "302 200 200 403 403 403 404 403 403 403"),
    Row("camping_move", "POST", "pk=participant.pk", "302 302 403 403 403 403 403 403 403 403"),
    Row("camping_lock", "POST", "pk=participant.pk", "302 302 403 403 403 403 403 403 403 403"),
    Row("camping_cancel", "POST", "pk=participant.pk", "302 302 403 403 403 403 403 403 403 403"),
    Row("camping_letter", "GET", "pk=participant.pk", "302 200 200 403 403 403 404 403 403 403"),
    Row("camping_roster", "GET", "pk=week.pk,ext=pdf", "302 200 200 403 403 403 200 403 403 403"),
    Row("camping_trip", "GET", "pk=trip.pk,ext=pdf", "302 200 200 403 403 403 200 403 403 403"),
    Row("camping_documents", "POST", "", "302 302 302 403 403 403 302 403 403 403"),
    # bilan
    Row("bilan", "GET", "", "302 200 200 200 403 200 403 403 403 200"),
    Row("bilan_export_csv", "GET", "", "302 200 200 200 403 403 403 403 403 200"),
    Row("bilan_export_xlsx", "POST", "", "302 302 302 302 403 403 403 403 403 302"),
    Row("funder_reports", "GET", "", "302 200 403 403 403 200 403 403 403 403"),
    Row("funder_report_pdf", "GET", "slug=funder.slug", "302 200 403 403 403 200 403 403 403 403"),
    Row("funder_report_xlsx", "GET", "slug=funder.slug", "302 200 403 403 403 200 403 403 403 403"),
    # chèques-vacances
    Row("cheque_overview", "GET", "", "302 200 200 403 403 200 403 403 403 403"),
    Row("cheque_export", "GET", "", "302 200 200 403 403 200 403 403 403 403"),
    Row("cheque_order_create", "GET", "", "302 200 403 403 403 403 403 403 403 403"),
    Row("cheque_allocate", "GET", "", "302 200 403 403 403 403 403 403 403 403"),
    Row("cheque_preparation", "GET", "", "302 200 200 403 403 403 403 403 403 403"),
    Row("cheque_prepare", "POST", "household_pk=household.pk", "302 302 302 403 403 403 403 403 403 403"),
    # Fête des vacances
    Row("fete_home", "GET", "", "302 200 403 403 403 403 403 403 403 403"),
    Row("fete_send", "POST", "", "302 302 403 403 403 403 403 403 403 403"),
    Row("fete_invitations", "GET", "", "302 200 403 403 403 403 403 403 403 403"),
    Row("fete_letter", "GET", "pk=invitation.pk", "302 200 403 403 403 403 403 403 403 403"),
    Row("fete_counter", "GET", "", "302 200 200 403 403 403 403 403 403 403"),
    Row("scan_choose", "GET", "", "302 200 200 403 200 403 403 403 200 403"),
    Row("scan", "GET", "pk=stand.pk", "302 200 200 403 200 403 403 403 404 403"),
    Row("scan_checkin", "POST", "pk=stand.pk", "302 400 400 403 400 403 403 403 404 403"),
    Row("scan_handover", "POST", "pk=stand.pk", "302 400 400 403 400 403 403 403 404 403"),
    Row("fete_receipt", "GET", "receipt=handover.receipt", "302 200 200 403 200 403 403 403 404 403"),
    # check-in at a door (trainings, workshops, ceremonies): a list of the Lens CCAS
    Row("attendance_scan", "GET", "pk=roster.pk", "302 200 200 200 200 404 404 404 404 404"),
    Row("attendance_checkin", "POST", "pk=roster.pk", "302 400 400 400 400 404 404 404 404 404"),
    # API (Bearer token; no token: 401)
    Row("api-v1:api-root", "GET", "", "404 404 404 404 404 404 404 404 404 404"),
    Row("api-v1:openapi-json", "GET", "", "200 200 200 200 200 200 200 200 200 200"),
    Row("api-v1:openapi-view", "GET", "", "200 200 200 200 200 200 200 200 200 200"),
    Row("api-v1:simulate", "POST", "", "422 422 422 422 422 422 422 422 422 422", {}),
    Row("api-v1:list_households", "GET", "", "401 200 200 200 403 403 403 200 403 200"),
    Row("api-v1:create_household", "POST", "", "401 201 201 201 403 403 403 201 403 201", NEW_HOUSEHOLD),
    Row("api-v1:get_household", "GET", "household_id=household.pk", "401 200 200 200 403 403 403 404 403 404"),
    Row("api-v1:get_project", "GET", "project_id=project.pk", "401 200 200 200 403 403 403 404 403 404"),
    Row("api-v1:project_eligibility", "GET", "project_id=project.pk", "401 400 400 400 403 403 403 404 403 404"),
    Row("api-v1:create_project", "POST", "", "401 201 201 201 403 403 403 404 403 404", NEW_PROJECT),
    Row("api-v1:transition_project", "POST", "project_id=project.pk", "401 200 200 200 403 403 403 404 403 404", WITHDRAW),
    Row("api-v1:list_envelopes", "GET", "", "401 200 403 403 403 200 403 403 403 403"),
    Row("api-v1:checkin_lists", "GET", "", "401 200 200 403 200 403 403 403 200 403"),
    Row("api-v1:invitations", "GET", "", "401 200 403 403 403 403 403 403 403 403"),
    Row("api-v1:checkin_create", "POST", "", "401 201 201 403 201 403 403 403 404 403", CHECKIN),
    Row("api-v1:handover_create", "POST", "", "401 409 409 403 409 403 403 403 404 403", HANDOVER),
    Row("api-v1:reconciliation", "GET", "", "401 200 200 403 403 200 403 403 403 403"),
    Row("api-v1:attendance_checkin", "POST", "roster=roster.pk", "401 201 201 201 201 404 404 404 404 404", DOOR_CHECKIN),
    Row("api-v1:bilan", "GET", "", "401 200 200 200 403 200 403 403 403 200", query="edition=edition.year"),
    # accompaniment: a project's screening, plan, mobility and debrief; workshops for families (Lens CCAS)
    Row("accompaniment_project", "GET", "pk=project.pk", "302 200 200 200 403 403 403 404 403 404"),
    Row("accompaniment_screening", "GET", "pk=project.pk", "302 200 200 200 403 403 403 404 403 404"),
    Row("accompaniment_plan_accept", "POST", "pk=project.pk", "302 302 302 302 403 403 403 404 403 404"),
    Row("accompaniment_step_add", "POST", "pk=project.pk", "302 302 302 302 403 403 403 404 403 404"),
    Row("accompaniment_step_done", "POST", "pk=project.pk,step_pk=step.pk", "302 302 302 302 403 403 403 404 403 404"),
    Row("accompaniment_mobility", "POST", "pk=project.pk", "302 302 302 302 403 403 403 404 403 404"),
    Row("accompaniment_debrief", "POST", "pk=project.pk", "302 302 302 302 403 403 403 404 403 404"),
    Row("accompaniment_register", "POST", "pk=project.pk", "302 302 302 302 403 403 403 404 403 404"),
    Row("accompaniment_workshops", "GET", "", "302 200 200 200 403 403 403 200 403 200"),
    Row("accompaniment_workshop_create", "GET", "", "302 200 200 200 403 403 403 200 403 200"),
    Row("accompaniment_workshop", "GET", "pk=workshop.pk", "302 200 200 200 403 403 403 200 403 200"),
    Row("accompaniment_workshop_edit", "GET", "pk=workshop.pk", "302 200 200 200 403 403 403 404 403 404"),
    Row("accompaniment_workshop_report", "POST", "pk=workshop.pk", "302 302 302 302 403 403 403 404 403 404"),
    Row("accompaniment_registration_cancel", "POST", "pk=workshop.pk,registration_pk=registration.pk", "302 302 302 302 403 403 403 404 403 404"),
    Row("accompaniment_questions", "GET", "", "302 200 403 403 403 403 403 403 403 403"),
    Row("accompaniment_bilan", "GET", "", "302 200 200 200 403 200 403 403 403 200"),
    Row("api-v1:project_accompaniment", "GET", "project_id=project.pk", "401 200 200 200 403 403 403 404 403 404"),
    Row("api-v1:list_workshops", "GET", "", "401 200 200 200 403 403 403 200 403 200", query="edition=edition.year"),
]
# fmt: on

# The Django admin: staff accounts only, every one of its URLs behind the admin's own log-in.
ADMIN_ROWS = [
    Row("admin:index", "GET", "", "302 302 302 302 302 302 302 302 302 302"),
    Row("admin:households_household_changelist", "GET", "", "302 302 302 302 302 302 302 302 302 302"),
]


def _url_names(patterns=None, namespace=""):
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from _url_names(p.url_patterns, ns)
        elif isinstance(p, URLPattern):
            yield f"{namespace}{p.name}"


def test_every_url_is_in_the_matrix():
    covered = {row.name for row in MATRIX}
    missing = sorted(n for n in set(_url_names()) if not n.startswith("admin:") and n not in covered)
    assert not missing, f"URLs without a row in the permission matrix: {missing}"
    assert len(covered) == len(MATRIX), "a URL has two rows"


# --- the shared data set ---------------------------------------------------------------------


class World:
    """Everything the rows point at; ``members[caller]`` and a logged-in client per caller."""


def _build() -> World:
    from partez.attendance import services as attendance_services
    from partez.camping import services as camping_services
    from partez.camping.models import Placement
    from partez.fete import services as fete_services
    from partez.fete.models import CheckinList
    from partez.imports import services as import_services
    from partez.territory.models import Milestone, MilestoneKind
    from tests.factories.camping import W1, camp, participant
    from tests.factories.fete import build_fete
    from tests.fete.conftest import png_bytes

    w = World()
    w.edition = factories.EditionFactory()
    lens = factories.CommuneFactory(insee_code="62498", name="Lens", population=31415)
    lievin = factories.CommuneFactory(insee_code="62510", name="Liévin", population=30785)
    ccas = factories.OrganisationFactory(name="CCAS de Lens", kind=OrganisationKind.COMMUNE, commune=lens)
    other = factories.OrganisationFactory(
        name="CCAS de Liévin", kind=OrganisationKind.COMMUNE, commune=lievin
    )
    relay = factories.OrganisationFactory(name="Secours de Lens", kind=OrganisationKind.RELAY, commune=lens)
    fete = build_fete(w.edition, lens, ccas, lievin, other, households_per_commune=1)
    coordination = fete.coordination
    w.funder = fete.funder
    host = factories.OrganisationFactory(
        name="Camping Les Mouettes", kind=OrganisationKind.HOST, commune=None
    )
    member = factories.MembershipFactory
    w.members = {
        "coordinator": coordination,
        "referent": member(organisation=ccas, role=Role.COMMUNE_REFERENT),
        "worker": member(organisation=ccas, role=Role.SOCIAL_WORKER),
        "volunteer": member(organisation=ccas, role=Role.VOLUNTEER),
        "funder": member(organisation=w.funder, role=Role.FUNDER),
        "host": member(organisation=host, role=Role.HOST),
        "relay_worker": member(organisation=relay, role=Role.SOCIAL_WORKER),
        "relay_volunteer": member(organisation=relay, role=Role.VOLUNTEER),
        "outsider": member(organisation=other, role=Role.SOCIAL_WORKER),
    }
    w.volunteer = w.members["volunteer"]
    # a case file of Lens opened by its CCAS, with a second (non-referent) follow-up
    w.household = fete.households[lens.pk][0]
    w.person = w.household.persons.get()
    w.consent = w.household.consents.get()
    w.followup = _second_followup(w.household, coordination.organisation)
    w.project = factories.ProjectFactory(household=w.household, organisation=ccas, edition=w.edition)
    w.checklist_item = ChecklistItem.objects.create(project=w.project, label="Avis d'imposition")
    w.invitation = fete.invitation
    w.stand = CheckinList.objects.get(pk=fete.stand.pk)
    w.serial = w.household.cheques.values_list("serial", flat=True).first()
    w.signature = base64.b64encode(png_bytes()).decode()
    w.handover, _ = fete_services.handover_record(
        actor=coordination,
        code=w.invitation.code,
        serials=list(w.household.cheques.values_list("serial", flat=True)),
        signature_png=png_bytes(),
        nonce="matrice-remise",
        list_id=w.stand.pk,
    )
    # a door's list of the Lens CCAS (check-in at trainings, workshops, ceremonies)
    w.roster = attendance_services.roster_open(
        actor=w.members["referent"],
        kind="matrix-door",
        title="Atelier",
        starts_at=timezone.now(),
        organisation=ccas,
    )
    w.door_ticket = attendance_services.ticket_issue(roster=w.roster, subject="matrix:1", holder="Alix M.")
    _accompaniment(w)
    # editions, schemes, funding
    w.milestone = Milestone.objects.create(
        edition=w.edition, kind=MilestoneKind.FETE, label="Fête", planned_on=dt.date(w.edition.year, 6, 1)
    )
    w.scheme = Scheme.objects.get(slug=SCHEME)
    w.envelope = factories.EnvelopeFactory(funder=w.funder, edition=w.edition)
    w.allocation = AllocationRun.objects.create(
        edition=w.edition, created_by=coordination.user, priorities={}, results={}
    )
    # séjour commun: one Lens household placed at Les Mouettes (hosted by ``host``)
    c = camp(w.edition, coordination.organisation)
    c.mouettes.host = host
    c.mouettes.save()
    w.participant = participant(c, "F-MATRICE", people=2)
    camping_services.placement_move(
        actor=coordination, participant=w.participant, unit=c.units["M1"], week=c.week(c.mouettes, W1)
    )
    w.week = c.week(c.mouettes, W1)
    w.trip = Placement.objects.get(participant=w.participant).trip
    # a job of the Lens social worker; tokens; a survey link; an invitation to join
    w.job = Job.objects.create(
        kind="households_export", label="Export", organisation=ccas, created_by=w.members["worker"].user
    )
    w.import_batch = import_services.batch_read(
        actor=w.members["referent"],
        name="foyers.csv",
        content="N° foyer;Nom;Prénom;Date de naissance;Lien;Commune\n1;Matrice;Alix;03/05/1987;demandeur;Lens\n".encode(),
        consent_scopes=["casework"],
        consent_collected_on=dt.date(2026, 1, 5),
    )
    # two files of one Lens family (a possible duplicate) and an earlier merge to undo
    from partez.imports import duplicates
    from partez.imports.models import DuplicatePair

    twins = [factories.HouseholdFactory(commune=lens, created_by_organisation=ccas) for _ in range(4)]
    for h in twins:
        factories.PersonFactory(
            household=h, relation="head", last_name="Jumeau", first_name="Alix", birth_date="1980-01-01"
        )
    w.duplicate_pair = DuplicatePair.objects.create(
        a=twins[0], b=twins[1], score=80, reasons=["même personne"]
    )
    w.household_merge = duplicates.household_merge(
        actor=coordination,
        pair=DuplicatePair.objects.create(a=twins[2], b=twins[3], score=80, reasons=["même personne"]),
        keep=twins[2].pk,
    )
    w.worker_token = api_token_create(membership=w.members["worker"], name="matrice")[0]
    SurveyInvitation.objects.create(
        project=w.project, token_hash=hash_token(SURVEY_TOKEN), sent_at=timezone.now()
    )
    OrgInvitation.objects.create(
        organisation=ccas,
        email="nouvelle@example.org",
        role=Role.SOCIAL_WORKER,
        token_hash=hash_org_token(INVITATION_TOKEN),
        invited_by=w.members["referent"].user,
        expires_at=timezone.now() + dt.timedelta(days=7),
    )
    w.tokens = {name: api_token_create(membership=m, name="matrice")[1] for name, m in w.members.items()}
    return w


def _accompaniment(w) -> None:
    """A workshop of the Lens CCAS with the household registered, a step on the project's plan."""
    from partez.accompaniment import services as accompaniment

    w.workshop = accompaniment.workshop_save(
        actor=w.members["referent"],
        edition=w.edition,
        data=accompaniment.WorkshopInput(
            "budget", "Atelier budget", timezone.now() + dt.timedelta(days=5), "Maison des familles", 8
        ),
    )
    w.registration = accompaniment.workshop_register(
        actor=w.members["worker"], workshop=w.workshop, household=w.household, project=w.project
    )
    w.step = accompaniment.step_save(
        actor=w.members["worker"], project=w.project, label="Appeler la famille", due_on=None, who="referent"
    )


def _second_followup(household, organisation):
    from partez.households.models import FollowUp

    return FollowUp.objects.create(
        household=household, organisation=organisation, started_on=timezone.localdate()
    )


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module inside a transaction rolled back at its end."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            w = _build()
            w.clients = {}
            for name in CALLERS:
                client = Client()
                if name != "anonymous":
                    force_login_verified(client, w.members[name].user)  # set up before the patch
                w.clients[name] = client
            yield w
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _status(world, row: Row, caller: str, url: str) -> int:
    client = Client()  # a fresh client with the caller's session: a log-out row logs nobody out
    client.cookies = copy.deepcopy(world.clients[caller].cookies)
    headers = {}
    if row.name.startswith("api-v1:") and caller != "anonymous":
        headers["Authorization"] = f"Bearer {world.tokens[caller]}"
    with transaction.atomic():
        if row.method == "GET":
            response = client.get(url, headers=headers)
        elif row.data is not None:
            body = _resolve(row.data, world)
            response = client.post(url, body, content_type="application/json", headers=headers)
        else:
            response = client.post(url, {}, headers=headers)
        transaction.set_rollback(True)
    return response.status_code


@pytest.mark.django_db
@pytest.mark.parametrize("row", MATRIX + ADMIN_ROWS, ids=lambda r: r.name)
def test_permission_matrix(world, row):
    url = row.url(world)
    got = {caller: _status(world, row, caller, url) for caller in CALLERS}
    wrong = {c: f"{got[c]} (expected {e})" for c, e in row.expected().items() if got[c] != e}
    line = " ".join(str(got[c]) for c in CALLERS)
    assert not wrong, f"{row.method} {url}: {wrong}; the row's statuses today: {line!r}"
