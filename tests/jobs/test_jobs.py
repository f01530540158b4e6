import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from partez.jobs import services
from partez.jobs.models import Job, JobStatus
from tests import factories
from tests.core.test_spreadsheet import EVIL, assert_neutralised

pytestmark = pytest.mark.django_db


def test_export_job_runs_and_produces_a_scoped_xlsx(client, worker, household, other_org):
    foreign = factories.HouseholdFactory(created_by_organisation=other_org, commune=other_org.commune)
    factories.PersonFactory(household=foreign, last_name="Etranger")
    client.force_login(worker.user)
    response = client.post(reverse("export_households"))
    job = Job.objects.get()
    assert response.url == reverse("job_detail", args=[job.pk])
    assert job.status == JobStatus.DONE and job.progress == 100
    download = client.get(reverse("job_download", args=[job.pk]))
    assert download.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Référence foyer"
    names = {r[5] for r in rows[1:]}
    assert names == {"Martin"}  # the other organisation's household is not exported


def test_job_of_another_user_is_not_found(client, worker, referent, household):
    job = services.job_start(actor=worker, kind="households_export", label="Export")
    client.force_login(referent.user)
    assert client.get(reverse("job_detail", args=[job.pk])).status_code == 404
    assert client.get(reverse("job_download", args=[job.pk])).status_code == 404


def test_progress_partial_for_htmx_polling(client, worker, household):
    job = services.job_start(actor=worker, kind="households_export", label="Export")
    client.force_login(worker.user)
    response = client.get(reverse("job_detail", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert b"<progress" in response.content
    assert response["HX-Refresh"] == "true"  # finished: reload once to show the download link


@pytest.mark.django_db(transaction=True)  # the worker closes connections that are inside a transaction
def test_database_queue_and_worker_and_cancel(worker, household):
    """With the real database backend, jobs wait in the queue until `db_worker` runs them;
    a job cancelled while queued is never run."""
    kept = services.job_start(actor=worker, kind="households_export", label="Export 1", backend="database")
    dropped = services.job_start(actor=worker, kind="households_export", label="Export 2", backend="database")
    assert kept.status == JobStatus.QUEUED
    services.job_cancel(actor=worker, job=dropped)
    call_command("db_worker", "--backend=database", "--batch", "--interval=0", verbosity=0)
    kept.refresh_from_db()
    dropped.refresh_from_db()
    assert kept.status == JobStatus.DONE and kept.result_file
    assert dropped.status == JobStatus.CANCELLED and not dropped.result_file


def test_cancel_while_running_stops_the_handler(worker, household):
    from partez.jobs.registry import Cancelled, Progress

    job = Job.objects.create(
        kind="households_export", label="x", organisation=worker.organisation, created_by=worker.user
    )
    Job.objects.filter(pk=job.pk).update(cancel_requested=True)
    with pytest.raises(Cancelled):
        Progress(job).update(1, 10)


def test_households_export_neutralises_formulas(client, worker, household):
    household.persons.filter(relation="head").update(last_name=EVIL)
    job = services.job_start(actor=worker, kind="households_export", label="Export")
    cells = [
        v for row in load_workbook(job.result_file.open("rb")).active.iter_rows(values_only=True) for v in row
    ]
    assert_neutralised(cells, EVIL)
