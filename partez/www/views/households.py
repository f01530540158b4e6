from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from partez.accompaniment import selectors as accompaniment_selectors
from partez.core import audit
from partez.core.errors import DomainError
from partez.households import selectors, services
from partez.households.models import Consent, ConsentScope, FollowUp, PastDeparture, Person
from partez.households.selectors import households_for
from partez.imports import perms as import_perms
from partez.organisations import perms
from partez.organisations.models import Organisation, OrganisationKind
from partez.privacy import perms as privacy_perms
from partez.projects.models import Project
from partez.territory.selectors import current_edition

from ..access import get_household, membership_required
from ..forms import households as forms
from ..forms.errors import apply_domain_error, errors_text
from ..forms.fields import euros_to_cents

PAGE_SIZE = 25


def _household_input(cd) -> services.HouseholdInput:
    taxable = cd.get("is_taxable")
    return services.HouseholdInput(
        commune_insee=cd["commune"].insee_code,
        address=cd.get("address", ""),
        phone=cd.get("phone", ""),
        email=cd.get("email", ""),
        caf_number=cd.get("caf_number", ""),
        annual_taxable_income_cents=euros_to_cents(cd["annual_taxable_income"]) or 0,
        monthly_family_benefits_cents=euros_to_cents(cd["monthly_family_benefits"]) or 0,
        rfr_cents=euros_to_cents(cd.get("rfr")),
        tax_parts=cd.get("tax_parts"),
        is_taxable=taxable,
    )


def _person_input(cd) -> services.PersonInput:
    return services.PersonInput(
        first_name=cd["first_name"].strip(),
        last_name=cd["last_name"].strip(),
        birth_date=cd["birth_date"],
        relation=cd["relation"],
        has_disability=cd.get("has_disability", False),
        employment=cd["employment"],
    )


@membership_required(perms.can_view_households)
def household_list(request, m):
    form = forms.HouseholdSearchForm(request.GET or None)
    qs = households_for(m)
    if form.is_valid():
        cd = form.cleaned_data
        qs = selectors.search(
            qs,
            q=cd["q"],
            commune_insee=cd["commune"],
            project_status=cd["status"],
            situation=cd["situation"],
            edition=current_edition(),
        )
    qs = selectors.page_rows(qs)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "can_import": import_perms.can_import_households(m),  # and review duplicates
    }
    template = "www/households/_results.html" if request.htmx else "www/households/list.html"
    return render(request, template, context)


@membership_required(perms.can_edit_household)
def household_create(request, m):
    initial = {"commune": m.organisation.commune.insee_code} if m.organisation.commune_id else {}
    form = forms.HouseholdForm(request.POST or None, initial=initial)
    formset = forms.PersonFormSet(
        request.POST or None, prefix="persons", initial=[{"relation": "head"}] if not request.POST else None
    )
    consent = forms.ConsentForm(request.POST or None, prefix="consent")
    # every form is validated (no short-circuit), so all errors show in one round
    valid = request.method == "POST" and all([form.is_valid(), formset.is_valid(), consent.is_valid()])
    if request.method == "POST" and not valid:
        _service_errors_anyway(form, formset)
    if valid:
        persons = [_person_input(f.cleaned_data) for f in formset.forms if f.has_changed() and f.cleaned_data]
        try:
            household = services.household_create(
                actor=m,
                data=_household_input(form.cleaned_data),
                persons=persons,
                consent_scopes=consent.cleaned_data["scopes"],
            )
        except DomainError as exc:
            _attach_household_errors(exc, form, formset, consent)
        else:
            messages.success(request, f"Foyer {household.reference} créé.")
            return redirect("household_detail", pk=household.pk)
    return render(request, "www/households/form.html", {"form": form, "formset": formset, "consent": consent})


def _service_errors_anyway(form, formset) -> None:
    """When some form did not parse, still run the services' checks on the parts that did, so a
    negative income and a future birth date are reported together."""
    for person_form in formset.forms:
        if person_form.is_valid() and person_form.has_changed() and person_form.cleaned_data:
            errors = services.person_errors(_person_input(person_form.cleaned_data))
            for name, message in errors.items():
                if name not in person_form.errors:
                    person_form.add_error(name if name in person_form.fields else None, message)
    if form.is_valid():
        errors = services.household_errors(_household_input(form.cleaned_data))
        if errors:
            _attach_household_errors(DomainError(errors), form)


