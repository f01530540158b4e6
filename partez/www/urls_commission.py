"""URLs of the commission: the screen, decisions (one, or a batch), sessions and their minutes."""

from django.urls import path

from .views import commission

urlpatterns = [
    path("commission/", commission.commission_index, name="commission_index"),
    path("commission/lot/", commission.commission_batch, name="commission_batch"),
    path("commission/projets/<int:pk>/decision/", commission.commission_decide, name="commission_decide"),
    path("commission/seances/ouvrir/", commission.commission_session_open, name="commission_session_open"),
    path("commission/seances/<int:pk>/", commission.commission_session, name="commission_session"),
    path(
        "commission/seances/<int:pk>/cloture/",
        commission.commission_session_close,
        name="commission_session_close",
    ),
    path(
        "commission/seances/<int:pk>/proces-verbal.pdf",
        commission.commission_minutes,
        name="commission_minutes",
    ),
]
