"""Writes on households and persons. Each service validates, runs in one transaction and
writes the audit log; it raises DomainError with a French message naming the field."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone

from partez.core import audit, parameters
from partez.core.codes import new_reference
from partez.core.errors import DomainError, NotAllowed
from partez.organisations import perms
from partez.organisations.models import Membership, Organisation
from partez.territory.models import Commune

from . import quotient, selectors
from .models import (
    Consent,
    ConsentScope,
    EmploymentSituation,
    FollowUp,
    Household,
    PastDeparture,
    Person,
    Relation,
    SchemeCode,
)

HOUSEHOLD_FIELDS = [
    "commune_id",
    "address",
    "phone",
    "email",
    "caf_number",
    "annual_taxable_income_cents",
    "monthly_family_benefits_cents",
    "rfr_cents",
    "tax_parts",
    "is_taxable",
]
MAX_CENTS = 10**11  # 1 milliard d'euros: anything above is a typing error

PERSON_FIELDS = ["first_name", "last_name", "birth_date", "relation", "has_disability", "employment"]


@dataclass
class PersonInput:
    first_name: str
    last_name: str
    birth_date: dt.date
    relation: str
    has_disability: bool = False
    employment: str = EmploymentSituation.OTHER


@dataclass
class HouseholdInput:
    commune_insee: str
    annual_taxable_income_cents: int = 0
    monthly_family_benefits_cents: int = 0
    rfr_cents: int | None = None
    tax_parts: Decimal | None = None
    is_taxable: bool | None = None
    address: str = ""
    phone: str = ""
    email: str = ""
    caf_number: str = ""


def _today() -> dt.date:
    return timezone.localdate()


def validate_person(data: PersonInput, *, prefix: str = "") -> None:
    errors = person_errors(data, prefix=prefix)
    if errors:
        raise DomainError(errors)


def person_errors(data: PersonInput, *, prefix: str = "") -> dict[str, str]:
    """Every problem of a person's data, by field (empty if none)."""
    errors = {}
    if not (data.first_name or "").strip():
        errors[f"{prefix}first_name"] = "Le prénom est obligatoire."
    elif len(data.first_name) > 80:
        errors[f"{prefix}first_name"] = "Le prénom ne peut pas dépasser 80 caractères."
    if not (data.last_name or "").strip():
        errors[f"{prefix}last_name"] = "Le nom est obligatoire."
    elif len(data.last_name) > 80:
        errors[f"{prefix}last_name"] = "Le nom ne peut pas dépasser 80 caractères."
    if not isinstance(data.birth_date, dt.date):
        errors[f"{prefix}birth_date"] = "La date de naissance est obligatoire (JJ/MM/AAAA)."
    elif data.birth_date > _today():
        errors[f"{prefix}birth_date"] = "La date de naissance ne peut pas être dans le futur."
    elif data.birth_date.year < 1900:
        errors[f"{prefix}birth_date"] = "La date de naissance est trop ancienne."
    if data.relation not in Relation.values:
        errors[f"{prefix}relation"] = "Lien avec le foyer inconnu."
    if data.employment not in EmploymentSituation.values:
        errors[f"{prefix}employment"] = "Situation professionnelle inconnue."
    return errors


def _validate_household(data: HouseholdInput) -> Commune:
    errors = household_errors(data)
    if errors:
        raise DomainError(errors)
    commune = Commune.objects.get(insee_code=(data.commune_insee or "").strip())
    return commune


