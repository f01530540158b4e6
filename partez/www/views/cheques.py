"""Chèques-vacances: the reconciliation of the stock (page and XLSX), funders' orders and the
allocation of booklets (coordination), and the per-household preparation (commune referents).
The rules are in :mod:`partez.cheques.services`; these views parse and answer."""

from __future__ import annotations

import io
from decimal import Decimal

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from partez.cheques import selectors, services
from partez.cheques.models import Booklet, Cheque, ChequeOrder, ChequeStatus
from partez.core.collation import french_order
from partez.core.errors import DomainError
from partez.core.spreadsheet import Workbook
from partez.households import naming
from partez.households.models import Household
from partez.households.selectors import households_for
from partez.organisations import perms
from partez.territory.models import Commune
from partez.territory.selectors import current_edition

from ..access import membership_required
from ..forms.cheques import OrderForm


def _edition_or_404():
    edition = current_edition()
    if edition is None:
        raise Http404("Aucune édition.")
    return edition


@membership_required(perms.can_view_cheques)
def cheque_overview(request, m):
    edition = _edition_or_404()
    qs = selectors.cheques_for(m).filter(edition=edition)
    today = timezone.localdate()
    by_funder = selectors.reconciliation(qs, by="funder", on=today)
    by_commune = selectors.reconciliation(qs, by="commune", on=today)
    orders = []
    if perms.can_manage_cheques(m):
        orders = list(ChequeOrder.objects.filter(edition=edition).select_related("funder"))
    return render(
        request,
        "www/cheques/overview.html",
        {
            "edition": edition,
            "by_funder": by_funder,
            "by_commune": by_commune,
            "funder_total": selectors.totals(by_funder),
            "commune_total": selectors.totals(by_commune),
            "orders": orders,
            "expiring_days": selectors.EXPIRING_DAYS,
            "can_manage": perms.can_manage_cheques(m),
            "can_prepare": perms.can_prepare_cheques(m),
        },
    )


XLSX_HEADERS = ["Commandé", "Attribué", "Préparé", "Remis", "Restant", "Bientôt périmé", "Périmé"]


@membership_required(perms.can_view_cheques)
def cheque_export(request, m):
    edition = _edition_or_404()
    qs = selectors.cheques_for(m).filter(edition=edition)
    today = timezone.localdate()
    wb = Workbook()
    for title, by, label in (("Par financeur", "funder", "Financeur"), ("Par commune", "commune", "Commune")):
        ws = wb.create_sheet(title)
        ws.append([label] + [f"{h} (nombre)" for h in XLSX_HEADERS] + [f"{h} (€)" for h in XLSX_HEADERS])
        rows = selectors.reconciliation(qs, by=by, on=today)
        for row in [*rows, selectors.totals(rows)]:
            ws.append(
                [row.label]
                + [getattr(row, c) for c in selectors.COLUMNS]
                + [Decimal(getattr(row, f"{c}_cents")) / 100 for c in selectors.COLUMNS]
            )
    out = io.BytesIO()
    wb.save(out)
    response = HttpResponse(
        out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="cheques-vacances-{edition.year}-{today:%Y%m%d}.xlsx"'
    )
    return response


def _attach(form, exc: DomainError, renames: dict[str, str]) -> None:
    for key, message in exc.errors.items():
        field = key
        for prefix, target in renames.items():
            if key.startswith(prefix):
                field = target(key) if callable(target) else target
                break
        form.add_error(field if field in form.fields else None, message)


def _booklet_field(key: str) -> str:
    # « booklets[2].first_serial » → « first_2 »
    index = key.split("[", 1)[1].split("]", 1)[0]
    attribute = key.rsplit(".", 1)[-1]
    name = {
        "first_serial": "first",
        "count": "count",
        "denomination_cents": "denomination",
        "issue_year": "year",
    }
    return f"{name.get(attribute, 'denomination')}_{index}"


@membership_required(perms.can_manage_cheques)
def cheque_order_create(request, m):
    edition = _edition_or_404()
    form = OrderForm(request.POST or None, year=edition.year)
    if request.method == "POST" and form.is_valid():
        booklets = form.booklets()
        if not form.errors:
            try:
                order = services.order_create(
                    actor=m,
                    edition=edition,
                    funder=form.cleaned_data["funder"],
                    reference=form.cleaned_data["reference"],
                    ordered_on=form.cleaned_data["ordered_on"],
                    booklets=booklets,
                )
            except DomainError as exc:
                _attach(form, exc, {"booklets[": _booklet_field, "booklets": None})
            else:
                messages.success(
                    request,
                    f"Commande {order.reference} enregistrée : {order.booklets.count()} carnet(s) en stock.",
                )
                return redirect("cheque_overview")
    return render(request, "www/cheques/order_form.html", {"form": form, "edition": edition})


