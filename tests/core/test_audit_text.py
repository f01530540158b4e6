"""The audit log as sentences (partez.core.audit_text): who did what to which file, field by
field in words, in a fixed number of queries whatever the number of lines (issue 13)."""

import pytest
from django.urls import reverse

from partez.core import audit_text
from partez.core.models import AuditLog
from partez.households import services
from partez.households.services import HouseholdInput
from partez.organisations.models import OrganisationKind, Role
from tests import factories

pytestmark = pytest.mark.django_db


def _update(actor, household, **changes):
    data = HouseholdInput(
        commune_insee=household.commune.insee_code,
        annual_taxable_income_cents=household.annual_taxable_income_cents,
        monthly_family_benefits_cents=household.monthly_family_benefits_cents,
        **changes,
    )
    return services.household_update(actor=actor, household=household, data=data)


def test_an_update_reads_as_a_sentence_with_its_fields_in_words(worker, household):
    worker.user.first_name, worker.user.last_name = "Martine", "Leroy"
    worker.user.save()
    _update(worker, household, phone="06 12 34 56 78", address="3 rue des Lilas", mobility="none")
    [line] = audit_text.describe(AuditLog.objects.filter(action="household.update"))
    assert line.sentence == (
        f"Martine Leroy a modifié le foyer Martin Claire ({household.reference}) : adresse, téléphone, mobilité"
    )
    changes = {c.label: (c.before, c.after) for c in line.changes}
    assert changes["téléphone"] == ("vide", "06 12 34 56 78")
    assert changes["mobilité"] == ("vide", "Ni voiture ni permis")


def test_the_audit_log_page_speaks_french_with_the_raw_diff_folded(
    client, household, django_assert_max_num_queries
):
    coordination = factories.OrganisationFactory(
        kind=OrganisationKind.COORDINATOR, slug="coord", commune=None
    )
    coordinator = factories.MembershipFactory(organisation=coordination, role=Role.COORDINATOR)
    for i in range(5):
        _update(coordinator, household, address=f"{i} rue des Lilas")
    client.force_login(coordinator.user)
    with django_assert_max_num_queries(20):
        page = client.get(reverse("audit_log")).content.decode()
    assert f"a modifié le foyer Martin Claire ({household.reference}) : adresse" in page
    assert "<details>" in page and "households.household #" not in page
    assert "Adresse : 3 rue des Lilas → 4 rue des Lilas" in page


def test_the_household_history_says_what_changed(client, worker, household):
    _update(worker, household, phone="0612345678")
    client.force_login(worker.user)
    page = client.get(reverse("household_detail", args=[household.pk])).content.decode()
    assert "a modifié le foyer Martin Claire" in page and "Téléphone : vide → 06 12 34 56 78" in page
    assert "Modification du foyer ·" not in page


def test_an_entry_about_ones_own_account_names_no_object(worker):
    from partez.core import audit

    audit.record(actor=worker.user, organisation=None, action="auth.login", obj=worker.user)
    [line] = audit_text.describe(AuditLog.objects.filter(action="auth.login"))
    name = worker.user.get_full_name() or worker.user.username
    assert line.sentence.startswith(f"{name} : ") and "utilisateur" not in line.sentence