def household_errors(data: HouseholdInput) -> dict[str, str]:
    """Every problem of a household's data, by field (empty if none)."""
    errors = {}
    commune = Commune.objects.filter(insee_code=(data.commune_insee or "").strip()).first()
    if commune is None:
        errors["commune"] = "Commune inconnue : choisissez une commune du territoire."
    for name, label in [
        ("annual_taxable_income_cents", "Les revenus"),
        ("monthly_family_benefits_cents", "Les prestations familiales"),
        ("rfr_cents", "Le revenu fiscal de référence"),
    ]:
        value = getattr(data, name)
        if value is not None and (not isinstance(value, int) or value < 0):
            errors[name] = (
                f"{label} ne peuvent pas être négatifs."
                if name != "rfr_cents"
                else f"{label} ne peut pas être négatif."
            )
    if data.tax_parts is not None:
        try:
            parts = Decimal(data.tax_parts)
        except (InvalidOperation, TypeError):
            parts = Decimal("-1")
        if parts < 1 or parts > 20 or (parts * 4) % 1:
            errors["tax_parts"] = (
                "Le nombre de parts fiscales doit être compris entre 1 et 20 (par quart de part)."
            )
    if data.email and "@" not in data.email:
        errors["email"] = "Adresse e-mail invalide."
    for name, limit, label in [
        ("address", 250, "L'adresse"),
        ("phone", 20, "Le téléphone"),
        ("caf_number", 20, "Le n° allocataire"),
    ]:
        if len(getattr(data, name) or "") > limit:
            errors[name] = f"{label} ne peut pas dépasser {limit} caractères."
    for name in ("annual_taxable_income_cents", "monthly_family_benefits_cents", "rfr_cents"):
        value = getattr(data, name)
        if isinstance(value, int) and value > MAX_CENTS and name not in errors:
            errors[name] = "Montant trop élevé."
    return errors


def max_persons(on: dt.date) -> int:
    """The most people a household may count on ``on`` (a dated parameter)."""
    return int(parameters.load(quotient.PARAMETERS_FILE)["max_persons"].at(on).value)


def _validate_size(count: int) -> None:
    cap = max_persons(timezone.localdate())
    if count > cap:
        raise DomainError(
            f"Un foyer compte {cap} personnes au plus ({count} saisies) : vérifiez la liste des personnes, "
            "ou enregistrez plusieurs foyers.",
            field="persons",
        )


def _validate_composition(persons: Sequence[PersonInput | Person]) -> None:
    _validate_size(len(persons))
    heads = [p for p in persons if p.relation == Relation.HEAD]
    spouses = [p for p in persons if p.relation == Relation.SPOUSE]
    if len(heads) != 1:
        raise DomainError("Le foyer doit compter exactement un·e demandeur·se.", field="persons")
    if len(spouses) > 1:
        raise DomainError("Le foyer ne peut compter qu'un·e conjoint·e.", field="persons")


def _require_casework(actor: Membership) -> None:
    if not perms.can_edit_household(actor):
        raise NotAllowed("Votre rôle ne permet pas de modifier des foyers.")


def require_not_anonymised(household: Household) -> None:
    if household.anonymised_at is not None:
        raise DomainError("Ce foyer a été anonymisé : son dossier ne peut plus être modifié.")


def _sort_name(persons: Iterable[PersonInput | Person]) -> str:
    head = next((p for p in persons if p.relation == Relation.HEAD), None)
    return Person.search_key(head.first_name, head.last_name) if head else ""


def recompute_quotient(household: Household, persons: Sequence[Person] | None = None) -> quotient.QFResult:
    persons = list(household.persons.all()) if persons is None else persons
    result = quotient.quotient_familial(
        annual_taxable_income_cents=household.annual_taxable_income_cents,
        monthly_family_benefits_cents=household.monthly_family_benefits_cents,
        members=[quotient.Member(p.birth_date, p.relation, p.has_disability) for p in persons],
        on=_today(),
    )
    household.qf_cents = result.qf_cents
    household.qf_parts = result.parts
    household.qf_lines = result.lines
    return result


