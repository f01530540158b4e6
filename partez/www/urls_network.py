"""The network of local actors: trainings, events (the colloque), the library, the directory, news."""

from django.urls import path

from .views import network, network_library

urlpatterns = [
    path("reseau/formations/", network.network_trainings, name="network_trainings"),
    path("reseau/formations/nouvelle/", network.network_training_create, name="network_training_create"),
    path("reseau/formations/formes/", network.network_trained, name="network_trained"),
    path("reseau/sessions/nouvelle/", network.network_session_create, name="network_session_create"),
    path("reseau/sessions/<int:pk>/", network.network_session, name="network_session"),
    path(
        "reseau/sessions/<int:pk>/annulation/", network.network_session_cancel, name="network_session_cancel"
    ),
    path("reseau/sessions/<int:pk>/inscription/", network.network_register, name="network_register"),
    path("reseau/inscriptions/<int:pk>/annuler/", network.network_cancel, name="network_cancel"),
    path(
        "reseau/inscriptions/<int:pk>/attestation/", network.network_certificate, name="network_certificate"
    ),
    path("reseau/inscriptions/<int:pk>/evaluation/", network.network_evaluation, name="network_evaluation"),
    path("reseau/evenements/", network.network_events, name="network_events"),
    path("reseau/evenements/nouveau/", network.network_event_create, name="network_event_create"),
    path("reseau/evenements/<int:pk>/", network.network_event, name="network_event"),
    path(
        "reseau/evenements/<int:pk>/inscription/",
        network.network_event_register,
        name="network_event_register",
    ),
    path(
        "reseau/evenements/<int:pk>/programme/", network.network_programme_add, name="network_programme_add"
    ),
    path("evenements/<slug:slug>/", network.network_event_public, name="network_event_public"),  # public
    path("ressources/", network_library.network_resources, name="network_resources"),  # public part
    path("ressources/nouvelle/", network_library.network_resource_create, name="network_resource_create"),
    path("ressources/<int:pk>/", network_library.network_resource, name="network_resource"),
    path(
        "ressources/<int:pk>/v<int:number>/",
        network_library.network_resource_download,
        name="network_resource_download",
    ),
    path(
        "ressources/<int:pk>/version/",
        network_library.network_resource_version,
        name="network_resource_version",
    ),
    path(
        "ressources/<int:pk>/validation/",
        network_library.network_resource_validate,
        name="network_resource_validate",
    ),
    path(
        "ressources/fiches-pratiques/",
        network_library.network_practice_publish,
        name="network_practice_publish",
    ),
    path("reseau/annuaire/", network_library.network_directory, name="network_directory"),
    path("reseau/mon-profil/", network_library.network_profile, name="network_profile"),
    path("reseau/annonces/", network_library.network_announcements, name="network_announcements"),
    path(
        "reseau/annonces/nouvelle/",
        network_library.network_announcement_create,
        name="network_announcement_create",
    ),
    path(
        "reseau/annonces/<int:pk>/lue/",
        network_library.network_announcement_read,
        name="network_announcement_read",
    ),
]
