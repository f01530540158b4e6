"""The Sac Ados side of the coordination: the jury (sessions, agenda, the grid, decisions, the
minutes as PDF), the relays' approvals, the pack stock, the ceremonies — and the hand-over of the
packs on a phone at the ceremony, whose door is the shared check-in (``/pointage/<id>/``)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from partez.attendance import selectors as attendance_selectors
from partez.attendance.models import Roster
from partez.core import audit
from partez.core.errors import DomainError
from partez.groups import documents, selectors, services
from partez.groups import perms as group_perms
from partez.groups.apps import CEREMONY_KIND
from partez.groups.models import (
    Group,
    JuryReview,
    JurySession,
    Pack,
    PackStock,
    RelayApproval,
    Scheme,
    Status,
)
from partez.organisations.models import Organisation, OrganisationKind

from ..access import membership_required
from ..forms.errors import apply_domain_error, errors_text
from ..forms.groups import (
    AgendaForm,
    ApprovalForm,
    CeremonyForm,
    DecisionForm,
    HandOverForm,
    SessionForm,
    StockForm,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@require_http_methods(["GET", "POST"])
@membership_required(group_perms.can_run_jury)
def jury_home(request, m):
    """Sessions (one ahead, those done), the groups waiting for a session, ceremonies, the stock,
    the relays' approvals: one page of forms, each posting its ``form`` name."""
    which = request.POST.get("form", "")
    year = timezone.localdate().year
    accepted = list(
        Group.objects.filter(
            scheme=Scheme.SAC_ADOS, status=Status.ACCEPTED, members__pack__isnull=True
        ).distinct()
    )
    relays = list(Organisation.objects.filter(kind=OrganisationKind.RELAY).order_by("name"))
    forms = {
        "session": SessionForm(request.POST if which == "session" else None, prefix="session"),
        "ceremony": CeremonyForm(
            request.POST if which == "ceremony" else None, groups=accepted, prefix="ceremony"
        ),
        "stock": StockForm(
            request.POST if which == "stock" else None, initial={"year": year}, prefix="stock"
        ),
        "approval": ApprovalForm(
            request.POST if which == "approval" else None, organisations=relays, prefix="approval"
        ),
    }
    if request.method == "POST" and which in forms:
        form = forms[which]
        if form.is_valid():
            d = form.cleaned_data
            try:
                if which == "session":
                    session = services.jury_session_create(
                        actor=m, held_on=d["held_on"], place=d["place"], jurors=d["jurors"]
                    )
                    return redirect("groups_jury_session", pk=session.pk)
                if which == "ceremony":
                    chosen = [g for g in accepted if str(g.pk) in set(d["groups"])]
                    roster = services.ceremony_open(
                        actor=m, title=d["title"], starts_at=d["starts_at"], place=d["place"], groups=chosen
                    )
                    return redirect("groups_ceremony", pk=roster.pk)
                if which == "stock":
                    services.stock_set(actor=m, year=d["year"], bags=d["bags"], kits=d["kits"])
                if which == "approval":
                    organisation = next(o for o in relays if o.pk == d["organisation"])
                    services.approval_save(
                        actor=m,
                        organisation=organisation,
                        approved_on=d["approved_on"],
                        trained_professional=d["trained_professional"],
                        trained_on=d["trained_on"],
                    )
                messages.success(request, "Enregistré.")
                return redirect("groups_jury")
            except DomainError as exc:
                apply_domain_error(form, exc)
    context = {
        **forms,
        "sessions": list(selectors.sessions()),
        "waiting": list(selectors.awaiting_jury()),
        "ceremonies": list(Roster.objects.filter(kind=CEREMONY_KIND).order_by("-starts_at")[:20]),
        "stocks": list(PackStock.objects.filter(organisation=m.organisation).order_by("-year")[:3]),
        "approvals": list(
            RelayApproval.objects.select_related("organisation").order_by("organisation__name")
        ),
        "today": timezone.localdate(),
    }
    return render(request, "www/groups/jury.html", context)


def _session(pk) -> JurySession:
    return get_object_or_404(JurySession, pk=pk)


@membership_required(group_perms.can_run_jury)
def jury_session(request, m, pk):
    session = _session(pk)
    reviews = list(session.reviews.select_related("group__organisation").order_by("group__reference"))
    for r in reviews:
        initial = {
            "decision": r.decision,
            "reasons": r.reasons,
            **{f"score_{k}": v for k, v in r.scores.items()},
        }
        r.form = DecisionForm(initial=initial, on=session.held_on, prefix=f"r{r.pk}")
    context = {
        "session": session,
        "reviews": reviews,
        "agenda_form": AgendaForm(groups=selectors.awaiting_jury()) if not session.closed_at else None,
    }
    return render(request, "www/groups/session.html", context)