def household_create(
    *,
    actor: Membership,
    data: HouseholdInput,
    persons: list[PersonInput],
    consent_scopes: list[str],
    consent_collected_at: dt.datetime | None = None,
) -> Household:
    """Create a household with its members, the consent collected (now, or when the structure
    says it collected it: an import) and a follow-up where the actor's organisation is the referent."""
    _require_casework(actor)
    _validate_size(len(persons))  # before validating each one: a list of 10,000 is refused at once
    errors = household_errors(data)  # the household's and every person's problems, all at once
    for i, p in enumerate(persons):
        errors |= person_errors(p, prefix=f"persons[{i}].")
    if errors:
        raise DomainError(errors)
    commune = _validate_household(data)
    _validate_composition(persons)
    scopes = sorted(set(consent_scopes or []))
    if ConsentScope.CASEWORK not in scopes:
        raise DomainError(
            "Le consentement au traitement du dossier doit être recueilli avant de créer le foyer.",
            field="consent",
        )
    if any(s not in ConsentScope.values for s in scopes):
        raise DomainError("Finalité de consentement inconnue.", field="consent")
    for _attempt in range(5):
        try:
            with transaction.atomic():
                household = Household(
                    reference=new_reference("F"),
                    commune=commune,
                    created_by_organisation=actor.organisation,
                    **{k: v for k, v in asdict(data).items() if k != "commune_insee"},
                )
                members = [
                    Person(
                        household=household,
                        search_name=Person.search_key(p.first_name, p.last_name),
                        **asdict(p),
                    )
                    for p in persons
                ]
                recompute_quotient(household, members)
                household.sort_name = _sort_name(members)
                household.save()
                Person.objects.bulk_create(members)
                household.consents.create(
                    scopes=scopes,
                    collected_by=actor.user,
                    organisation=actor.organisation,
                    collected_at=consent_collected_at or timezone.now(),
                )
                FollowUp.objects.create(
                    household=household,
                    organisation=actor.organisation,
                    is_referent=True,
                    started_on=_today(),
                )
                audit.record(
                    actor=actor.user,
                    organisation=actor.organisation,
                    action="household.create",
                    obj=household,
                    changes={
                        **audit.snapshot(household, HOUSEHOLD_FIELDS),
                        "persons": len(members),
                        "consent": scopes,
                    },
                )
                return household
        except IntegrityError as exc:  # a reference collision: try another one
            if "reference" not in str(exc):
                raise
    raise DomainError("Impossible d'attribuer une référence au foyer, réessayez.")


def household_update(*, actor: Membership, household: Household, data: HouseholdInput) -> Household:
    _require_casework(actor)
    require_open_file(household)
    commune = _validate_household(data)
    with transaction.atomic():
        household = Household.objects.select_for_update().get(pk=household.pk)
        require_not_anonymised(household)
        before = audit.snapshot(household, HOUSEHOLD_FIELDS)
        for k, v in asdict(data).items():
            if k != "commune_insee":
                setattr(household, k, v)
        household.commune = commune
        recompute_quotient(household)
        household.save()
        changes = audit.diff(before, audit.snapshot(household, HOUSEHOLD_FIELDS))
        if changes:
            audit.record(
                actor=actor.user,
                organisation=actor.organisation,
                action="household.update",
                obj=household,
                changes=changes,
            )
    return household


def person_add(*, actor: Membership, household: Household, data: PersonInput) -> Person:
    _require_casework(actor)
    require_open_file(household)
    validate_person(data)
    with transaction.atomic():
        household = Household.objects.select_for_update().get(pk=household.pk)
        require_not_anonymised(household)
        person = Person(
            household=household,
            search_name=Person.search_key(data.first_name, data.last_name),
            **asdict(data),
        )
        members = [*household.persons.all(), person]
        _validate_composition(members)
        person.save()
        recompute_quotient(household, members)
        household.sort_name = _sort_name(members)
        household.save(update_fields=["qf_cents", "qf_parts", "qf_lines", "sort_name", "updated_at"])
        audit.record(
            actor=actor.user,
            organisation=actor.organisation,
            action="person.add",
            obj=person,
            changes=audit.snapshot(person, PERSON_FIELDS),
        )
    return person


def person_update(*, actor: Membership, person: Person, data: PersonInput) -> Person:
    _require_casework(actor)
    require_open_file(person.household)
    validate_person(data)
    with transaction.atomic():
        household = Household.objects.select_for_update().get(pk=person.household_id)
        require_not_anonymised(household)
        person = Person.objects.get(pk=person.pk)
        before = audit.snapshot(person, PERSON_FIELDS)
        for k, v in asdict(data).items():
            setattr(person, k, v)
        person.search_name = Person.search_key(person.first_name, person.last_name)
        others = [p for p in household.persons.all() if p.pk != person.pk]
        _validate_composition([*others, person])
        person.save()
        recompute_quotient(household, [*others, person])
        household.sort_name = _sort_name([*others, person])
        household.save(update_fields=["qf_cents", "qf_parts", "qf_lines", "sort_name", "updated_at"])
        changes = audit.diff(before, audit.snapshot(person, PERSON_FIELDS))
        if changes:
            audit.record(
                actor=actor.user,
                organisation=actor.organisation,
                action="person.update",
                obj=person,
                changes=changes,
            )
    return person


