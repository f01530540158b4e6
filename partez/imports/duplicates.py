"""Duplicates across the territory: candidates found (at import and nightly), reviewed by the
coordination (a commune: pairs of its own residents), said distinct (remembered) or merged with
a preview — projects, journal, consents, follow-ups, chèques and departure history carried over —
audited and reversible for ``merge_undo_days``."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from partez.core import audit, parameters
from partez.core.errors import DomainError, NotAllowed
from partez.core.text import normalise
from partez.households import services as household_services
from partez.households.models import FollowUp, Household, PastDeparture, Person, Relation
from partez.households.selectors import households_for
from partez.organisations import perms as org_perms
from partez.organisations.models import Membership
from partez.projects.models import Project

from . import dedup, perms
from .models import DuplicatePair, HouseholdMerge, PairStatus

PARAMETERS = Path(__file__).with_name("parameters.yaml")
VALUE_FIELDS = {
    "address": "adresse",
    "phone": "téléphone",
    "email": "e-mail",
    "caf_number": "n° allocataire",
    "annual_taxable_income_cents": "revenus",
    "monthly_family_benefits_cents": "prestations familiales",
    "rfr_cents": "revenu fiscal de référence",
    "tax_parts": "parts fiscales",
    "is_taxable": "imposable",
    "minimum_benefits": "minima sociaux",
    "mobility": "mobilité",
    "mobility_note": "précision sur la mobilité",
}
SNAPSHOT_FIELDS = ["reference", "commune_id", "created_by_organisation_id", *VALUE_FIELDS]
PERSON_FIELDS = [
    "id",
    "first_name",
    "last_name",
    "birth_date",
    "relation",
    "has_disability",
    "employment",
    "search_name",
]


def undo_days(on: dt.date) -> int:
    return int(parameters.load(PARAMETERS)["merge_undo_days"].at(on).value)


# --- finding ----------------------------------------------------------------------------------


def facts(households: QuerySet[Household] | None = None) -> list[dedup.HouseholdFacts]:
    """Every household (not anonymised) as the finder's plain data, in two queries."""
    qs = (households if households is not None else Household.objects.all()).filter(
        anonymised_at__isnull=True
    )
    members: dict[int, list[dedup.Member]] = defaultdict(list)
    for hid, last, first, born, relation in Person.objects.filter(household__in=qs.values("pk")).values_list(
        "household_id", "last_name", "first_name", "birth_date", "relation"
    ):
        members[hid].append(dedup.Member(normalise(last), normalise(first), born, relation == Relation.HEAD))
    return [
        dedup.HouseholdFacts(
            id=pk,
            members=tuple(members.get(pk, ())),
            caf_number=(caf or "").replace(" ", ""),
            phone=phone or "",
            email=(email or "").lower(),
            address=normalise(address or ""),
        )
        for pk, caf, phone, email, address in qs.values_list("pk", "caf_number", "phone", "email", "address")
    ]


def candidates_refresh(
    *, among: set[int] | None = None, found: list[dedup.Candidate] | None = None
) -> dict[str, int]:
    """Record the candidate pairs (new ones open; a pair already decided is left as decided)."""
    found = dedup.find(facts(), among=among) if found is None else found
    existing = {(p.a_id, p.b_id): p for p in DuplicatePair.objects.filter(status=PairStatus.OPEN)}
    decided = set(DuplicatePair.objects.exclude(status=PairStatus.OPEN).values_list("a_id", "b_id"))
    new, changed = [], []
    for c in found:
        key = (c.a, c.b)
        if key in decided:
            continue
        if key in existing:
            pair = existing[key]
            if pair.score != c.score or pair.reasons != c.reasons:
                pair.score, pair.reasons = c.score, c.reasons
                changed.append(pair)
        else:
            new.append(DuplicatePair(a_id=c.a, b_id=c.b, score=c.score, reasons=c.reasons))
    with transaction.atomic():
        DuplicatePair.objects.bulk_create(new, ignore_conflicts=True)
        DuplicatePair.objects.bulk_update(changed, ["score", "reasons"])
    return {"found": len(found), "new": len(new), "updated": len(changed)}


def pairs_for(m: Membership | None) -> QuerySet[DuplicatePair]:
    """The pairs ``m`` reviews: the coordination every one; a commune, pairs of two files it sees."""
    if not perms.can_review_duplicates(m):
        return DuplicatePair.objects.none()
    if org_perms.sees_whole_territory(m):
        return DuplicatePair.objects.all()
    visible = households_for(m).values("pk")
    return DuplicatePair.objects.filter(Q(a__in=visible) & Q(b__in=visible))


