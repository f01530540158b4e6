"""URLs of the chèques-vacances ledger and the Fête des vacances (included from urls.py)."""

from django.urls import path

from .views import cheques, fete

urlpatterns = [
    # chèques-vacances
    path("cheques/", cheques.cheque_overview, name="cheque_overview"),
    path("cheques/export/", cheques.cheque_export, name="cheque_export"),
    path("cheques/commandes/nouvelle/", cheques.cheque_order_create, name="cheque_order_create"),
    path("cheques/attribution/", cheques.cheque_allocate, name="cheque_allocate"),
    path("cheques/preparation/", cheques.cheque_preparation, name="cheque_preparation"),
    path("cheques/preparation/<int:household_pk>/", cheques.cheque_prepare, name="cheque_prepare"),
    # the Fête des vacances
    path("fete/", fete.fete_home, name="fete_home"),
    path("fete/envoi/", fete.fete_send, name="fete_send"),
    path("fete/invitations/", fete.fete_invitations, name="fete_invitations"),
    path("fete/invitations/<int:pk>/courrier.pdf", fete.fete_letter, name="fete_letter"),
    path("fete/compteur/", fete.fete_counter, name="fete_counter"),
    path("fete/pointage/", fete.scan_choose, name="scan_choose"),
    path("fete/pointage/sw.js", fete.service_worker, name="scan_service_worker"),
    path("fete/pointage/<int:pk>/", fete.scan, name="scan"),
    path("fete/pointage/<int:pk>/pointer/", fete.scan_checkin, name="scan_checkin"),
    path("fete/pointage/<int:pk>/remettre/", fete.scan_handover, name="scan_handover"),
    path("fete/recus/<str:receipt>/", fete.fete_receipt, name="fete_receipt"),
    path("fete/r/<str:code>/", fete.fete_rsvp, name="fete_rsvp"),  # public: the household's RSVP
]
