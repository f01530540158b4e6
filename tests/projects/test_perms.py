"""Who may make each move of the project workflow: one rule per transition, used by the service,
the web page and the API alike."""

import pytest

from partez.organisations.models import Membership, Organisation, OrganisationKind, Role
from partez.projects import perms, workflow


def test_every_transition_has_a_rule():
    assert set(perms.TRANSITION_RULES) == set(workflow.TRANSITIONS)


def _member(role, kind):
    return Membership(role=role, organisation=Organisation(kind=kind))


ALLOWED = [
    # (role, organisation kind, status, the actions it may take from there)
    (Role.SOCIAL_WORKER, OrganisationKind.RELAY, "draft", ["submit", "withdraw"]),
    (Role.SOCIAL_WORKER, OrganisationKind.COMMUNE, "submitted", ["withdraw"]),
    (
        Role.COMMUNE_REFERENT,
        OrganisationKind.COMMUNE,
        "submitted",
        ["validate", "refuse", "ask_completion", "withdraw"],
    ),
    (Role.COORDINATOR, OrganisationKind.COORDINATOR, "validated", ["grant_aid", "withdraw"]),
    (Role.SOCIAL_WORKER, OrganisationKind.COMMUNE, "validated", ["withdraw"]),
    (Role.SOCIAL_WORKER, OrganisationKind.COMMUNE, "refused", ["reopen"]),
    (Role.VOLUNTEER, OrganisationKind.COMMUNE, "draft", []),
    (Role.FUNDER, OrganisationKind.FUNDER, "submitted", []),
    (Role.HOST, OrganisationKind.HOST, "aid_granted", []),
]


@pytest.mark.parametrize(("role", "kind", "status", "actions"), ALLOWED)
def test_allowed_transitions(role, kind, status, actions):
    assert [t.action for t in perms.allowed_transitions(_member(role, kind), status)] == actions


def test_nobody_anonymous_moves_a_project():
    assert perms.allowed_transitions(None, "draft") == []
