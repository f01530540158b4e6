"""The daily retention run: notices, grace period, anonymisation; journal notes, Fête signatures
and audit details past their period; the commands."""

import datetime as dt
import io
import json
import zipfile

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from partez.cheques.models import Cheque
from partez.core import audit
from partez.core.models import AccessLog, AuditLog
from partez.fete import services as fete_services
from partez.fete.models import Handover, Invitation
from partez.households.models import Household, Person
from partez.organisations.models import OrganisationKind, Role
from partez.privacy import retention
from partez.privacy.anonymise import household_anonymise, normalised_birth_date, qf_band_floor
from partez.privacy.export import build_zip
from partez.privacy.models import RetentionNotice
from partez.projects.models import JournalEntry, Project
from tests import factories
from tests.factories.fete import build_fete
from tests.fete.conftest import png_bytes

pytestmark = pytest.mark.django_db

TODAY = dt.date(2027, 3, 1)
LONG_AGO = dt.datetime(2024, 6, 1, tzinfo=dt.UTC)  # 33 months before TODAY (the period is 24)


def _old(household, status="evaluated"):
    project = factories.ProjectFactory(household=household, status=status)
    Project.objects.filter(pk=project.pk).update(updated_at=LONG_AGO)
    Household.objects.filter(pk=household.pk).update(updated_at=LONG_AGO)
    return project


@pytest.fixture
def coordination(coordinator_org):
    return factories.MembershipFactory(
        organisation=coordinator_org, role=Role.COORDINATOR, user__email="coordination@essai.test"
    )


def test_pure_helpers():
    assert normalised_birth_date(dt.date(1990, 3, 14)) == dt.date(1990, 7, 1)
    assert normalised_birth_date(dt.date(1990, 7, 1)) == dt.date(1990, 7, 1)
    assert normalised_birth_date(dt.date(1990, 7, 2)) == dt.date(1990, 12, 31)
    assert [qf_band_floor(v) for v in (None, 0, 449_99, 450_00, 1199_99, 5000_00)] == [
        None,
        0,
        0,
        450_00,
        900_00,
        1200_00,
    ]
    assert retention.months_before(dt.date(2027, 3, 31), 1) == dt.date(2027, 2, 28)
    assert retention.months_before(dt.date(2027, 3, 1), 24) == dt.date(2025, 3, 1)


def test_only_closed_and_quiet_files_are_due(household, ccas, commune):
    _old(household)
    still_open = factories.HouseholdFactory(commune=commune, created_by_organisation=ccas)
    _old(still_open, status="validated")
    recent = factories.HouseholdFactory(commune=commune, created_by_organisation=ccas)
    factories.ProjectFactory(household=recent, status="refused")
    never = factories.HouseholdFactory(commune=commune, created_by_organisation=ccas)
    Household.objects.filter(pk=never.pk).update(updated_at=LONG_AGO)  # no project at all
    assert set(retention.due_households(TODAY)) == {household, never}


def test_notice_grace_period_then_anonymisation(household, ccas, coordination, referent):
    assert household.followups.get(is_referent=True).organisation == ccas
    _old(household)
    report = retention.apply(today=TODAY, base_url="https://partez.example")
    assert report.notified == [household.reference] and report.anonymised == []
    notice = RetentionNotice.objects.get(household=household)
    assert notice.anonymise_on == TODAY + dt.timedelta(days=30)
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted([coordination.user.email, referent.user.email])
    body = mail.outbox[0].body
    assert household.reference in body and "https://partez.example/conservation/" in body
    assert "Martin" not in body and "Claire" not in body  # references only, never a name
    # the next days: nothing new, no second e-mail, not anonymised before the grace period ends
    assert retention.apply(today=TODAY + dt.timedelta(days=29)).notified == []
    assert len(mail.outbox) == 2
    household.refresh_from_db()
    assert household.anonymised_at is None
    report = retention.apply(today=TODAY + dt.timedelta(days=30))
    assert report.anonymised == [household.reference]
    household.refresh_from_db()
    assert household.anonymised_at is not None and household.address == "" and household.phone == ""
    assert not RetentionNotice.objects.exists()
    assert AuditLog.objects.get(action="household.anonymise").changes["reason"] == retention.SYSTEM_REASON
    assert audit.verify()[1] == []


def test_a_file_that_becomes_active_again_is_not_anonymised(household):
    _old(household)
    retention.apply(today=TODAY)
    factories.ProjectFactory(household=household, status="draft")  # a new project
    report = retention.apply(today=TODAY + dt.timedelta(days=40))
    assert report.cancelled == 1 and report.anonymised == []
    household.refresh_from_db()
    assert household.anonymised_at is None


def test_journal_notes_and_audit_details_past_their_period(household, worker):
    project = factories.ProjectFactory(household=household, status="evaluated")
    JournalEntry.objects.create(
        project=project, text="Note ancienne", author=worker.user, organisation=worker.organisation
    )
    Project.objects.filter(pk=project.pk).update(updated_at=dt.datetime(2025, 12, 1, tzinfo=dt.UTC))
    old = audit.record(
        actor=worker.user,
        organisation=worker.organisation,
        action="household.update",
        obj=household,
        changes={"phone": ["", "06 00 00 00 01"], "persons": 2},
    )
    AuditLog.objects.filter(pk=old.pk).update(at=dt.datetime(2023, 1, 1, tzinfo=dt.UTC))
    recent = audit.record(
        actor=worker.user,
        organisation=worker.organisation,
        action="household.update",
        obj=household,
        changes={"phone": ["06 00 00 00 01", "06 00 00 00 02"]},
    )
    report = retention.apply(today=TODAY)
    assert report.journal_entries == 1 and not JournalEntry.objects.exists()
    assert report.audit_entries == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.changes == {"phone": [audit.REDACTED, audit.REDACTED], "persons": audit.REDACTED}
    assert old.actor == worker.user and old.action == "household.update"  # the core stays
    assert recent.changes == {"phone": ["06 00 00 00 01", "06 00 00 00 02"]}
    assert audit.verify()[1] == []


