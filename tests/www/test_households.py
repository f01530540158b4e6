import datetime as dt
import html
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from partez.core.models import AuditLog
from partez.households import services
from partez.households.models import Consent, FollowUp, Household, Person
from tests import factories

pytestmark = pytest.mark.django_db


def household_post(commune_obj, **overrides):
    data = {
        "commune": commune_obj.insee_code,
        "annual_taxable_income": "18000",
        "monthly_family_benefits": "200",
        "rfr": "",
        "tax_parts": "",
        "is_taxable": "unknown",
        "persons-TOTAL_FORMS": "2",
        "persons-INITIAL_FORMS": "0",
        "persons-MIN_NUM_FORMS": "1",
        "persons-MAX_NUM_FORMS": "15",
        "persons-0-first_name": "Claire",
        "persons-0-last_name": "Dupont",
        "persons-0-birth_date": "1984-02-03",
        "persons-0-relation": "head",
        "persons-0-employment": "employee",
        "persons-1-first_name": "Léo",
        "persons-1-last_name": "Dupont",
        "persons-1-birth_date": "2016-09-10",
        "persons-1-relation": "child",
        "persons-1-employment": "student",
        "consent-scopes": ["casework", "statistics"],
        "consent-confirmed": "on",
    }
    data.update(overrides)
    return data


def test_create_household_computes_qf_records_consent_and_audit(client, worker, commune):
    client.force_login(worker.user)
    response = client.post(reverse("household_create"), household_post(commune))
    assert response.status_code == 302
    household = Household.objects.get()
    assert household.persons.count() == 2
    # 1,500 €/month + 200 € over 2.5 parts (single parent 2 + 1st child 0.5) = 680 €
    assert household.qf_euros == 680
    consent = Consent.objects.get(household=household)
    assert consent.collected_by == worker.user
    assert consent.scopes == ["casework", "statistics"]
    assert FollowUp.objects.get(household=household).is_referent
    log = AuditLog.objects.get(action="household.create")
    assert log.actor == worker.user and log.organisation == worker.organisation
    page = client.get(response.url).content.decode()
    assert "680,00 €" in page or "680 €" in page
    assert "Parent isolé : 2 parts." in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"persons-1-birth_date": (timezone.localdate() + dt.timedelta(days=3)).isoformat()},
            "dans le futur",
        ),
        ({"annual_taxable_income": "-5"}, "ne peut pas être négatif"),
        ({"commune": "99999"}, "Commune inconnue"),
        ({"persons-1-relation": "head"}, "exactement un·e demandeur·se"),
        ({"consent-confirmed": ""}, "consentement doit être recueilli"),
    ],
)
def test_bad_household_input_is_refused_in_french_and_nothing_saved(
    client, worker, commune, overrides, message
):
    client.force_login(worker.user)
    response = client.post(reverse("household_create"), household_post(commune, **overrides))
    assert response.status_code == 200
    assert message in html.unescape(response.content.decode())
    assert Household.objects.count() == 0
    assert Person.objects.count() == 0
    assert not AuditLog.objects.exists()


def test_edit_household_recomputes_qf_and_logs_the_diff(client, worker, household):
    client.force_login(worker.user)
    data = {
        "commune": household.commune.insee_code,
        "annual_taxable_income": "24000",
        "monthly_family_benefits": "0",
        "is_taxable": "false",
    }
    response = client.post(reverse("household_edit", args=[household.pk]), data)
    assert response.status_code == 302
    household.refresh_from_db()
    assert household.annual_taxable_income_cents == 2_400_000
    assert household.qf_euros == 800  # 2,000 €/month over 2.5 parts
    log = AuditLog.objects.get(action="household.update")
    assert log.changes["annual_taxable_income_cents"] == [1_800_000, 2_400_000]


def test_search_by_name_and_birth_date(client, worker, household):
    other = factories.HouseholdFactory(commune=household.commune, created_by_organisation=worker.organisation)
    factories.PersonFactory(
        household=other, last_name="Lefebvre", first_name="Anne", birth_date=dt.date(1970, 5, 6)
    )
    client.force_login(worker.user)
    page = client.get(reverse("household_list"), {"q": "lefeb"}).content.decode()
    assert "LEFEBVRE" in page and "MARTIN" not in page
    page = client.get(reverse("household_list"), {"q": "06/05/1970"}).content.decode()
    assert "LEFEBVRE" in page and "MARTIN" not in page
    page = client.get(reverse("household_list"), {"status": "none"}).content.decode()
    assert "LEFEBVRE" in page and "MARTIN" in page


