"""Data for ``bench/checkin.py``, run inside ``manage.py shell`` on the bench database: an
edition with its participating communes, the Fête (gate and stands), ``n`` households with an
invitation each, a volunteer and their API token. Writes what the bench needs as JSON."""

import datetime as dt
import json


def setup(n: int, out: str) -> None:
    from django.contrib.auth import get_user_model

    from partez.fete import services as fete_services
    from partez.fete.models import CheckinList, Invitation
    from partez.households.models import Household
    from partez.organisations.models import Membership, Organisation, Role
    from partez.organisations.services import api_token_create
    from partez.territory.models import Commune, Edition

    edition = Edition.objects.create(
        year=2025, name="Bench", starts_on=dt.date(2025, 1, 1), ends_on=dt.date(2025, 12, 31)
    )
    communes = list(Commune.objects.order_by("insee_code")[:28])
    edition.communes.add(*communes)
    org = Organisation.objects.create(name="Coordination", slug="coordination", kind="coordinator")
    users = get_user_model()
    coordinator = Membership.objects.create(
        user=users.objects.create(username="coord", email="coord@bench.invalid"),
        organisation=org,
        role=Role.COORDINATOR,
    )
    volunteer = Membership.objects.create(
        user=users.objects.create(username="benevole", email="benevole@bench.invalid"),
        organisation=org,
        role=Role.VOLUNTEER,
    )
    fete = fete_services.fete_save(
        actor=coordinator,
        edition=edition,
        data=fete_services.FeteInput(
            date=dt.date(2025, 6, 28), place="Stade", opens_at=dt.time(10), closes_at=dt.time(18)
        ),
    )
    households = Household.objects.bulk_create(
        [
            Household(
                reference=f"F-B{i:06d}", commune=communes[i % len(communes)], created_by_organisation=org
            )
            for i in range(n)
        ],
        batch_size=5000,
    )
    codes = [f"B{i:09d}" for i in range(n)]
    Invitation.objects.bulk_create(
        [
            Invitation(
                fete=fete,
                household=h,
                commune_id=h.commune_id,
                code=code,
                label=f"Foyer {i}",
                entitlements=[],
            )
            for i, (h, code) in enumerate(zip(households, codes, strict=True))
        ],
        batch_size=5000,
    )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    token = api_token_create(membership=volunteer, name="bench")[1]
    gate = CheckinList.objects.get(fete=fete, kind="gate").pk
    with open(out, "w") as f:
        json.dump({"token": token, "gate": gate, "codes": codes}, f)
