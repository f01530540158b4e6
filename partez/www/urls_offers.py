"""URLs of the hosting offers (included from ``urls.py``)."""

from django.urls import path

from .views import offers

urlpatterns = [
    path("offres/", offers.catalogue, name="offers_catalogue"),
    path("offres/nouvelle/", offers.offer_form, name="offers_create"),
    path("offres/import/", offers.offers_import, name="offers_import"),
    path("offres/sites/nouveau/", offers.site_form, name="offers_site_create"),
    path("offres/sites/<int:pk>/modifier/", offers.site_form, name="offers_site_edit"),
    path("offres/bilan/", offers.offers_report, name="offers_report"),
    path("offres/<int:pk>/", offers.offer_detail, name="offers_detail"),
    path("offres/<int:pk>/modifier/", offers.offer_form, name="offers_edit"),
    path("offres/reservations/", offers.bookings, name="offers_bookings"),
    path("offres/reservations/<int:pk>/confirmer/", offers.booking_confirm, name="offers_booking_confirm"),
    path("offres/reservations/<int:pk>/liberer/", offers.booking_release, name="offers_booking_release"),
    path("offres/reservations/<int:pk>/lettre/", offers.booking_letter, name="offers_letter"),
    path("offres/demandes/<int:pk>/", offers.candidate, name="offers_candidate"),
    path("offres/arrivees/", offers.arrivals, name="offers_arrivals"),
    path("offres/arrivees/<int:pk>/", offers.arrival, name="offers_arrival"),
    path("offres/attribution/", offers.matching, name="offers_matching"),
    path("offres/attribution/<int:pk>/", offers.matching_detail, name="offers_matching_detail"),
    path("offres/attribution/<int:pk>/appliquer/", offers.matching_apply, name="offers_matching_apply"),
    path("offres/attribution/propositions/<int:pk>/", offers.proposal_decide, name="offers_proposal_decide"),
]