@require_POST
@membership_required(group_perms.can_run_jury)
def jury_agenda(request, m, pk):
    session = _session(pk)
    waiting = list(selectors.awaiting_jury())
    form = AgendaForm(request.POST, groups=waiting)
    if not form.is_valid():
        messages.error(request, errors_text(form))
        return redirect("groups_jury_session", pk=session.pk)
    group = next(g for g in waiting if g.pk == form.cleaned_data["group"])
    try:
        services.jury_agenda_add(actor=m, session=session, group=group)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("groups_jury_session", pk=session.pk)


@require_POST
@membership_required(group_perms.can_run_jury)
def jury_decide(request, m, pk, review):
    session = _session(pk)
    r = get_object_or_404(JuryReview, pk=review, session=session)
    form = DecisionForm(request.POST, on=session.held_on, prefix=f"r{r.pk}")
    form.is_valid()  # the service checks the scores and the reasons, all at once
    data = form.cleaned_data
    try:
        services.jury_decide(
            actor=m,
            review=r,
            scores=form.scores(),
            decision=data.get("decision", request.POST.get(f"r{r.pk}-decision", "")),
            reasons=data.get("reasons", ""),
        )
    except DomainError as exc:
        messages.error(request, f"{r.group.name} : {exc.message}")
    else:
        messages.success(request, f"Décision enregistrée pour {r.group.name}.")
    return redirect("groups_jury_session", pk=session.pk)


@require_POST
@membership_required(group_perms.can_run_jury)
def jury_close(request, m, pk):
    try:
        services.jury_close(actor=m, session=_session(pk))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("groups_jury_session", pk=pk)


@membership_required(group_perms.can_run_jury)
def jury_minutes(request, m, pk):
    session = _session(pk)
    data = documents.jury_minutes_pdf(session)
    audit.record_read(actor=m.user, organisation=m.organisation, action="download.jury_minutes", obj=session)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="jury-sac-ados-{session.held_on:%Y-%m-%d}.pdf"'
    return response


# --- the ceremony, on a phone ------------------------------------------------------------------


def _ceremony(m, pk) -> Roster:
    roster = attendance_selectors.roster_for(m, pk)
    if roster is None or roster.kind != CEREMONY_KIND:
        raise Http404("Cérémonie introuvable.")
    return roster


def _packs(m, roster: Roster):
    packs = selectors.packs_on(roster.pk)
    if not group_perms.can_run_jury(m):
        packs = packs.filter(member__group__organisation=m.organisation)
    return packs


@membership_required()
def ceremony(request, m, pk):
    """The hand-over on a phone: who is awaited, who was checked in at the door, and for each one
    present the pack to hand over with their signature."""
    roster = _ceremony(m, pk)
    packs = list(_packs(m, roster))
    context = {
        "roster": roster,
        "packs": packs,
        "present": sum(1 for p in packs if p.present_at),
        "handed": sum(1 for p in packs if p.handed_at),
        "form": HandOverForm(),
    }
    return render(request, "www/groups/ceremony.html", context)


@require_POST
@membership_required()
def pack_hand_over(request, m, pk):
    pack = get_object_or_404(Pack.objects.select_related("roster", "member__person"), pk=pk)
    roster = _ceremony(m, pack.roster_id)
    if not _packs(m, roster).filter(pk=pack.pk).exists():
        raise Http404("Pack introuvable.")
    form = HandOverForm(request.POST)
    form.is_valid()
    d = form.cleaned_data
    try:
        services.pack_hand_over(
            actor=m,
            pack=pack,
            signature_png_base64=request.POST.get("signature_png_base64", ""),
            insurance_reference=d.get("insurance_reference", ""),
            bag=bool(d.get("bag")),
            kit=bool(d.get("kit")),
        )
    except DomainError as exc:
        messages.error(request, f"{pack.member.person.first_name} : {exc.message}")
    else:
        messages.success(request, f"Pack remis à {pack.member.person.first_name}.")
    return redirect("groups_ceremony", pk=roster.pk)


@membership_required(group_perms.can_run_jury)
def insurance_list(request, m, pk):
    roster = _ceremony(m, pk)
    data = documents.insurance_xlsx(selectors.packs_on(roster.pk))
    audit.record_read(
        actor=m.user, organisation=m.organisation, action="download.group_insurance", obj=roster
    )
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = (
        f'attachment; filename="assurance-sac-ados-{roster.starts_at:%Y-%m-%d}.xlsx"'
    )
    return response