def past_departure_add(*, actor: Membership, person: Person, year: int, scheme: str) -> PastDeparture:
    _require_casework(actor)
    require_open_file(person.household)
    if scheme not in SchemeCode.values:
        raise DomainError("Dispositif inconnu.", field="scheme")
    if not isinstance(year, int) or year < 1950 or year > _today().year:
        raise DomainError("L'année du départ doit être passée ou en cours.", field="year")
    with transaction.atomic():
        departure, created = PastDeparture.objects.get_or_create(person=person, year=year, scheme=scheme)
        if not created:
            raise DomainError("Ce départ est déjà enregistré.", field="year")
        audit.record(
            actor=actor.user,
            organisation=actor.organisation,
            action="past_departure.add",
            obj=departure,
            changes={"person": person.pk, "year": year, "scheme": scheme},
        )
    return departure


def require_consent(household: Household, scope: str, message: str, field: str = "__all__") -> None:
    if scope not in selectors.active_consent_scopes(household):
        raise DomainError(message, field=field)


CLOSED = (
    "Le foyer a retiré son consentement au traitement de son dossier : le dossier est clos (lecture seule)."
)


def require_open_file(household: Household) -> None:
    """Refuse any change to a closed file (the « case work » consent withdrawn) or an anonymised one."""
    require_not_anonymised(household)
    require_consent(household, ConsentScope.CASEWORK, CLOSED)


def _referent_organisation_id(household_id: int) -> int | None:
    return (
        FollowUp.objects.filter(household_id=household_id, ended_on__isnull=True, is_referent=True)
        .values_list("organisation_id", flat=True)
        .first()
    )


def followup_add(*, actor: Membership, household: Household, organisation: Organisation) -> FollowUp:
    """Another organisation joins the follow-up of a household (as a contributor). The household
    must have agreed to share its file with the other structures that follow it."""
    _require_casework(actor)
    if organisation.kind not in ("commune", "relay", "coordinator"):
        raise DomainError(
            "Seules les communes, CCAS et structures relais peuvent suivre un foyer.", field="organisation"
        )
    require_open_file(household)
    require_consent(
        household,
        ConsentScope.SHARING,
        "Le foyer n'a pas consenti au partage de son dossier avec d'autres structures.",
        field="organisation",
    )
    try:
        with transaction.atomic():
            if household.followups.filter(organisation=organisation, ended_on__isnull=True).exists():
                raise DomainError("Cette organisation suit déjà le foyer.", field="organisation")
            followup = FollowUp.objects.create(
                household=household, organisation=organisation, started_on=_today()
            )
            audit.record(
                actor=actor.user,
                organisation=actor.organisation,
                action="followup.add",
                obj=followup,
                changes={"household": household.pk, "organisation": organisation.pk},
            )
    except IntegrityError as exc:  # the same organisation added at the same moment by someone else
        raise DomainError("Cette organisation suit déjà le foyer.", field="organisation") from exc
    return followup


