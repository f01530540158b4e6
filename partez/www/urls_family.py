"""URLs of the families' space (``/famille/``, no account) and of its professional side on the
household page (included from urls.py)."""

from django.urls import path

from .views import family, family_staff

urlpatterns = [
    # the family's side: a link or a code, then pages of its own household only
    path("famille/entrer/<str:token>/", family.family_enter, name="family_enter"),
    path("famille/code/", family.family_code, name="family_code"),
    path("famille/sms/", family.family_sms, name="family_sms"),
    path("famille/sortir/", family.family_leave, name="family_leave"),
    path("famille/sw.js", family.family_service_worker, name="family_service_worker"),
    path("famille/", family.family_home, name="family_home"),
    path("famille/budget/", family.family_budget, name="family_budget"),
    path("famille/papiers/", family.family_documents, name="family_documents"),
    path("famille/papiers/<int:pk>/", family.family_document, name="family_document"),
    path("famille/choix/", family.family_choices, name="family_choices"),
    path("famille/choix/<int:pk>/", family.family_answer, name="family_answer"),
    path("famille/fete/", family.family_fete, name="family_fete"),
    path("famille/recit/", family.family_story, name="family_story"),
    path("famille/recit/photos/<int:pk>/", family.family_photo, name="family_photo"),
    path("famille/rendez-vous/<int:pk>.ics", family.family_appointment, name="family_appointment"),
    # public: the stories the families agreed to publish, read by the coordination
    path("temoignages/", family.family_testimonies, name="family_testimonies"),
    path("temoignages/photos/<int:pk>/", family.family_testimony_photo, name="family_testimony_photo"),
    # the professional's side
    path("foyers/<int:pk>/famille/acces/", family_staff.family_invite, name="family_invite"),
    path(
        "foyers/<int:pk>/famille/acces/<int:access_pk>/retrait/",
        family_staff.family_revoke,
        name="family_revoke",
    ),
    path("foyers/<int:pk>/famille/propositions/", family_staff.family_propose, name="family_propose"),
    path("famille-documents/<int:pk>/", family_staff.family_staff_document, name="family_staff_document"),
    path("famille-photos/<int:pk>/", family_staff.family_staff_photo, name="family_staff_photo"),
    path("familles/recits/", family_staff.family_stories, name="family_stories"),
    path("familles/recits/<int:pk>/", family_staff.family_story_moderate, name="family_story_moderate"),
]
