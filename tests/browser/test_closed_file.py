"""A file closed by the withdrawal of its case-work consent, in a browser: the notice, no edit
action, accessible and usable on a phone."""

import pytest

from partez.households import services

from .helpers import check_page, log_in

pytestmark = pytest.mark.browser


def test_a_closed_file_reads_as_closed(page, referent, household):
    services.consent_revoke(actor=referent, consent=household.consents.get())
    log_in(page, referent.user.username)
    page.goto(f"/foyers/{household.pk}/")
    assert page.get_by_role("status").inner_text().startswith("Dossier clos")
    assert page.get_by_role("button", name="Modifier le foyer").count() == 0
    check_page(page, "household-closed")