def followup_end(*, actor: Membership, followup: FollowUp, reason: str) -> FollowUp:
    """End a follow-up: an organisation may end its own; the referent organisation (or the
    coordination) may end another's."""
    _require_casework(actor)
    if not (reason or "").strip():
        raise DomainError("Indiquez le motif de fin de suivi.", field="end_reason")
    with transaction.atomic():
        followup = FollowUp.objects.select_for_update().get(pk=followup.pk)
        if followup.ended_on is not None:
            raise DomainError("Ce suivi est déjà terminé.")
        if followup.is_referent:
            raise DomainError("Désignez d'abord une autre structure référente.", field="end_reason")
        own = followup.organisation_id == actor.organisation_id
        referent = _referent_organisation_id(followup.household_id) == actor.organisation_id
        if not (own or referent or perms.sees_whole_territory(actor)):
            raise NotAllowed("Seule la structure référente peut mettre fin au suivi d'une autre structure.")
        followup.ended_on = _today()
        followup.end_reason = reason.strip()[:200]
        followup.save(update_fields=["ended_on", "end_reason"])
        audit.record(
            actor=actor.user,
            organisation=actor.organisation,
            action="followup.end",
            obj=followup,
            changes={"ended_on": followup.ended_on, "end_reason": followup.end_reason},
        )
    return followup


def referent_set(*, actor: Membership, followup: FollowUp) -> FollowUp:
    """Hand the referent role to another open follow-up: only the current referent organisation
    (or the coordination) may do it; the previous referent becomes a contributor."""
    _require_casework(actor)
    with transaction.atomic():
        followup = FollowUp.objects.select_for_update().get(pk=followup.pk)
        if followup.ended_on is not None:
            raise DomainError("Ce suivi est terminé.")
        current = _referent_organisation_id(followup.household_id)
        if current is not None and current != actor.organisation_id and not perms.sees_whole_territory(actor):
            raise NotAllowed("Seule la structure référente peut confier ce rôle à une autre structure.")
        FollowUp.objects.filter(
            household_id=followup.household_id, ended_on__isnull=True, is_referent=True
        ).exclude(pk=followup.pk).update(is_referent=False)
        followup.is_referent = True
        followup.save(update_fields=["is_referent"])
        audit.record(
            actor=actor.user,
            organisation=actor.organisation,
            action="followup.referent",
            obj=followup,
            changes={"is_referent": [False, True]},
        )
    return followup


CLOSING_REASON = "Retrait du consentement au traitement du dossier"


def consent_revoke(*, actor: Membership, consent: Consent) -> Consent:
    """Record that the household withdrew a consent (kept, dated, never deleted).

    When no active consent covers « case work » any more, the file is **closed**, in the same
    transaction: the household asked that the work on its file stop, so

    - its projects that have not left yet are withdrawn through the project workflow (which
      gives the envelopes' reservations back); departed ones stay, they are spent money;
    - every follow-up but the referent's ends, so only the structure that accompanied the
      household still sees the file (``selectors.household_scope``), read only
      (``require_open_file``) until the retention rules remove it: it must be able to answer
      for what was done (the projects, the aid engaged), but nobody else may open the file.
    """
    from partez.projects import services as project_services  # projects build on households
    from partez.projects.workflow import OPEN

    _require_casework(actor)
    with transaction.atomic():
        consent = Consent.objects.select_for_update().get(pk=consent.pk)
        if consent.revoked_at is not None:
            raise DomainError("Ce consentement a déjà été retiré.")
        household = consent.household
        others = set()
        for other in household.consents.filter(revoked_at__isnull=True).exclude(pk=consent.pk):
            others.update(other.scopes)
        closing = ConsentScope.CASEWORK in consent.scopes and ConsentScope.CASEWORK not in others
        ended: list[FollowUp] = []
        if closing:
            for project in household.projects.filter(status__in=OPEN).order_by("pk"):
                project_services.project_transition(
                    actor=actor, project=project, action="withdraw", reason=CLOSING_REASON
                )
            ended = list(household.followups.filter(ended_on__isnull=True, is_referent=False))
            for followup in ended:
                followup.ended_on, followup.end_reason = _today(), CLOSING_REASON
                followup.save(update_fields=["ended_on", "end_reason"])
        consent.revoked_at = timezone.now()
        consent.save(update_fields=["revoked_at"])
        audit.record(
            actor=actor.user,
            organisation=actor.organisation,
            action="consent.revoke",
            obj=consent,
            changes={
                "household": consent.household_id,
                "scopes": consent.scopes,
                **(
                    {"file_closed": True, "followups_ended": [f.organisation_id for f in ended]}
                    if closing
                    else {}
                ),
            },
        )
    return consent