def _attach_household_errors(exc: DomainError, form, formset=None, consent=None) -> None:
    for field, message in exc.errors.items():
        if field.startswith("persons[") and formset is not None:
            index = int(field[len("persons[") : field.index("]")])
            name = field.split(".", 1)[1]
            formset.forms[index].add_error(name if name in formset.forms[index].fields else None, message)
        elif field == "persons" and formset is not None:
            formset._non_form_errors = formset.error_class([message])
        elif field == "consent" and consent is not None:
            consent.add_error("scopes", message)
        else:
            apply_domain_error(
                form,
                DomainError({field: message}),
                {
                    "annual_taxable_income_cents": "annual_taxable_income",
                    "monthly_family_benefits_cents": "monthly_family_benefits",
                    "rfr_cents": "rfr",
                },
            )


@membership_required(perms.can_view_households)
def household_detail(request, m, pk):
    household = get_household(m, pk)
    persons = list(
        Person.objects.filter(household=household).prefetch_related(
            Prefetch("past_departures", queryset=PastDeparture.objects.order_by("-year"))
        )
    )
    followups = FollowUp.objects.filter(household=household, ended_on__isnull=True).select_related(
        "organisation"
    )
    projects = list(
        Project.objects.filter(household=household)
        .select_related("edition", "organisation")
        .order_by("-created_at")
    )
    consents = list(household.consents.select_related("collected_by", "organisation"))
    open_file = any(ConsentScope.CASEWORK in c.scopes for c in consents if c.revoked_at is None)
    if request.method == "GET":  # a refused form shown again is not a new opening
        audit.record_read(
            actor=request.user, organisation=m.organisation, action="read.household", obj=household
        )
    context = {
        "household": household,
        "persons": persons,
        "followups": followups,
        "projects": projects,
        "consents": consents,
        # a closed file (case-work consent withdrawn) is read only; a remaining consent may still go
        "can_edit": perms.can_edit_household(m) and open_file and household.anonymised_at is None,
        "can_revoke": perms.can_edit_household(m) and household.anonymised_at is None,
        "closed": not open_file,
        "can_export_file": privacy_perms.can_export_household_file(m),
        "can_anonymise": privacy_perms.can_anonymise_household(m) and household.anonymised_at is None,
        "can_view_readers": privacy_perms.can_view_file_readers(m),
        "barriers": accompaniment_selectors.barriers_of(household),  # what holds the family back
        "history": audit.history_for(
            {
                "households.household": [household.pk],
                "households.person": [p.pk for p in persons],
                "projects.project": [p.pk for p in projects],
                "households.consent": [c.pk for c in consents],
            }
        ),
    }
    return render(request, "www/households/detail.html", context)


def _followable(household):
    taken = FollowUp.objects.filter(household=household, ended_on__isnull=True).values("organisation")
    return Organisation.objects.filter(
        is_active=True,
        kind__in=[OrganisationKind.COMMUNE, OrganisationKind.RELAY, OrganisationKind.COORDINATOR],
    ).exclude(pk__in=taken)


@membership_required(perms.can_edit_household)
def household_edit(request, m, pk):
    household = get_household(m, pk)
    initial = {
        "commune": household.commune.insee_code,
        "address": household.address,
        "phone": household.phone,
        "email": household.email,
        "caf_number": household.caf_number,
        "annual_taxable_income": household.annual_taxable_income_cents / 100,
        "monthly_family_benefits": household.monthly_family_benefits_cents / 100,
        "rfr": None if household.rfr_cents is None else household.rfr_cents / 100,
        "tax_parts": household.tax_parts,
        "is_taxable": {None: "unknown", True: "true", False: "false"}[household.is_taxable],
    }
    form = forms.HouseholdForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.household_update(actor=m, household=household, data=_household_input(form.cleaned_data))
        except DomainError as exc:
            _attach_household_errors(exc, form)
        else:
            messages.success(request, "Foyer mis à jour.")
            return redirect("household_detail", pk=household.pk)
    return render(request, "www/households/edit.html", {"form": form, "household": household})


@membership_required(perms.can_edit_household)
def person_add(request, m, pk):
    return _person_form(request, m, get_household(m, pk), person=None)


