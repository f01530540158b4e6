"""Who may do what, as small pure functions of a membership (one condition per line).

Object scoping (which households an organisation sees) lives in the querysets
``for_organisation``; these functions only say what a role may do inside its organisation.
"""

from .models import Membership, OrganisationKind, Role

CASEWORK_ROLES = {Role.COORDINATOR, Role.COMMUNE_REFERENT, Role.SOCIAL_WORKER}
DECISION_ROLES = {Role.COORDINATOR, Role.COMMUNE_REFERENT}


def can_view_households(m: Membership | None) -> bool:
    """Case files: coordinators, commune referents and social workers — never funders, hosts, volunteers."""
    return m is not None and m.role in CASEWORK_ROLES


def can_edit_household(m: Membership | None) -> bool:
    return can_view_households(m)


def can_edit_project(m: Membership | None) -> bool:
    return can_view_households(m)


def can_decide_project(m: Membership | None) -> bool:
    """Validate or refuse a project (commission): commune referents and coordinators."""
    return m is not None and m.role in DECISION_ROLES


def can_grant_aid(m: Membership | None) -> bool:
    return can_decide_project(m)


def can_manage_members(m: Membership | None) -> bool:
    """Invite and deactivate colleagues: the organisation's coordinators and commune referents."""
    return m is not None and m.role in DECISION_ROLES


def can_view_audit(m: Membership | None) -> bool:
    return m is not None and m.role == Role.COORDINATOR


API_TOKEN_ROLES = {Role.COORDINATOR, Role.COMMUNE_REFERENT, Role.FUNDER}


def can_use_api_tokens(m: Membership | None) -> bool:
    """Personal API tokens (« Jetons d'API »): the roles that connect devices or software — the
    coordination (its tools, the Fête's devices), a commune's referent (its stand's tablets, its
    own software) and a funder (its reporting pulling the bilan). A social worker, a volunteer
    (the scan page works in the phone's browser) or a host never needs one, so never sees it."""
    return m is not None and m.role in API_TOKEN_ROLES


def can_export_households(m: Membership | None) -> bool:
    return can_view_households(m)


def sees_whole_territory(m: Membership | None) -> bool:
    """The coordinating association sees every household of the operation."""
    return (
        m is not None and m.organisation.kind == OrganisationKind.COORDINATOR and m.role == Role.COORDINATOR
    )


ROLES_BY_KIND: dict[str, list[str]] = {
    OrganisationKind.COORDINATOR: [Role.COORDINATOR, Role.VOLUNTEER],
    OrganisationKind.COMMUNE: [Role.COMMUNE_REFERENT, Role.SOCIAL_WORKER, Role.VOLUNTEER],
    OrganisationKind.RELAY: [Role.SOCIAL_WORKER, Role.VOLUNTEER],
    OrganisationKind.FUNDER: [Role.FUNDER],
    OrganisationKind.HOST: [Role.HOST],
}


def invitable_roles(m: Membership | None) -> list[str]:
    """Roles the actor may give by invitation: those that exist in its kind of organisation,
    never coordination unless the actor coordinates."""
    if m is None or not can_manage_members(m):
        return []
    roles = ROLES_BY_KIND.get(m.organisation.kind, [])
    return [r for r in roles if r != Role.COORDINATOR or m.role == Role.COORDINATOR]


def can_manage_editions(m: Membership | None) -> bool:
    """Editions (dates, participating communes, milestones): the coordinating association."""
    return sees_whole_territory(m)


def can_manage_schemes(m: Membership | None) -> bool:
    """Scheme rules (criteria, dated values, combinations): the coordinating association."""
    return sees_whole_territory(m)


def can_view_envelopes(m: Membership | None) -> bool:
    """Envelopes and their ledger: the coordination (all of them) and funders (their own)."""
    return sees_whole_territory(m) or (m is not None and m.role == Role.FUNDER)


def can_manage_envelopes(m: Membership | None) -> bool:
    """Create envelopes, change their amounts and commune quotas: the coordinating association."""
    return sees_whole_territory(m)


def can_choose_plan(m: Membership | None) -> bool:
    """Choose a project's financing plan: whoever may edit the project."""
    return can_edit_project(m)


def is_funder(m: Membership | None) -> bool:
    """A funder's member: sees aggregates of what its own envelopes paid, never a name."""
    return m is not None and m.role == Role.FUNDER


def can_view_bilan(m: Membership | None) -> bool:
    """The bilan: the coordination (everything), a commune's referents and social workers (their
    commune's figures), funders (aggregates of what their envelopes paid, small cells hidden)."""
    if m is None:
        return False
    if sees_whole_territory(m) or m.role == Role.FUNDER:
        return True
    return m.organisation.kind == OrganisationKind.COMMUNE and m.role in CASEWORK_ROLES


def can_view_funder_reports(m: Membership | None) -> bool:
    """Funder reports (PDF, XLSX): the coordination for every funder, a funder for itself."""
    return sees_whole_territory(m) or (m is not None and m.role == Role.FUNDER)


def can_export_bilan(m: Membership | None) -> bool:
    """The person × project export (names): the coordination and a commune's case workers."""
    return m is not None and can_view_bilan(m) and m.role != Role.FUNDER


# --- chèques-vacances and the Fête des vacances ----------------------------------------------

FETE_ROLES = {Role.VOLUNTEER, Role.COORDINATOR, Role.COMMUNE_REFERENT}


def can_manage_cheques(m: Membership | None) -> bool:
    """Record funders' orders of chèques-vacances and allocate booklets to communes: the coordination."""
    return sees_whole_territory(m)


def can_prepare_cheques(m: Membership | None) -> bool:
    """Prepare a household's chèques from its commune's stock: the coordination and commune referents."""
    return m is not None and m.role in DECISION_ROLES


def can_view_cheques(m: Membership | None) -> bool:
    """The reconciliation of the stock: the coordination (all), referents (their commune), funders (theirs)."""
    return can_prepare_cheques(m) or (m is not None and m.role == Role.FUNDER)


def can_manage_fete(m: Membership | None) -> bool:
    """The Fête des vacances (date, place, stands, invitations): the coordination."""
    return sees_whole_territory(m)


def can_check_in(m: Membership | None) -> bool:
    """Scan invitations and hand over chèques at the Fête: volunteers, referents and the coordination."""
    return m is not None and m.role in FETE_ROLES


def lands_on_scan(m: Membership | None) -> bool:
    """After logging in, a volunteer opens the Fête's scan page, not the dashboard: scanning is
    all the role does."""
    return m is not None and m.role == Role.VOLUNTEER and can_check_in(m)


def can_view_fete_counter(m: Membership | None) -> bool:
    """The live counter of the Fête: the coordination and commune referents."""
    return m is not None and m.role in DECISION_ROLES


def can_manage_account_security(m: Membership | None) -> bool:
    """The second-factor policy, unlocking throttled logins, resetting a lost second factor:
    the coordinating association."""
    return sees_whole_territory(m)
