"""Who may move a project along its workflow: each transition's rule, as the permission function
itself (the pure ``workflow`` says which moves exist; this module says which role may make them).
The service, the web page and the API all ask :func:`allowed_transitions` / :func:`can_perform`."""

from __future__ import annotations

from collections.abc import Callable

from partez.organisations import perms
from partez.organisations.models import Membership

from . import workflow

Rule = Callable[[Membership | None], bool]

TRANSITION_RULES: dict[str, Rule] = {
    "submit": perms.can_edit_project,
    "validate": perms.can_decide_project,
    "refuse": perms.can_decide_project,
    "reopen": perms.can_edit_project,
    "ask_completion": perms.can_decide_project,
    "grant_aid": perms.can_grant_aid,
    "depart": perms.can_edit_project,
    "return": perms.can_edit_project,
    "evaluate": perms.can_edit_project,
    "withdraw": perms.can_edit_project,
}


def can_perform(m: Membership | None, transition: workflow.Transition) -> bool:
    """Whether ``m``'s role may make this move (an action with no rule is refused)."""
    rule = TRANSITION_RULES.get(transition.action)
    return rule is not None and rule(m)


def allowed_transitions(m: Membership | None, status: str) -> list[workflow.Transition]:
    """The moves from ``status`` that ``m``'s role may make, in the workflow's order."""
    return [t for t in workflow.available(status) if can_perform(m, t)]