def _make_households(org, commune, n):
    for _ in range(n):
        h = factories.HouseholdFactory(commune=commune, created_by_organisation=org)
        factories.PersonFactory(household=h)
        factories.PersonFactory(household=h, relation="child", birth_date=dt.date(2012, 1, 1))


def test_household_list_query_count_is_constant(client, worker, commune, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(worker.user)
    client.get(reverse("household_list"))  # warm-up: session's organisation, cached commune choices
    _make_households(worker.organisation, commune, 3)
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("household_list")).status_code == 200
    _make_households(worker.organisation, commune, 30)
    with CaptureQueriesContext(connection) as many:
        assert client.get(reverse("household_list")).status_code == 200
    assert len(many) == len(few)
    with django_assert_max_num_queries(10):
        client.get(reverse("household_list"), {"q": "a", "status": "draft", "situation": "employee"})


def test_household_detail_query_count_is_bounded(client, worker, household, django_assert_max_num_queries):
    client.force_login(worker.user)
    with django_assert_max_num_queries(18):  # + the family space's block and the barriers (issues 16, 20)
        assert client.get(reverse("household_detail", args=[household.pk])).status_code == 200


def test_dashboard_query_count_is_constant(client, worker, commune, edition):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(worker.user)
    client.get(reverse("dashboard"))  # first request stores the current organisation in the session
    _make_households(worker.organisation, commune, 2)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("dashboard"))
    _make_households(worker.organisation, commune, 20)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("dashboard"))
    assert len(many) == len(few)


def test_followup_by_a_second_organisation_needs_the_sharing_consent(client, worker, household, other_org):
    from partez.organisations.models import Role

    outsider = factories.MembershipFactory(organisation=other_org, role=Role.SOCIAL_WORKER)
    client.force_login(outsider.user)
    assert client.get(reverse("household_detail", args=[household.pk])).status_code == 404
    client.force_login(worker.user)
    refused = client.post(
        reverse("followup_add", args=[household.pk]), {"organisation": other_org.pk}, follow=True
    )
    assert "n'a pas consenti au partage" in html.unescape(refused.content.decode())
    assert not FollowUp.objects.filter(organisation=other_org).exists()
    household.consents.update(scopes=["casework", "sharing"])
    client.post(reverse("followup_add", args=[household.pk]), {"organisation": other_org.pk})
    client.force_login(outsider.user)
    assert client.get(reverse("household_detail", args=[household.pk])).status_code == 200
    assert (
        FollowUp.objects.filter(household=household, is_referent=True).get().organisation
        == worker.organisation
    )
    # the contributor cannot take the household over: neither end the referent's follow-up
    # (refused while it is the referent anyway) nor make itself the referent
    own = FollowUp.objects.get(household=household, organisation=other_org)
    response = client.post(reverse("followup_referent", args=[household.pk, own.pk]), follow=True)
    assert "Seule la structure référente" in html.unescape(response.content.decode())
    assert FollowUp.objects.get(household=household, is_referent=True).organisation == worker.organisation
    # but it can leave, once; and the referent may end another structure's follow-up
    client.post(reverse("followup_end", args=[household.pk, own.pk]), {"reason": "Déménagement"})
    own.refresh_from_db()
    assert own.ended_on is not None
    again = client.post(
        reverse("followup_end", args=[household.pk, own.pk]), {"reason": "autre"}, follow=True
    )
    assert own.end_reason == "Déménagement"
    assert again.status_code == 404  # having left, the structure no longer sees the household


def test_a_withdrawn_casework_consent_blocks_new_projects(worker, household, edition):
    from partez.core.errors import DomainError
    from partez.projects.services import ProjectInput, project_create

    services.consent_revoke(actor=worker, consent=household.consents.get())
    with pytest.raises(DomainError, match="retiré son consentement"):
        project_create(
            actor=worker,
            household=household,
            edition=edition,
            data=ProjectInput(format="individual", traveller_ids=[household.persons.first().pk]),
        )


def test_editing_a_household_keeps_the_tax_status(client, worker, household):
    household.is_taxable = False
    household.save(update_fields=["is_taxable"])
    client.force_login(worker.user)
    page = client.get(reverse("household_edit", args=[household.pk])).content.decode()
    assert '<option value="false" selected>' in page
    data = {
        "commune": household.commune.insee_code,
        "annual_taxable_income": "18000",
        "monthly_family_benefits": "200",
    }
    client.post(reverse("household_edit", args=[household.pk]), {**data, "is_taxable": "false"})
    household.refresh_from_db()
    assert household.is_taxable is False


