from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from partez.core.errors import DomainError, NotAllowed
from partez.jobs import files, services
from partez.jobs.models import Job
from partez.organisations import perms

from ..access import membership_required


def _get_job(m, pk) -> Job:
    return get_object_or_404(Job, organisation=m.organisation, created_by=m.user, pk=pk)


@membership_required()
def job_list(request, m):
    jobs = Job.objects.filter(organisation=m.organisation, created_by=request.user)[:30]
    return render(request, "www/jobs/list.html", {"jobs": jobs})


@require_POST
@membership_required(perms.can_export_households)
def export_households(request, m):
    job = services.job_start(actor=m, kind="households_export", label=f"Export des foyers — {m.organisation}")
    return redirect("job_detail", pk=job.pk)


@membership_required()
def job_detail(request, m, pk):
    job = _get_job(m, pk)
    template = "www/jobs/_progress.html" if request.htmx else "www/jobs/detail.html"
    response = render(request, template, {"job": job})
    if request.htmx and job.is_finished:
        response["HX-Refresh"] = "true"  # reload once to show the download link and stop polling
    return response


@require_POST
@membership_required()
def job_cancel(request, m, pk):
    job = _get_job(m, pk)
    try:
        services.job_cancel(actor=m, job=job)
        messages.success(request, "Annulation demandée.")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("job_detail", pk=job.pk)


@membership_required()
def job_download(request, m, pk):
    job = _get_job(m, pk)
    try:
        handle = files.job_file_open(actor=m, job=job)
    except NotAllowed as exc:
        raise PermissionDenied(exc.message) from exc
    except files.FileExpired as exc:
        return render(request, "www/jobs/detail.html", {"job": job, "gone": exc.message}, status=410)
    except DomainError as exc:
        raise Http404(exc.message) from exc
    return FileResponse(handle, as_attachment=True, filename=job.result_name)
