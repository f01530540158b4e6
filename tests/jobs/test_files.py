"""A job's file: downloadable only by its author while the author's role still allows it, in the
same organisation, until it expires (a dated parameter); every download audited; expired files
deleted by ``manage.py purge_job_files``; ``manage.py export_households`` writes the job's export."""

import csv
import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from partez.core import spreadsheet
from partez.core.models import AuditLog
from partez.households import exports
from partez.jobs import files, services
from partez.jobs.models import Job
from partez.organisations.models import Membership, Role
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def job(worker, household):
    return services.job_start(actor=worker, kind="households_export", label="Export")


def download(client, membership, job):
    client.force_login(membership.user)
    return client.get(reverse("job_download", args=[job.pk]))


def test_the_author_downloads_and_the_download_is_audited(client, worker, job):
    response = download(client, worker, job)
    assert response.status_code == 200 and b"".join(response.streaming_content)[:2] == b"PK"
    entry = AuditLog.objects.get(action="job.download")
    assert (entry.actor, entry.organisation, entry.object_id) == (
        worker.user,
        worker.organisation,
        str(job.pk),
    )
    assert entry.changes == {"kind": "households_export", "file": job.result_name}


def test_a_role_that_lost_the_right_gets_403(client, worker, job):
    Membership.objects.filter(pk=worker.pk).update(role=Role.VOLUNTEER)
    assert download(client, worker, job).status_code == 403
    assert not AuditLog.objects.filter(action="job.download").exists()


def test_a_deactivated_membership_gets_nothing(client, worker, job):
    Membership.objects.filter(pk=worker.pk).update(is_active=False)
    assert download(client, worker, job).status_code == 403


def test_the_same_user_in_another_organisation_gets_404(client, worker, job, other_org):
    elsewhere = factories.MembershipFactory(user=worker.user, organisation=other_org, role=Role.SOCIAL_WORKER)
    Membership.objects.filter(pk=worker.pk).update(is_active=False)
    assert download(client, elsewhere, job).status_code == 404


def test_another_member_and_anonymous(client, referent, job):
    assert download(client, referent, job).status_code == 404
    client.logout()
    response = client.get(reverse("job_download", args=[job.pk]))
    assert response.status_code == 302 and "/connexion/" in response.url


def test_an_expired_file_is_refused_and_no_longer_offered(client, worker, job):
    assert job.expires_at is not None
    assert timezone.localdate(job.expires_at) == timezone.localdate(job.finished_at) + dt.timedelta(
        days=files.retention_days(timezone.localdate(job.finished_at))
    )
    Job.objects.filter(pk=job.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    response = download(client, worker, job)
    assert response.status_code == 410 and "a expiré" in response.content.decode()
    page = client.get(reverse("job_detail", args=[job.pk])).content.decode()
    assert reverse("job_download", args=[job.pk]) not in page and "a expiré" in page


def test_the_detail_page_says_until_when(client, worker, job):
    client.force_login(worker.user)
    page = client.get(reverse("job_detail", args=[job.pk])).content.decode()
    assert "Disponible jusqu'au" in page


def test_retention_is_a_dated_parameter():
    assert files.retention_days(dt.date(2025, 1, 1)) == 7


def test_purge_deletes_expired_files_only(worker, household):
    old = services.job_start(actor=worker, kind="households_export", label="Ancien")
    fresh = services.job_start(actor=worker, kind="households_export", label="Récent")
    Job.objects.filter(pk=old.pk).update(expires_at=timezone.now() - dt.timedelta(days=1))
    storage, name = old.result_file.storage, old.result_file.name
    out = io.StringIO()
    call_command("purge_job_files", stdout=out)
    assert "1 fichier(s) supprimé(s)" in out.getvalue()
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert not old.result_file and not storage.exists(name)
    assert fresh.result_file and fresh.result_file.storage.exists(fresh.result_file.name)
    assert AuditLog.objects.filter(action="job.file_delete", object_id=str(old.pk)).count() == 1
    call_command("purge_job_files", stdout=out)  # idempotent
    assert AuditLog.objects.filter(action="job.file_delete").count() == 1


def test_an_unknown_kind_is_never_downloadable(client, worker):
    job = Job.objects.create(
        kind="something_else",
        label="x",
        organisation=worker.organisation,
        created_by=worker.user,
        status="done",
        result_name="x.txt",
        result_file="jobs/x.txt",
        expires_at=timezone.now() + dt.timedelta(days=1),
    )
    assert download(client, worker, job).status_code == 403


def _job_rows(job) -> list[tuple]:
    return list(load_workbook(job.result_file.open("rb")).active.iter_rows(values_only=True))


def test_export_households_command_writes_the_same_export_as_the_job(worker, job, ccas, tmp_path):
    xlsx = tmp_path / "foyers.xlsx"
    call_command("export_households", "--organisation", ccas.slug, "--format", "xlsx", "--output", str(xlsx))
    assert list(load_workbook(xlsx).active.iter_rows(values_only=True)) == _job_rows(job)
    out = tmp_path / "foyers.csv"
    call_command("export_households", "--organisation", ccas.slug, "--format", "csv", "--output", str(out))
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig")), delimiter=";"))
    lines = exports.rows(exports.households_of(exports.organisation_view(ccas)))
    assert rows == [exports.HEADERS, *[[spreadsheet.text(v) for v in line] for line in lines]]
    assert len(rows) == 3 and "01/06/2015" in {r[6] for r in rows}
    assert AuditLog.objects.filter(action="households.export_command").count() == 2


def test_export_households_command_refuses_bad_arguments(tmp_path):
    with pytest.raises(CommandError, match="Organisation inconnue"):
        call_command("export_households", "--organisation", "nope", "--format", "csv", "--output", "x.csv")
