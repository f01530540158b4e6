"""Rule edits: validated as a whole, versioned, audited, by the coordination only."""

import copy

import pytest

from partez.core.errors import DomainError, NotAllowed
from partez.core.models import AuditLog
from partez.organisations.models import OrganisationKind, Role
from partez.schemes import catalogue, services
from partez.schemes.models import Scheme, SchemeVersion
from tests import factories

pytestmark = pytest.mark.django_db

SLUG = "depart-18-25"


@pytest.fixture
def scheme(db):
    services.catalogue_sync()
    return Scheme.objects.get(slug=SLUG)


@pytest.fixture
def coordination(coordinator_org):
    return factories.MembershipFactory(organisation=coordinator_org, role=Role.COORDINATOR)


def _with_max_amount_2027(definition: dict) -> dict:
    new = copy.deepcopy(definition)
    new["parameters"]["max_amount"]["values"].append(
        {"from": "2027-01-01", "value": 30000, "source": "https://www.ancv.com/"}
    )
    return new


def _assert_nothing_saved(scheme: Scheme) -> None:
    before = copy.deepcopy(scheme.definition)
    scheme.refresh_from_db()
    assert scheme.version == 1
    assert scheme.definition == before == catalogue.raw(SLUG)
    assert list(SchemeVersion.objects.filter(scheme=scheme).values_list("number", flat=True)) == [1]
    assert not AuditLog.objects.exists()


def test_catalogue_sync_is_idempotent_and_links_funders(scheme):
    assert Scheme.objects.count() == len(catalogue.slugs())
    ancv = factories.OrganisationFactory(name="ANCV", slug="ancv", kind=OrganisationKind.FUNDER, commune=None)
    assert services.catalogue_sync() == []
    assert Scheme.objects.count() == len(catalogue.slugs())
    assert SchemeVersion.objects.filter(scheme=scheme).count() == 1
    scheme.refresh_from_db()
    assert scheme.funder == ancv


def test_a_valid_change_is_a_new_version_with_its_audit_entry(scheme, coordination):
    new = _with_max_amount_2027(scheme.definition)
    saved = services.scheme_update(
        actor=coordination, scheme=scheme, definition=new, comment="  Barème 2027 "
    )
    assert saved.version == 2
    scheme.refresh_from_db()
    assert scheme.version == 2 and scheme.definition == new
    version = SchemeVersion.objects.get(scheme=scheme, number=2)
    assert version.definition == new
    assert version.comment == "Barème 2027"
    assert version.created_by == coordination.user
    assert SchemeVersion.objects.get(scheme=scheme, number=1).definition == catalogue.raw(
        SLUG
    )  # kept as it was
    log = AuditLog.objects.get()
    assert log.action == "scheme.update" and log.object_id == str(scheme.pk)
    assert log.changes == {"version": [1, 2], "comment": "Barème 2027"}
    assert log.actor == coordination.user and log.organisation == coordination.organisation


def test_dates_given_as_dates_are_stored_as_iso_strings(scheme, coordination):
    import datetime as dt

    new = _with_max_amount_2027(scheme.definition)
    new["parameters"]["max_amount"]["values"][-1]["from"] = dt.date(2027, 1, 1)
    services.scheme_update(actor=coordination, scheme=scheme, definition=new, comment="Barème 2027")
    scheme.refresh_from_db()
    assert scheme.definition["parameters"]["max_amount"]["values"][-1]["from"] == "2027-01-01"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (
            lambda d: d["parameters"]["share"]["values"][-1].update(value="1.5"),
            "parameters.share.values[4].value",
        ),
        (
            lambda d: d["parameters"]["share"]["values"][-1].update(source=""),
            "parameters.share.values[4].source",
        ),
        (
            lambda d: d["parameters"]["share"]["values"][-1].update({"from": "2022-13-01"}),
            "parameters.share.values[4].from",
        ),
        (lambda d: d["formula"].update(cap="plafond"), "formula.cap"),
        (lambda d: d["criteria"][0].update(min="age_minimum"), "criteria[0].min"),
        (lambda d: d.update(excludes=["inconnu"]), "excludes"),
        (lambda d: d.update(channel="virement"), "channel"),
    ],
)
def test_an_invalid_definition_is_refused_naming_the_field(scheme, coordination, change, field):
    new = copy.deepcopy(scheme.definition)
    change(new)
    with pytest.raises(DomainError) as exc:
        services.scheme_update(actor=coordination, scheme=scheme, definition=new, comment="Essai")
    assert field in exc.value.errors
    assert exc.value.errors[field]  # a French message
    _assert_nothing_saved(scheme)