@membership_required(perms.can_manage_cheques)
def cheque_allocate(request, m):
    edition = _edition_or_404()
    in_stock = (
        Booklet.objects.filter(order__edition=edition)
        .exclude(cheques__status__in=[s for s in ChequeStatus.values if s != ChequeStatus.IN_STOCK])
        .select_related("order__funder")
        .order_by("first_serial")
    )
    communes = list(edition.communes.defer("geometry").order_by(french_order("name")))
    if request.method == "POST":
        chosen = list(in_stock.filter(pk__in=request.POST.getlist("booklets")))
        commune = next((c for c in communes if str(c.pk) == request.POST.get("commune")), None)
        if commune is None:
            messages.error(request, "Choisissez la commune.")
        else:
            try:
                n = services.booklets_allocate(actor=m, booklets=chosen, commune=commune)
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(
                    request, f"{len(chosen)} carnet(s), {n} chèques, attribués à {commune.name}."
                )
                return redirect("cheque_allocate")
    return render(
        request, "www/cheques/allocate.html", {"edition": edition, "booklets": in_stock, "communes": communes}
    )


def _preparation_commune(request, m, edition) -> Commune | None:
    wanted = request.GET.get("commune") or request.POST.get("commune") or ""
    return selectors.preparation_commune(m, edition, wanted)


@membership_required(perms.can_prepare_cheques)
def cheque_preparation(request, m):
    edition = _edition_or_404()
    commune = _preparation_commune(request, m, edition)
    rows = []
    stock = {}
    if commune is not None:
        households = households_for(m).filter(commune=commune)
        granted = selectors.granted_cheques_cents(edition, households.values_list("pk", flat=True))
        prepared: dict[int, list] = {}
        for c in (
            Cheque.objects.filter(household_id__in=list(granted), edition=edition)
            .exclude(status__in=[ChequeStatus.RETURNED, ChequeStatus.EXPIRED])
            .order_by("-denomination_cents", "serial")
        ):
            prepared.setdefault(c.household_id, []).append(c)
        by_pk = {
            h.pk: h
            for h in Household.objects.filter(pk__in=list(granted))
            .only("pk", "reference", "sort_name")
            .prefetch_related(naming.heads())
        }
        for pk, cents in sorted(granted.items(), key=lambda kv: by_pk[kv[0]].sort_name):
            cheques = prepared.get(pk, [])
            rows.append(
                {
                    "household": by_pk[pk],
                    "granted_cents": cents,
                    "prepared_cents": sum(c.denomination_cents for c in cheques),
                    "cheques": cheques,
                    "handed": any(c.status != ChequeStatus.PREPARED for c in cheques),
                }
            )
        stock = selectors.stock_by_denomination(commune.pk, edition, on=timezone.localdate())
    communes = (
        list(selectors.preparation_communes(m, edition).order_by(french_order("name")))
        if perms.sees_whole_territory(m)
        else []
    )
    return render(
        request,
        "www/cheques/preparation.html",
        {
            "edition": edition,
            "commune": commune,
            "communes": communes,
            "rows": rows,
            "stock": sorted(stock.items(), reverse=True),
            "refused": request.session.pop("cheques_refused", None),
        },
    )


@require_POST
@membership_required(perms.can_prepare_cheques)
def cheque_prepare(request, m, household_pk):
    edition = _edition_or_404()
    household = get_object_or_404(households_for(m).defer("commune__geometry"), pk=household_pk)
    commune = Commune.objects.only("insee_code").get(pk=household.commune_id)
    try:
        if request.POST.get("action") == "cancel":
            n = services.preparation_cancel(actor=m, household=household, edition=edition)
            messages.success(
                request, f"Préparation annulée : {n} chèque(s) remis dans le stock de la commune."
            )
        else:
            cheques, _ = services.household_prepare(
                actor=m,
                household=household,
                edition=edition,
                accept_lower=request.POST.get("accept_lower") == "1",
            )
            total = sum(c.denomination_cents for c in cheques)
            messages.success(
                request,
                f"Foyer {household.reference} : {len(cheques)} chèque(s) préparé(s), {total / 100:.2f} €".replace(
                    ".", ","
                ),
            )
    except DomainError as exc:
        request.session["cheques_refused"] = {
            "household": household.pk,
            "reference": household.reference,
            "message": exc.message,
        }
    return redirect(f"{reverse('cheque_preparation')}?commune={commune.insee_code}#foyer-{household.pk}")