def merges_for(m: Membership | None) -> QuerySet[HouseholdMerge]:
    """The merges ``m`` may see and undo: the coordination every one; a commune, those whose kept
    household is a file it sees."""
    if not perms.can_review_duplicates(m):
        return HouseholdMerge.objects.none()
    if org_perms.sees_whole_territory(m):
        return HouseholdMerge.objects.all()
    return HouseholdMerge.objects.filter(kept__in=households_for(m).values("pk"))


# --- deciding ---------------------------------------------------------------------------------


def _open_pair(actor: Membership, pair: DuplicatePair) -> DuplicatePair:
    if not perms.can_review_duplicates(actor):
        raise NotAllowed("Votre rôle ne permet pas de traiter les doublons.")
    pair = pairs_for(actor).select_for_update().get(pk=pair.pk)
    if pair.status != PairStatus.OPEN:
        raise DomainError("Ce doublon a déjà été traité.")
    return pair


def pair_distinct(*, actor: Membership, pair: DuplicatePair) -> DuplicatePair:
    """Two different families: remembered, never proposed again."""
    with transaction.atomic():
        pair = _open_pair(actor, pair)
        pair.status, pair.decided_by, pair.decided_at = PairStatus.DISTINCT, actor.user, timezone.now()
        pair.save(update_fields=["status", "decided_by", "decided_at"])
        audit.record(actor=actor.user, organisation=actor.organisation, action="duplicate.distinct", obj=pair)
    return pair


@dataclass
class MergePreview:
    kept: Household
    removed: Household
    values: list[dict[str, Any]]  # label, kept, removed, winner ("kept" / "removed")
    same_persons: list[tuple[Person, Person]]  # (kept's, removed's) one person
    moved_persons: list[Person]
    carried: dict[str, int] = field(default_factory=dict)  # French label → how many

    @property
    def persons_after(self) -> int:
        return len(self.kept.persons.all()) + len(self.moved_persons)


def _key(p: Person) -> tuple[str, dt.date]:
    return (p.search_name or Person.search_key(p.first_name, p.last_name), p.birth_date)


def merge_preview(pair: DuplicatePair, keep: int) -> MergePreview:
    if keep not in (pair.a_id, pair.b_id):
        raise DomainError("Choisissez le foyer à garder parmi les deux.", field="keep")
    households = {
        h.pk: h
        for h in Household.objects.filter(pk__in=[pair.a_id, pair.b_id])
        .select_related("commune")
        .prefetch_related("persons")
    }
    kept, removed = households[keep], households[pair.b_id if keep == pair.a_id else pair.a_id]
    values = []
    for name, label in VALUE_FIELDS.items():
        mine, theirs = getattr(kept, name), getattr(removed, name)
        empty: tuple[object, ...] = (None, "", 0, [])  # [] : no minimum social recorded
        winner = "kept" if mine not in empty or theirs in empty else "removed"
        if mine != theirs:
            values.append({"field": name, "label": label, "kept": mine, "removed": theirs, "winner": winner})
    by_key = {_key(p): p for p in kept.persons.all()}
    same = [(by_key[_key(p)], p) for p in removed.persons.all() if _key(p) in by_key]
    moved = [p for p in removed.persons.all() if _key(p) not in by_key]
    counts = [
        (Project.objects.filter(household=removed).count(), "projet", "projets"),
        (removed.consents.count(), "consentement", "consentements"),
        (removed.followups.filter(ended_on__isnull=True).count(), "suivi", "suivis"),
        (PastDeparture.objects.filter(person__household=removed).count(), "départ passé", "départs passés"),
    ]
    carried = {one if n == 1 else many: n for n, one, many in counts if n}
    return MergePreview(
        kept=kept, removed=removed, values=values, same_persons=same, moved_persons=moved, carried=carried
    )


def _household_relations() -> list[models.ForeignObjectRel]:
    """Every row of another table pointing at a household, persons apart (moved one by one)."""
    return [
        r
        for r in Household._meta.related_objects
        if r.related_model is not Person
        and (r.one_to_many or r.one_to_one)
        and r.related_model is not DuplicatePair
    ]


