"""manage.py create_api_token"""

from io import StringIO

import pytest
from django.core.management import CommandError, ManagementUtility, base, call_command

from partez.core.models import AuditLog
from partez.organisations.models import ApiToken, Role
from tests import factories

from .conftest import ApiClient


def run(*args) -> list[str]:
    out = StringIO()
    call_command("create_api_token", *args, stdout=out)
    return out.getvalue().splitlines()


def test_prints_a_working_token_alone_on_its_last_line(worker, household):
    lines = run("travailleuse")
    token = lines[-1]
    assert token.startswith("ptz_") and " " not in token
    response = ApiClient(token).get("/households")
    assert response.status_code == 200
    assert [i["id"] for i in response.json()["items"]] == [household.pk]
    stored = ApiToken.objects.get()
    assert stored.membership == worker and stored.name == "Jeton créé en ligne de commande"
    assert token not in stored.key_hash  # only the hash is stored
    assert AuditLog.objects.filter(action="api_token.create").count() == 1


def test_default_organisation_is_the_first_active_membership_by_name(worker, other_org, ccas):
    # "CCAS de Liévin" sorts after "CCAS de Lens"; an inactive "AAA" membership is skipped.
    factories.MembershipFactory(user=worker.user, organisation=other_org, role=Role.COMMUNE_REFERENT)
    aaa = factories.OrganisationFactory(name="AAA Structure")
    factories.MembershipFactory(user=worker.user, organisation=aaa, is_active=False)
    run("travailleuse", "--name", "Tablette")
    token = ApiToken.objects.get()
    assert (token.membership.organisation, token.name) == (ccas, "Tablette")


def test_organisation_option_picks_the_membership(worker, other_org):
    membership = factories.MembershipFactory(
        user=worker.user, organisation=other_org, role=Role.COMMUNE_REFERENT
    )
    token = run("travailleuse", "--organisation", "ccas-lievin")[-1]
    assert ApiToken.objects.get().membership == membership
    assert ApiClient(token).get("/households").status_code == 200


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["personne"], "Aucun compte « personne »."),
        (["travailleuse", "--organisation", "ccas-lievin"], "n'a pas d'adhésion active dans l'organisation"),
        (["travailleuse", "--name", "   "], "Donnez un nom au jeton"),
        (["sans-adhesion"], "n'a aucune adhésion active"),
        (["inactive"], "est désactivé"),
    ],
)
def test_errors_in_french_and_nothing_created(worker, other_org, args, message):
    factories.UserFactory(username="sans-adhesion")
    factories.MembershipFactory(
        organisation=worker.organisation, user__username="inactive", user__is_active=False
    )
    with pytest.raises(CommandError, match=message):
        run(*args)
    assert not ApiToken.objects.exists()


@pytest.fixture
def manage(monkeypatch):
    """Run like the shell does (argument parsing, stderr, exit code), in-process to share the test
    database; ``run_from_argv`` closes every connection when it ends, which would break the test's
    transaction on PostgreSQL, so that one step is disabled."""
    monkeypatch.setattr(base.connections, "close_all", lambda: None)
    return lambda *argv: ManagementUtility(["manage.py", *argv]).execute()


def test_command_line_prints_the_token_last(worker, capsys, manage):
    manage("create_api_token", "travailleuse", "--name", "Script de synchro")
    out = capsys.readouterr().out
    assert out.endswith("\n")
    token = out.splitlines()[-1]
    assert ApiClient(token).get("/households").status_code == 200


def test_command_line_errors_go_to_stderr_with_a_non_zero_exit_code(worker, capsys, manage):
    with pytest.raises(SystemExit) as exit_info:
        manage("create_api_token", "personne-inconnue")
    assert exit_info.value.code != 0
    captured = capsys.readouterr()
    assert "Aucun compte « personne-inconnue »." in captured.err
    assert captured.out == ""