@membership_required(perms.can_edit_household)
def person_edit(request, m, pk, person_pk):
    household = get_household(m, pk)
    return _person_form(
        request, m, household, person=get_object_or_404(Person, household=household, pk=person_pk)
    )


def _person_form(request, m, household, person):
    """Add a member (person=None) or edit one, through the matching service."""
    if person is None:
        initial = {"relation": "child"}
    else:
        initial = {f: getattr(person, f) for f in services.PERSON_FIELDS}
    form = forms.PersonForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = _person_input(form.cleaned_data)
        try:
            if person is None:
                services.person_add(actor=m, household=household, data=data)
            else:
                services.person_update(actor=m, person=person, data=data)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(
                request, "Personne ajoutée au foyer." if person is None else "Personne mise à jour."
            )
            return redirect("household_detail", pk=household.pk)
    context = {"form": form, "household": household, "person": person}
    return render(request, "www/households/person_form.html", context)


def _inline_form(request, household, form, *, action: str, title: str, submit_label: str):
    """A small form of the household page: loaded on demand (htmx) or as its own page."""
    context = {
        "household": household,
        "form": form,
        "action": reverse(action, args=[household.pk]),
        "title": title,
        "submit_label": submit_label,
    }
    template = "www/households/_inline_form.html" if request.htmx else "www/households/inline_form_page.html"
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
@membership_required(perms.can_edit_household)
def past_departure_add(request, m, pk):
    household = get_household(m, pk)
    persons = list(household.persons.all())
    form = forms.PastDepartureForm(request.POST or None, persons=persons)
    if request.method == "GET":
        return _inline_form(
            request,
            household,
            form,
            action="past_departure_add",
            title="Enregistrer un départ passé",
            submit_label="Enregistrer",
        )
    if form.is_valid():
        person = next(p for p in persons if p.pk == form.cleaned_data["person"])
        try:
            services.past_departure_add(
                actor=m, person=person, year=form.cleaned_data["year"], scheme=form.cleaned_data["scheme"]
            )
            messages.success(request, "Départ passé enregistré.")
        except DomainError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, "Départ non enregistré : " + errors_text(form))
    return redirect("household_detail", pk=household.pk)


@require_http_methods(["GET", "POST"])
@membership_required(perms.can_edit_household)
def followup_add(request, m, pk):
    household = get_household(m, pk)
    form = forms.FollowUpForm(request.POST or None, organisations=_followable(household))
    if request.method == "GET":
        return _inline_form(
            request,
            household,
            form,
            action="followup_add",
            title="Ajouter une structure au suivi",
            submit_label="Ajouter au suivi",
        )
    if form.is_valid():
        try:
            services.followup_add(
                actor=m, household=household, organisation=form.cleaned_data["organisation"]
            )
            messages.success(request, "Structure ajoutée au suivi.")
        except DomainError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, "Choisissez une structure.")
    return redirect("household_detail", pk=household.pk)


def _act(request, household, action, success: str):
    """Run a one-click service action from the household page; its refusal becomes a message."""
    try:
        action()
        messages.success(request, success)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("household_detail", pk=household.pk)


@require_POST
@membership_required(perms.can_edit_household)
def followup_referent(request, m, pk, followup_pk):
    household = get_household(m, pk)
    followup = get_object_or_404(FollowUp, household=household, pk=followup_pk)
    return _act(
        request,
        household,
        lambda: services.referent_set(actor=m, followup=followup),
        f"{followup.organisation} est désormais référente du foyer.",
    )


@require_POST
@membership_required(perms.can_edit_household)
def followup_end(request, m, pk, followup_pk):
    household = get_household(m, pk)
    followup = get_object_or_404(FollowUp, household=household, pk=followup_pk)
    reason = request.POST.get("reason", "")
    return _act(
        request,
        household,
        lambda: services.followup_end(actor=m, followup=followup, reason=reason),
        "Suivi terminé.",
    )


@require_POST
@membership_required(perms.can_edit_household)
def consent_revoke(request, m, pk, consent_pk):
    household = get_household(m, pk)
    consent = get_object_or_404(Consent, household=household, pk=consent_pk)
    return _act(
        request,
        household,
        lambda: services.consent_revoke(actor=m, consent=consent),
        "Le retrait du consentement est enregistré.",
    )