@pytest.fixture
def fete_setup(edition, commune, ccas, other_org):
    return build_fete(edition, commune, ccas, other_org.commune, other_org, households_per_commune=1)


def _hand_over(s):
    serials = list(Cheque.objects.filter(household=s.invitation.household).values_list("serial", flat=True))
    handover, _ = fete_services.handover_record(
        actor=s.volunteer, code=s.invitation.code, serials=serials, signature_png=png_bytes(), nonce="r" * 16
    )
    return handover


def test_fete_signatures_past_their_period_are_deleted_and_the_receipt_stays(fete_setup):
    handover = _hand_over(fete_setup)
    assert retention.apply(today=handover.at.date()).signatures == 0
    Handover.objects.filter(pk=handover.pk).update(at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
    assert retention.apply(today=TODAY).signatures == 1
    handover.refresh_from_db()
    assert bytes(handover.signature_png) == b"" and len(handover.signature_sha256) == 64
    assert handover.lines.count() > 0 and handover.amount_cents == 10000


def test_anonymising_a_fete_household_keeps_the_ledger_and_clears_label_and_signature(fete_setup):
    handover = _hand_over(fete_setup)
    household = fete_setup.invitation.household
    serials = set(Cheque.objects.filter(household=household).values_list("serial", flat=True))
    archive = zipfile.ZipFile(io.BytesIO(build_zip(household)))
    assert f"signatures/{handover.receipt}.png" in archive.namelist()
    assert (
        json.loads(archive.read("dossier.json"))["fete_remises"][0]["fields"]["receipt"] == handover.receipt
    )
    done = household_anonymise(actor=None, household=household, reason="essai")
    assert done.signatures == 1 and done.persons == 1
    assert Invitation.objects.get(household=household).label == ""
    assert set(Cheque.objects.filter(household=household).values_list("serial", flat=True)) == serials


def test_commands(household, capsys, tmp_path):
    target = tmp_path / "dossier.zip"
    call_command("export_household", household=household.pk, output=str(target))
    assert "écrit dans" in capsys.readouterr().out
    assert sorted(zipfile.ZipFile(target).namelist()) == ["dossier.json", "dossier.pdf"]
    assert AuditLog.objects.filter(action="household.export").count() == 1
    assert AccessLog.objects.filter(action="download.access_export").count() == 0  # no user
    with pytest.raises(CommandError, match="Aucun foyer n° 999999"):
        call_command("anonymise_household", household=999999)
    call_command("anonymise_household", household=household.pk, reason="demande écrite")
    assert "anonymisé : 2 personne(s)" in capsys.readouterr().out
    assert set(Person.objects.filter(household=household).values_list("first_name", "last_name")) == {
        ("", "Anonyme")
    }
    with pytest.raises(CommandError, match="déjà anonymisé"):
        call_command("anonymise_household", household=household.pk)
    call_command("apply_retention", "--today", "2027-03-01")
    assert "dossier(s) notifié(s)" in capsys.readouterr().out


def test_an_anonymised_household_can_no_longer_be_edited(household, worker):
    from partez.core.errors import DomainError
    from partez.households import services

    household_anonymise(actor=None, household=household, reason="essai")
    with pytest.raises(DomainError, match="anonymisé"):
        services.household_update(
            actor=worker,
            household=household,
            data=services.HouseholdInput(commune_insee=household.commune.insee_code),
        )


def test_only_the_coordination_may_anonymise(household, worker, referent):
    from partez.core.errors import DomainError, NotAllowed

    for member in (worker, referent):
        with pytest.raises(NotAllowed):
            household_anonymise(actor=member, household=household, reason="essai")
    coordination = factories.MembershipFactory(
        organisation=factories.OrganisationFactory(kind=OrganisationKind.COORDINATOR, commune=None),
        role=Role.COORDINATOR,
    )
    with pytest.raises(DomainError, match="motif"):
        household_anonymise(actor=coordination, household=household, reason="  ")


def test_an_anonymised_households_projects_take_no_new_work(household, worker, edition):
    from partez.core.errors import DomainError
    from partez.projects import services as project_services

    project = factories.ProjectFactory(household=household, organisation=worker.organisation, edition=edition)
    household_anonymise(actor=None, household=household, reason="essai")
    household.refresh_from_db()
    project.refresh_from_db()
    with pytest.raises(DomainError, match="anonymisé"):
        project_services.journal_add(actor=worker, project=project, text="Note")
    with pytest.raises(DomainError, match="anonymisé"):
        project_services.project_transition(actor=worker, project=project, action="submit")
    with pytest.raises(DomainError, match="anonymisé"):
        project_services.project_update(
            actor=worker,
            project=project,
            data=project_services.ProjectInput(format="individual", traveller_ids=[]),
        )
    with pytest.raises(DomainError, match="anonymisé"):
        project_services.project_create(
            actor=worker,
            household=household,
            edition=edition,
            data=project_services.ProjectInput(format="individual", traveller_ids=[]),
        )