def test_the_slug_never_changes(scheme, coordination):
    new = {**copy.deepcopy(scheme.definition), "slug": "depart-1825"}
    with pytest.raises(DomainError) as exc:
        services.scheme_update(actor=coordination, scheme=scheme, definition=new, comment="Renommage")
    assert exc.value.errors == {"slug": "L'identifiant d'un dispositif ne change pas."}
    _assert_nothing_saved(scheme)


@pytest.mark.parametrize("comment", ["", "   "])
def test_a_motive_is_required(scheme, coordination, comment):
    with pytest.raises(DomainError) as exc:
        services.scheme_update(
            actor=coordination,
            scheme=scheme,
            definition=_with_max_amount_2027(scheme.definition),
            comment=comment,
        )
    assert list(exc.value.errors) == ["comment"]
    _assert_nothing_saved(scheme)


@pytest.mark.parametrize("role", [Role.COMMUNE_REFERENT, Role.SOCIAL_WORKER, Role.VOLUNTEER])
def test_only_the_coordination_edits_rules(scheme, ccas, role):
    member = factories.MembershipFactory(organisation=ccas, role=role)
    with pytest.raises(NotAllowed):
        services.scheme_update(
            actor=member, scheme=scheme, definition=_with_max_amount_2027(scheme.definition), comment="Essai"
        )
    with pytest.raises(NotAllowed):
        services.scheme_set_active(actor=member, scheme=scheme, active=False)
    _assert_nothing_saved(scheme)
    assert scheme.is_active


def test_a_coordination_volunteer_cannot_edit_rules(scheme, coordinator_org):
    volunteer = factories.MembershipFactory(organisation=coordinator_org, role=Role.VOLUNTEER)
    with pytest.raises(NotAllowed):
        services.scheme_update(
            actor=volunteer,
            scheme=scheme,
            definition=_with_max_amount_2027(scheme.definition),
            comment="Essai",
        )
    _assert_nothing_saved(scheme)


def test_suspend_and_reactivate_are_audited(scheme, coordination):
    services.scheme_set_active(actor=coordination, scheme=scheme, active=False)
    scheme.refresh_from_db()
    assert not scheme.is_active and scheme.version == 1
    services.scheme_set_active(actor=coordination, scheme=scheme, active=True)
    scheme.refresh_from_db()
    assert scheme.is_active
    assert [(a.action, a.changes) for a in AuditLog.objects.order_by("id")] == [
        ("scheme.deactivate", {"is_active": [True, False]}),
        ("scheme.activate", {"is_active": [False, True]}),
    ]


def test_a_change_made_meanwhile_is_not_overwritten(coordination, scheme):
    scheme = Scheme.objects.get(slug="bsv")  # the fixture loaded the catalogue
    first = catalogue.raw("bsv") | {"name": "BSV (1)"}
    services.scheme_update(
        actor=coordination, scheme=scheme, definition=first, comment="Un", expected_version=1
    )
    with pytest.raises(DomainError) as caught:
        services.scheme_update(
            actor=coordination,
            scheme=scheme,
            definition=catalogue.raw("bsv") | {"name": "BSV (2)"},
            comment="Deux",
            expected_version=1,
        )
    assert "version" in caught.value.errors
    assert Scheme.objects.get(slug="bsv").name == "BSV (1)"
