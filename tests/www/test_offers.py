"""The offers pages: the catalogue's filters and its query budget, an option posted from an
offer's page (errors on the field), the bookings list, the letter, arrivals, the matching review."""

import pytest
from django.urls import reverse

from partez.core.audit import AccessLog
from partez.offers import services
from partez.offers.models import Booking, BookingStatus, Offer, OfferKind, UnitKind
from tests.conftest import force_login_verified
from tests.factories.offers import catalogue

pytestmark = pytest.mark.django_db


@pytest.fixture
def c():
    return catalogue()


def logged(client, m):
    force_login_verified(client, m.user)
    return client


def test_the_catalogue_finds_an_offer_without_a_car_in_august_for_5(client, c):
    logged(client, c.lens)
    page = client.get(reverse("offers_catalogue"), {"month": 8, "beds": 5, "without_car": "on"})
    text = page.content.decode()
    assert page.status_code == 200
    assert "2 offres" in text and "Village de la Dune" in text and "Gîtes du Bocage" not in text


def test_the_catalogue_costs_a_fixed_number_of_queries(client, c, django_assert_max_num_queries):
    for i in range(40):
        Offer.objects.create(
            reference=f"H-Q{i}", kind=OfferKind.DONATED, site=c.bocage if i % 2 else c.dune, period=c.august,
            unit_kind=UnitKind.GITE, beds=4 + i % 4,
        )  # fmt: skip
    logged(client, c.lens)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("offers_catalogue")).status_code == 200


def test_an_option_from_the_offers_page_then_confirm_and_print_the_letter(client, c):
    logged(client, c.lens)
    household = c.household(c.lens, 3)
    url = reverse("offers_detail", args=[c.offers["D1"].pk])
    wrong = client.post(url, {"household": "F-INCONNU", "nonce": "n" * 32})
    assert "Aucun foyer suivi par votre structure" in wrong.content.decode()
    done = client.post(url, {"household": household.reference.lower(), "nonce": "n" * 32})
    assert done.status_code == 302 and done.url == reverse("offers_bookings")
    booking = Booking.objects.get()
    listing = client.get(reverse("offers_bookings")).content.decode()
    assert booking.reference in listing and "Confirmer" in listing
    client.post(reverse("offers_booking_confirm", args=[booking.pk]))
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    letter = client.get(reverse("offers_letter", args=[booking.pk]))
    assert "Confirmation de votre séjour" in letter.content.decode() and "gratuit" in letter.content.decode()
    assert AccessLog.objects.filter(action="read.booking_letter").exists()


def test_a_full_site_says_so_on_the_offers_page(client, c):
    for key, porteur in (("D1", c.lens), ("D2", c.lievin)):
        services.booking_create(actor=porteur, offer=c.offers[key], household=c.household(porteur, 2))
    logged(client, c.lens)
    text = client.get(reverse("offers_detail", args=[c.offers["D3"].pk])).content.decode()
    assert "limite de mixité sociale" in text and "Poser une option" not in text


def test_the_host_sees_who_arrives_and_reports_an_arrival(client, c):
    booking, _ = services.booking_create(actor=c.lens, offer=c.offers["D1"], household=c.household(c.lens, 4))
    services.booking_confirm(actor=c.lens, booking=booking)
    logged(client, c.host)
    text = client.get(reverse("offers_arrivals")).content.decode()
    assert booking.reference in text and "4 personnes" in text and booking.household.reference not in text
    client.post(reverse("offers_arrival", args=[booking.pk]), {"arrived": "1"})
    booking.refresh_from_db()
    assert booking.status == BookingStatus.ARRIVED


def test_the_host_creates_an_offer_with_errors_shown_on_the_fields(client, c):
    logged(client, c.host)
    url = reverse("offers_create")
    page = client.post(
        url,
        {
            "kind": "bsv",
            "site": c.dune.pk,
            "period": c.july.pk,
            "unit_kind": "chalet",
            "beds": 4,
            "public_price": "300",
        },
    )
    assert "Une offre BSV a un prix solidaire" in page.content.decode()
    done = client.post(
        url,
        {
            **{
                "kind": "bsv",
                "site": c.dune.pk,
                "period": c.july.pk,
                "unit_kind": "chalet",
                "beds": 4,
                "public_price": "300",
            },
            "solidarity_price": "120",
        },
    )
    assert done.status_code == 302
    assert Offer.objects.filter(solidarity_price_cents=12_000, public_price_cents=30_000).exists()


