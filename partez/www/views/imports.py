"""Importing a file of households: upload, preview with rows fixed in place, confirm (a job),
report, undo. The work is in ``partez.imports.services``."""

from __future__ import annotations

import io

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from partez.core.errors import DomainError
from partez.core.spreadsheet import Workbook
from partez.imports import parse, perms, services, template
from partez.imports.models import BatchStatus, ImportBatch
from partez.projects.models import Project

from ..access import membership_required
from ..forms.errors import apply_domain_error
from ..forms.imports import MappingForm, RowForm, UploadForm

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHOWN = 300  # households listed on the page (the report has them all)


def _batch(m, pk) -> ImportBatch:
    return get_object_or_404(ImportBatch.objects.select_related("job"), organisation=m.organisation, pk=pk)


@membership_required(perms.can_import_households)
def import_index(request, m):
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = services.batch_read(
                actor=m,
                name=upload.name,
                content=upload.read(),
                consent_scopes=form.cleaned_data["consent_scopes"],
                consent_collected_on=form.cleaned_data["consent_collected_on"],
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            return redirect("imports_detail", pk=batch.pk)
    batches = ImportBatch.objects.filter(organisation=m.organisation).select_related("created_by")[:20]
    status = 400 if form.errors else 200
    return render(request, "www/imports/index.html", {"form": form, "batches": batches}, status=status)


@membership_required(perms.can_import_households)
def import_template(request, m):
    response = HttpResponse(template.template_xlsx(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="modele-import-foyers.xlsx"'
    return response


def _detail_context(batch, m):
    preview = services.preview(batch, m)
    fields = services.row_fields(batch)
    columns = services._column_fields(batch)
    cells = {number: dict(zip(columns, values, strict=False)) for number, values in batch.rows}
    problems = []
    for planned in preview.planned:
        if planned.action != services.Action.ERROR:
            continue
        rows = []
        for number in planned.rows.rows:
            errors = [e for e in planned.rows.errors if e.row == number]
            rows.append(
                {
                    "number": number,
                    "errors": errors,
                    "form": RowForm(fields=fields, initial_values=cells.get(number, {}), row=number),
                    "edited": number in batch.edited_rows,
                }
            )
        problems.append({"key": planned.rows.key, "rows": rows})
    has_projects = (
        batch.status == BatchStatus.IMPORTED
        and Project.objects.filter(household__in=batch.households.values("household")).exists()
    )
    return {
        "batch": batch,
        "preview": preview,
        "problems": problems,
        "planned": [p for p in preview.planned if p.action != services.Action.ERROR][:SHOWN],
        "planned_more": max(0, len(preview.planned) - len(problems) - SHOWN),
        "counts": {a: preview.count(a) for a in ("create", "update", "skip", "error")},
        "mapping_form": MappingForm(headers=preview.unknown_headers) if preview.unknown_headers else None,
        "fields": [parse.label(f) for f in fields],
        "has_projects": has_projects,
        "editable": batch.status == BatchStatus.PREVIEW,
    }


@membership_required(perms.can_import_households)
def import_detail(request, m, pk):
    batch = _batch(m, pk)
    return render(request, "www/imports/detail.html", _detail_context(batch, m))


@require_POST
@membership_required(perms.can_import_households)
def import_row_edit(request, m, pk, row):
    batch = _batch(m, pk)
    fields = services.row_fields(batch)
    form = RowForm(request.POST, fields=fields, initial_values={}, row=row)
    if form.is_valid():
        try:
            services.row_edit(actor=m, batch=batch, row=row, values=form.cleaned_data)
            messages.success(request, f"Ligne {row} corrigée.")
        except DomainError as exc:
            messages.error(request, " ".join(exc.errors.values()))
    else:
        messages.error(request, "La correction n'a pas été enregistrée : 250 caractères au plus par case.")
    return redirect(f"{reverse('imports_detail', args=[batch.pk])}#ligne-{row}")


@require_POST
@membership_required(perms.can_import_households)
def import_mapping(request, m, pk):
    batch = _batch(m, pk)
    form = MappingForm(request.POST, headers=services.preview(batch, m).unknown_headers)
    if form.is_valid():
        try:
            services.mapping_save(actor=m, batch=batch, mapping=form.mapping())
            messages.success(
                request, "Colonnes enregistrées : elles seront reconnues dans vos prochains fichiers."
            )
        except DomainError as exc:
            messages.error(request, " ".join(exc.errors.values()))
    return redirect("imports_detail", pk=batch.pk)


@require_POST
@membership_required(perms.can_import_households)
def import_confirm(request, m, pk):
    batch = _batch(m, pk)
    try:
        job = services.batch_confirm(actor=m, batch=batch)
    except DomainError as exc:
        messages.error(request, " ".join(exc.errors.values()))
        return redirect("imports_detail", pk=batch.pk)
    return redirect("job_detail", pk=job.pk)


@require_POST
@membership_required(perms.can_import_households)
def import_undo(request, m, pk):
    batch = _batch(m, pk)
    try:
        services.batch_undo(actor=m, batch=batch)
        messages.success(
            request,
            "Import annulé : les foyers créés ont été retirés, les autres ont retrouvé leurs valeurs.",
        )
    except DomainError as exc:
        messages.error(request, " ".join(exc.errors.values()))
    return redirect("imports_detail", pk=batch.pk)


@membership_required(perms.can_import_households)
def import_report(request, m, pk):
    batch = _batch(m, pk)
    preview = services.preview(batch, m)
    labels = {"create": "à créer", "update": "à mettre à jour", "skip": "déjà à jour", "error": "en erreur"}
    if batch.status == BatchStatus.IMPORTED:
        labels = {"create": "créé", "update": "mis à jour", "skip": "déjà à jour", "error": "non importé"}
    book = Workbook()
    sheet = book.create_sheet("Rapport")
    sheet.append(["Ligne", "N° foyer", "Résultat", "Foyer partez", "Colonne", "Erreur"])
    for planned in preview.planned:
        reference = planned.household.reference if planned.household else ""
        for number in planned.rows.rows:
            errors = [e for e in planned.rows.errors if e.row == number] or [None]
            for e in errors:
                sheet.append(
                    [
                        number,
                        planned.rows.key,
                        labels[planned.action],
                        reference,
                        e.field if e else "",
                        e.message if e else "",
                    ]
                )
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(out.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="rapport-import-{batch.pk}.xlsx"'
    return response
