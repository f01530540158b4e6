"""The audit log's hash chain: sealed in order, every tampering found, redaction verifiable."""

import datetime as dt

import pytest
from django.core.management import CommandError, call_command

from partez.core import audit
from partez.core.models import AccessLog, AuditChainHead, AuditLog
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def entries(ccas):
    user = factories.UserFactory()
    made = [
        audit.record(actor=user, organisation=ccas, action="household.update", obj=ccas, changes={"n": i})
        for i in range(5)
    ]
    assert audit.seal() == 5
    return made


def test_sealed_entries_form_one_chain_that_verifies(entries):
    rows = list(AuditLog.objects.order_by("seq"))
    assert [r.seq for r in rows] == [1, 2, 3, 4, 5]
    assert rows[0].prev_hash == audit.GENESIS
    assert all(b.prev_hash == a.entry_hash for a, b in zip(rows, rows[1:], strict=False))
    head = AuditChainHead.objects.get(chain="auditlog")
    assert (head.seq, head.entry_hash) == (5, rows[-1].entry_hash)
    assert audit.verify() == (5, [])
    assert audit.seal() == 0  # nothing left to seal


@pytest.mark.parametrize(
    "tamper, message",
    [
        ({"changes": {"n": 99}}, "le détail a été modifié"),
        ({"action": "household.create"}, "l'entrée a été modifiée"),
        ({"at": dt.datetime(2020, 1, 1, tzinfo=dt.UTC)}, "l'entrée a été modifiée"),
        ({"redacted_at": dt.datetime(2020, 1, 1, tzinfo=dt.UTC)}, "sans entrée « audit.redact »"),
    ],
)
def test_a_tampered_entry_is_found_with_its_place(entries, tamper, message):
    AuditLog.objects.filter(pk=entries[2].pk).update(**tamper)
    checked, breaks = audit.verify()
    assert checked == 5
    assert [(b.seq, b.entry_id) for b in breaks] == [(3, entries[2].pk)]
    assert message in breaks[0].message


def test_a_deleted_entry_and_a_truncated_tail_are_found(entries):
    AuditLog.objects.filter(pk=entries[1].pk).delete()
    _, breaks = audit.verify()
    assert {b.message for b in breaks} >= {
        "entrée(s) 2 à 2 manquante(s)",
        "le lien vers l'entrée précédente ne correspond pas",
    }
    AuditLog.objects.filter(pk=entries[4].pk).delete()
    _, breaks = audit.verify()
    assert breaks[-1].message == "la tête de chaîne ne correspond pas à la dernière entrée"


def test_redaction_keeps_the_chain_verifiable_and_the_old_details_unconfirmable(entries, ccas):
    target = AuditLog.objects.get(pk=entries[1].pk)
    old_digest = target.details_digest
    assert (
        audit.redact(
            [target],
            lambda c: dict.fromkeys(c, audit.REDACTED),
            actor=None,
            organisation=ccas,
            reason="test",
            obj=ccas,
        )
        == 1
    )
    audit.seal()
    target.refresh_from_db()
    assert target.changes == {"n": audit.REDACTED}
    assert target.details_salt == "" and target.details_digest == old_digest
    assert target.redacted_at is not None
    assert audit.verify() == (6, [])
    redaction = AuditLog.objects.get(action="audit.redact")
    assert redaction.changes == {"entries": [target.pk], "reason": "test"}


def test_verify_audit_command(entries, capsys):
    call_command("verify_audit")
    out = capsys.readouterr().out
    assert "Chaîne d'audit intacte : 5 entrées vérifiées" in out
    assert "Chaîne des consultations intacte : 0 entrées vérifiées" in out
    AuditLog.objects.filter(pk=entries[0].pk).update(object_id="999")
    with pytest.raises(CommandError, match="1 problème"):
        call_command("verify_audit")
    assert f"RUPTURE chaîne d'audit, entrée n° 1 (id {entries[0].pk})" in capsys.readouterr().out


def test_reads_are_recorded_once_per_window_in_their_own_chain(ccas, household):
    user = factories.UserFactory()
    for _ in range(3):
        audit.record_read(actor=user, organisation=ccas, action="read.household", obj=household)
    audit.record_read(actor=user, organisation=ccas, action="download.access_export", obj=household)
    audit.record_read(actor=user, organisation=ccas, action="download.access_export", obj=household)
    assert AccessLog.objects.filter(action="read.household").count() == 1
    assert AccessLog.objects.filter(action="download.access_export").count() == 2
    assert not AuditLog.objects.exists()  # the change log stays a change log
    assert audit.seal(AccessLog) == 3 and audit.verify(AccessLog) == (3, [])
    AccessLog.objects.filter(action="read.household").update(actor=None)
    assert audit.verify(AccessLog)[1][0].message == "l'entrée a été modifiée (empreinte différente)"


def test_a_transaction_seals_once_after_commit_however_many_entries(ccas, django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        for i in range(3):
            audit.record(actor=None, organisation=ccas, action="household.update", obj=ccas, changes={"i": i})
    assert len(callbacks) == 1
    assert list(AuditLog.objects.order_by("seq").values_list("seq", flat=True)) == [1, 2, 3]