def household_merge(*, actor: Membership, pair: DuplicatePair, keep: int) -> HouseholdMerge:
    """Merge the pair's other household into ``keep``: its people (one person found in both stays
    one), projects, consents, follow-ups, chèques, departure history and every other row pointing
    at it move to the kept household; empty values of the kept household take the other's."""
    with transaction.atomic():
        pair = _open_pair(actor, pair)
        locked = list(
            Household.objects.select_for_update().filter(pk__in=[pair.a_id, pair.b_id]).order_by("pk")
        )
        if len(locked) != 2 or any(h.anonymised_at for h in locked):
            raise DomainError("Un des deux foyers a été anonymisé ou supprimé : fusion impossible.")
        plan = merge_preview(pair, keep)
        kept, removed = plan.kept, plan.removed
        cap = household_services.max_persons(timezone.localdate())
        if plan.persons_after > cap:
            raise DomainError(f"Le foyer fusionné compterait plus de {cap} personnes.")
        snapshot: dict[str, Any] = {
            "household": audit.snapshot(removed, SNAPSHOT_FIELDS)
            | {"created_at": removed.created_at.isoformat()},
            "kept_before": audit.snapshot(kept, list(VALUE_FIELDS)),
            "deleted_persons": [],
            "moved_persons": [],
            "rows": {},
            "followups_ended": [],
            "past_departures": [],
            "travellers": [],
        }
        # the people: one person found in both stays the kept household's
        for mine, theirs in plan.same_persons:
            for dep in PastDeparture.objects.filter(person=theirs):
                snapshot["past_departures"].append(
                    {
                        "id": dep.pk,
                        "year": dep.year,
                        "scheme": dep.scheme,
                        "project_id": dep.project_id,
                        "person_id": theirs.pk,
                    }
                )
                if not PastDeparture.objects.filter(person=mine, year=dep.year, scheme=dep.scheme).exists():
                    PastDeparture.objects.filter(pk=dep.pk).update(person=mine)
                    snapshot["past_departures"][-1]["moved_to"] = mine.pk
            for project in Project.objects.filter(travellers=theirs):
                project.travellers.add(mine)
                snapshot["travellers"].append(
                    {"project_id": project.pk, "removed": theirs.pk, "kept": mine.pk}
                )
            snapshot["deleted_persons"].append(audit.snapshot(theirs, PERSON_FIELDS))
        has_head = any(p.relation == Relation.HEAD for p in kept.persons.all())
        has_spouse = any(p.relation == Relation.SPOUSE for p in kept.persons.all())
        for p in plan.moved_persons:
            role = p.relation
            if role == Relation.HEAD and has_head:
                role = Relation.SPOUSE if not has_spouse else Relation.OTHER
                has_spouse = has_spouse or role == Relation.SPOUSE
            elif role == Relation.SPOUSE and has_spouse:
                role = Relation.OTHER
            snapshot["moved_persons"].append({"id": p.pk, "relation": p.relation})
            Person.objects.filter(pk=p.pk).update(household=kept, relation=role)
        # follow-ups: an organisation following both keeps one; the kept household's referent stays
        kept_orgs = set(
            kept.followups.filter(ended_on__isnull=True).values_list("organisation_id", flat=True)
        )
        kept_has_referent = kept.followups.filter(ended_on__isnull=True, is_referent=True).exists()
        for f in FollowUp.objects.filter(household=removed, ended_on__isnull=True):
            if f.organisation_id in kept_orgs:  # one follow-up per organisation
                snapshot["followups_ended"].append({"id": f.pk, "is_referent": f.is_referent, "ended": True})
                FollowUp.objects.filter(pk=f.pk).update(
                    ended_on=timezone.localdate(), end_reason="Fusion de foyers", is_referent=False
                )
            elif f.is_referent and kept_has_referent:  # it goes on following, the kept referent stays
                snapshot["followups_ended"].append({"id": f.pk, "is_referent": True, "ended": False})
                FollowUp.objects.filter(pk=f.pk).update(is_referent=False)
        for relation in _household_relations():
            model, name = relation.related_model, relation.field.name
            rows = list(model._default_manager.filter(**{name: removed}).values_list("pk", flat=True))
            if rows:
                if relation.one_to_one and model._default_manager.filter(**{name: kept}).exists():
                    continue  # the kept household's own one (e.g. a retention notice) stays
                model._default_manager.filter(pk__in=rows).update(**{name: kept})
                snapshot["rows"][model._meta.label] = [str(pk) for pk in rows]
        for v in plan.values:
            if v["winner"] == "removed":
                setattr(kept, v["field"], v["removed"])
        Person.objects.filter(pk__in=[theirs.pk for _mine, theirs in plan.same_persons]).delete()
        removed_reference, removed_id = removed.reference, removed.pk
        audit.record(
            actor=actor.user,
            organisation=actor.organisation,
            action="household.merge",
            obj=kept,
            changes={
                "merged": removed_reference,
                "persons_moved": len(plan.moved_persons),
                "persons_merged": len(plan.same_persons),
            },
        )
        Household.objects.filter(pk=removed.pk).delete()
        persons = list(kept.persons.all())
        household_services.recompute_quotient(kept, persons)
        kept.save()
        pair.status, pair.decided_by, pair.decided_at = PairStatus.MERGED, actor.user, timezone.now()
        merge = HouseholdMerge.objects.create(
            kept=kept,
            removed_id=removed_id,
            removed_reference=removed_reference,
            pair=None,
            snapshot=snapshot,
            merged_by=actor.user,
        )
        DuplicatePair.objects.filter(pk=pair.pk).delete()  # its household is gone; the merge remembers
    return merge