def test_a_porteur_says_what_a_waiting_family_needs(client, c):
    from partez.offers.models import Candidate
    from tests.factories.offers import asking_project

    project = asking_project(c, c.lens, 4)
    logged(client, c.lens)
    listing = client.get(reverse("offers_bookings")).content.decode()
    assert f"Projet {project.reference}" in listing and "Préciser la demande" in listing
    url = reverse("offers_candidate", args=[project.pk])
    empty = client.post(url, {"has_car": "on"})
    assert (
        "Choisissez au moins une période" in empty.content.decode() or "obligatoire" in empty.content.decode()
    )
    done = client.post(url, {"periods": [c.august.pk, c.july.pk], "excluded_sites": [c.bocage.pk]})
    assert done.status_code == 302
    candidate = Candidate.objects.get(project=project)
    assert candidate.people == 4 and not candidate.has_car and candidate.first_departure
    assert set(candidate.periods.all()) == {c.august, c.july} and list(candidate.excluded_sites.all()) == [
        c.bocage
    ]


def test_import_shows_the_preview_then_imports_the_valid_lines(client, c):
    from django.core.files.uploadedfile import SimpleUploadedFile

    logged(client, c.host)
    url = reverse("offers_import")
    body = "type;site;commune;departement;periode;hebergement;lits\ndon;Gîtes Neufs;Fruges;62;ete-aout;gîte;6\ndon;X;Y;62;inconnue;gîte;6\n"
    page = client.post(url, {"file": SimpleUploadedFile("offres.csv", body.encode(), "text/csv")})
    text = page.content.decode()
    assert "1 ligne valide sur 2" in text and "Période inconnue" in text
    assert not Offer.objects.filter(site__name="Gîtes Neufs").exists()
    done = client.post(url, {"action": "import"})
    assert done.status_code == 302
    assert Offer.objects.filter(site__name="Gîtes Neufs", beds=6).count() == 1


def test_the_bilan_counts_offers_booked_used_and_the_value_of_donated_weeks(
    client, c, django_assert_max_num_queries
):
    booking, _ = services.booking_create(actor=c.lens, offer=c.offers["D1"], household=c.household(c.lens, 4))
    services.booking_confirm(actor=c.lens, booking=booking)
    services.booking_arrival(actor=c.host, booking=booking, arrived=True)
    services.booking_create(actor=c.lens, offer=c.offers["J1"], household=c.household(c.lens, 2))
    logged(client, c.host)  # the host's own offers: the foundation's report is this page
    with django_assert_max_num_queries(10):
        page = client.get(reverse("offers_report"))
    figures = {f.kind: f for f in page.context["figures"]}
    assert (figures["donated"].offers, figures["donated"].booked, figures["donated"].used) == (4, 1, 1)
    assert figures["donated"].public_value_cents == 60_000 and figures["donated"].people == 4
    assert (figures["bsv"].booked, figures["bsv"].used, figures["bsv"].aid_cents) == (1, 0, 0)
    assert "600,00" in page.content.decode()


def test_a_host_adds_a_site_then_offers_on_it(client, c):
    from partez.offers.models import Site

    logged(client, c.host)
    url = reverse("offers_site_create")
    bad = client.post(url, {"name": "Village de la Dune", "commune": "Berck", "department": "P-C"})
    text = bad.content.decode()
    assert "Un site de ce nom existe déjà" in text and "Département inconnu" in text
    done = client.post(
        url, {"name": "Les Pins", "commune": "Quend", "department": "80", "reachable_without_car": "on"}
    )
    assert done.status_code == 302
    site = Site.objects.get(name="Les Pins")
    assert site.host == c.host_org and site.reachable_without_car
    assert client.get(reverse("offers_site_edit", args=[site.pk])).status_code == 200
    logged(client, c.coordination)
    assert client.get(reverse("offers_site_edit", args=[site.pk])).status_code == 200


def test_the_porteur_sees_and_answers_the_proposals_for_its_families(client, c):
    from partez.offers import matching_jobs
    from partez.offers.models import Decision, MatchRun
    from tests.factories.offers import asking_project

    project = asking_project(c, c.lens, 3)
    services.candidate_save(
        actor=c.lens, project=project, data=services.CandidateInput(period_ids=[c.august.pk])
    )
    matching_jobs.matching_start(actor=c.coordination, edition=c.edition)
    proposal = MatchRun.objects.get().proposals.get()
    logged(client, c.lens)
    text = client.get(reverse("offers_bookings")).content.decode()
    assert "Offres proposées à vos familles" in text and proposal.offer.site.name in text
    done = client.post(reverse("offers_proposal_decide", args=[proposal.pk]), {"decision": "accept"})
    assert done.status_code == 302 and done.url == reverse("offers_bookings")
    proposal.refresh_from_db()
    assert proposal.decision == Decision.ACCEPTED
    logged(client, c.lievin)
    assert (
        client.post(reverse("offers_proposal_decide", args=[proposal.pk]), {"decision": "accept"}).status_code
        == 404
    )
