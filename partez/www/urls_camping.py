"""URLs of the séjour commun (included from ``urls.py``)."""

from django.urls import path

from .views import camping

urlpatterns = [
    path("sejour-commun/", camping.board, name="camping_board"),
    path("sejour-commun/planifier/", camping.plan_start, name="camping_plan"),
    path("sejour-commun/reglages/", camping.settings, name="camping_settings"),
    path("sejour-commun/foyers/synchroniser/", camping.participants_sync, name="camping_sync"),
    path("sejour-commun/foyers/<int:pk>/", camping.participant_detail, name="camping_participant"),
    path("sejour-commun/foyers/<int:pk>/deplacer/", camping.participant_move, name="camping_move"),
    path("sejour-commun/foyers/<int:pk>/verrou/", camping.participant_lock, name="camping_lock"),
    path("sejour-commun/foyers/<int:pk>/annuler/", camping.participant_cancel, name="camping_cancel"),
    path("sejour-commun/foyers/<int:pk>/convocation.pdf", camping.letter_download, name="camping_letter"),
    path(
        "sejour-commun/semaines/<int:pk>/liste.<str:ext>",
        camping.roster_download,
        name="camping_roster",
    ),
    path("sejour-commun/cars/<int:pk>/liste.<str:ext>", camping.trip_download, name="camping_trip"),
    path("sejour-commun/documents/", camping.documents_start, name="camping_documents"),
]