def merge_undo(*, actor: Membership, merge: HouseholdMerge) -> Household:
    """Give the merged household back its people, rows and values (within ``merge_undo_days``)."""
    if not perms.can_review_duplicates(actor):
        raise NotAllowed("Votre rôle ne permet pas de traiter les doublons.")
    with transaction.atomic():
        merge = HouseholdMerge.objects.select_for_update().get(pk=merge.pk)
        if merge.undone_at is not None:
            raise DomainError("Cette fusion a déjà été annulée.")
        limit = undo_days(timezone.localdate(merge.merged_at))
        if timezone.now() - merge.merged_at > dt.timedelta(days=limit):
            raise DomainError(f"Une fusion ne peut être annulée que dans les {limit} jours.")
        kept = Household.objects.select_for_update().get(pk=merge.kept_id)
        s = merge.snapshot
        data = dict(s["household"])
        created_at = dt.datetime.fromisoformat(data.pop("created_at"))
        removed = Household.objects.create(pk=merge.removed_id, **data)
        Household.objects.filter(pk=removed.pk).update(created_at=created_at)
        for p in s["deleted_persons"]:
            Person.objects.create(
                household=removed, **{**p, "birth_date": dt.date.fromisoformat(p["birth_date"])}
            )
        for p in s["moved_persons"]:
            Person.objects.filter(pk=p["id"], household=kept).update(
                household=removed, relation=p["relation"]
            )
        for dep in s["past_departures"]:
            if "moved_to" in dep:
                PastDeparture.objects.filter(pk=dep["id"]).update(person_id=dep["person_id"])
            else:
                PastDeparture.objects.get_or_create(
                    person_id=dep["person_id"],
                    year=dep["year"],
                    scheme=dep["scheme"],
                    defaults={"project_id": dep["project_id"]},
                )
        for t in s["travellers"]:
            project = Project.objects.get(pk=t["project_id"])
            project.travellers.add(t["removed"])
            if not Project.objects.filter(pk=project.pk, travellers=t["kept"]).exists():
                continue
            project.travellers.remove(t["kept"])
        relations = {r.related_model._meta.label: r for r in _household_relations()}
        for label, pks in s["rows"].items():
            relation = relations[label]
            relation.related_model._default_manager.filter(pk__in=pks).update(
                **{relation.field.name: removed}
            )
        for f in s["followups_ended"]:
            FollowUp.objects.filter(pk=f["id"]).update(
                ended_on=None, end_reason="", is_referent=f["is_referent"]
            )
        for name, value in s["kept_before"].items():
            setattr(kept, name, value)
        for h in (kept, removed):
            persons = list(Person.objects.filter(household=h))
            household_services.recompute_quotient(h, persons)
            head = next((p for p in persons if p.relation == Relation.HEAD), None)
            h.sort_name = Person.search_key(head.first_name, head.last_name) if head else ""
            h.save()
        merge.undone_at = timezone.now()
        merge.save(update_fields=["undone_at"])
        a, b = sorted((kept.pk, removed.pk))
        DuplicatePair.objects.update_or_create(
            a_id=a,
            b_id=b,
            defaults={
                "status": PairStatus.OPEN,
                "score": 100,
                "reasons": ["fusion annulée : à examiner de nouveau"],
            },
        )
        audit.record(
            actor=actor.user,
            organisation=actor.organisation,
            action="household.merge_undo",
            obj=kept,
            changes={"restored": removed.reference},
        )
    return removed
