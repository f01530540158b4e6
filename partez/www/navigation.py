"""The main navigation as data: groups named by what people do, each entry with the permission
function its view checks, so a role is shown only what it may open. A new section is one line
in :data:`MENU`; a group with nothing to show is left out."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

from partez.accompaniment import perms as accompaniment_perms
from partez.camping import perms as camping_perms
from partez.commissions import perms as commission_perms
from partez.family import perms as family_perms
from partez.groups import perms as group_perms
from partez.network import perms as network_perms
from partez.offers import perms as offers_perms
from partez.organisations import perms
from partez.organisations.models import Membership
from partez.territory.selectors import current_edition as edition_shown  # the edition the header names


def every_member(m: Membership) -> bool:
    """Pages any member opens (their view asks for a membership only)."""
    return True


@dataclass(frozen=True)
class Entry:
    label: str
    url_name: str
    allowed: Callable[[Membership], bool]


@dataclass(frozen=True)
class Group:
    key: str
    label: str
    entries: tuple[Entry, ...]


MENU: tuple[Group, ...] = (
    Group(
        "accompagner",
        "Accompagner",
        (
            Entry("Foyers", "household_list", perms.can_view_households),
            Entry("Ateliers", "accompaniment_workshops", accompaniment_perms.can_view_workshops),
        ),
    ),
    Group(
        "decider", "Décider", (Entry("Commission", "commission_index", commission_perms.can_run_commission),)
    ),
    Group(
        "financer",
        "Financer",
        (
            Entry("Financements", "envelope_list", perms.can_view_envelopes),
            Entry("Dispositifs", "scheme_list", every_member),
            Entry("Chèques-vacances", "cheque_overview", perms.can_view_cheques),
        ),
    ),
    Group(
        "sejours",
        "Séjours",
        (
            Entry("Séjour commun", "camping_board", camping_perms.can_view_camping),
            Entry("Départs en groupe", "groups_list", group_perms.can_view_groups),
            Entry("Jury Sac Ados", "groups_jury", group_perms.can_run_jury),
            Entry("Offres d'hébergement", "offers_catalogue", offers_perms.can_search_offers),
            Entry("Arrivées", "offers_arrivals", offers_perms.can_view_arrivals),
            Entry("Attribution des offres", "offers_matching", offers_perms.can_match_offers),
        ),
    ),
    Group(
        "fete",
        "Fête",
        (
            Entry("Fête des vacances", "fete_home", perms.can_manage_fete),
            Entry("Pointage", "scan_choose", perms.can_check_in),
        ),
    ),
    Group(
        "reseau",
        "Réseau",
        (
            Entry("Équipe", "members", every_member),
            Entry("Formations", "network_trainings", network_perms.can_view_network),
            Entry("Événements", "network_events", network_perms.can_view_network),
            Entry("Ressources", "network_resources", network_perms.can_view_network),
            Entry("Annuaire", "network_directory", network_perms.can_view_network),
            Entry("Annonces", "network_announcements", network_perms.can_view_network),
        ),
    ),
    Group(
        "bilan",
        "Bilan",
        (
            Entry("Bilan de l'édition", "bilan", perms.can_view_bilan),
            Entry("Récits des familles", "family_stories", family_perms.can_moderate_stories),
            Entry("Accompagnement", "accompaniment_bilan", accompaniment_perms.can_view_accompaniment_bilan),
        ),
    ),
    Group(
        "administration",
        "Administration",
        (
            Entry("Éditions", "edition_list", perms.can_manage_editions),
            Entry("Journal d'audit", "audit_log", perms.can_view_audit),
            Entry("Sécurité", "organisation_security", perms.can_manage_account_security),
            Entry("Questions du repérage", "accompaniment_questions", accompaniment_perms.can_edit_questions),
        ),
    ),
)


def _is_under(path: str, url: str) -> bool:
    return path == url or (url != "/" and path.startswith(url))


def menu_for(m: Membership, path: str, groups: tuple[Group, ...] = MENU) -> list[dict]:
    """The groups ``m`` may use, each with its entries: label, URL, whether it is the page shown
    (``current``) or the page shown is below it (``active``, e.g. a household under « Foyers »)."""
    shown = []
    for group in groups:
        entries = []
        for entry in group.entries:
            if not entry.allowed(m):
                continue
            url = reverse(entry.url_name)
            entries.append(
                {"label": entry.label, "url": url, "current": path == url, "active": _is_under(path, url)}
            )
        if entries:
            active = any(e["active"] for e in entries)
            shown.append({"key": group.key, "label": group.label, "entries": entries, "active": active})
    return shown


def navigation(request) -> dict:
    """Context processor: the menu of the current membership and the edition worked on."""
    getter = getattr(request, "get_membership", None)
    membership = getter() if getter else None
    if membership is None:
        return {"menu": [], "menu_edition": None, "can_use_api_tokens": False}
    return {
        "menu": menu_for(membership, request.path),
        "menu_edition": edition_shown(),
        "can_use_api_tokens": perms.can_use_api_tokens(membership),  # the header's « Jetons d'API »
    }