def test_search_ignores_accents_and_case(client, worker, household):
    other = factories.HouseholdFactory(commune=household.commune, created_by_organisation=worker.organisation)
    factories.PersonFactory(household=other, last_name="Lefèvre", first_name="Léa")
    client.force_login(worker.user)
    for query in ["lea lefevre", "LÉA", "lefèvre"]:
        page = client.get(reverse("household_list"), {"q": query}).content.decode()
        assert "LEFÈVRE" in page, query
        assert "MARTIN" not in page, query


def test_add_then_edit_a_person_recomputes_the_qf(client, worker, household):
    client.force_login(worker.user)
    person = {"first_name": "Inès", "last_name": "Martin", "birth_date": "2019-03-03", "relation": "child"}
    response = client.post(reverse("person_add", args=[household.pk]), {**person, "employment": "other"})
    assert response.status_code == 302
    household.refresh_from_db()
    assert household.persons.count() == 3 and household.qf_parts == 3  # single parent 2 + 0.5 + 0.5
    assert household.qf_euros == 567  # (1,500 € + 200 €) / 3 parts
    ines = household.persons.get(first_name="Inès")
    response = client.post(
        reverse("person_edit", args=[household.pk, ines.pk]),
        {**person, "employment": "other", "has_disability": "on"},
    )
    assert response.status_code == 302
    household.refresh_from_db()
    assert household.qf_parts == Decimal("3.5")  # +0.5 for a disabled child
    page = client.post(
        reverse("person_edit", args=[household.pk, ines.pk]),
        {**person, "relation": "head", "employment": "other"},
    )
    assert "exactement un·e demandeur·se" in html.unescape(page.content.decode())


def test_consent_withdrawal_is_recorded_and_history_shows_who_did_what(client, worker, household):
    client.force_login(worker.user)
    consent = household.consents.get()
    response = client.post(reverse("consent_revoke", args=[household.pk, consent.pk]))
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.revoked_at is not None
    again = client.post(reverse("consent_revoke", args=[household.pk, consent.pk]), follow=True)
    assert "déjà été retiré" in html.unescape(again.content.decode())
    page = html.unescape(client.get(reverse("household_detail", args=[household.pk])).content.decode())
    assert "retiré le" in page
    name = worker.user.get_full_name() or worker.user.username
    assert f"{name} : retrait du consentement (le consentement du foyer Martin Claire" in page
    assert AuditLog.objects.filter(action="consent.revoke", actor=worker.user).count() == 1


def test_history_lists_changes_to_the_household_its_people_and_projects(client, worker, household):
    client.force_login(worker.user)
    data = {
        "commune": household.commune.insee_code,
        "annual_taxable_income": "1",
        "monthly_family_benefits": "0",
    }
    client.post(reverse("household_edit", args=[household.pk]), data)
    page = html.unescape(client.get(reverse("household_detail", args=[household.pk])).content.decode())
    # in words, field by field (issue 13: it said « Modification du foyer » and nothing more)
    assert "a modifié le foyer Martin Claire" in page
    assert "Revenus imposables annuels : 18 000,00 € → 1,00 €" in page.replace("\u202f", " ")


def test_small_forms_load_on_demand_and_post(client, worker, household, other_org):
    client.force_login(worker.user)
    partial = client.get(reverse("followup_add", args=[household.pk]), HTTP_HX_REQUEST="true")
    assert partial.status_code == 200 and b"<html" not in partial.content and b"CCAS de Li" in partial.content
    page = client.get(reverse("past_departure_add", args=[household.pk]))
    assert page.status_code == 200 and b"<html" in page.content  # works without JavaScript too
    person = household.persons.get(relation="head")
    client.post(
        reverse("past_departure_add", args=[household.pk]),
        {"person": person.pk, "year": 2019, "scheme": "bsv"},
    )
    assert person.past_departures.get().scheme == "bsv"


def test_no_optional_consent_is_ticked_in_advance(client, worker):
    """A pre-ticked box is no consent (CJEU, Planet49): none is ticked, not even case work (the
    file cannot be created without it, which the service says; the household still says yes)."""
    client.force_login(worker.user)
    page = client.get(reverse("household_create")).content.decode()
    boxes = dict(re.findall(r'<input type="checkbox" name="consent-scopes" value="(\w+)"([^>]*)>', page))
    assert set(boxes) == {"casework", "sharing", "contact", "statistics"}
    assert [scope for scope, attrs in boxes.items() if "checked" in attrs] == []
    # each box says what it is for
    assert "Indispensable pour ouvrir le dossier" in page and "comptées sans nom dans le bilan" in page
