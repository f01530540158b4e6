from django.urls import path

from .views import accompaniment as views

urlpatterns = [
    path("projets/<int:pk>/accompagnement/", views.project_accompaniment, name="accompaniment_project"),
    path("projets/<int:pk>/accompagnement/reperage/", views.screening, name="accompaniment_screening"),
    path("projets/<int:pk>/accompagnement/plan/", views.plan_accept, name="accompaniment_plan_accept"),
    path("projets/<int:pk>/accompagnement/etapes/", views.step_add, name="accompaniment_step_add"),
    path(
        "projets/<int:pk>/accompagnement/etapes/<int:step_pk>/",
        views.step_done,
        name="accompaniment_step_done",
    ),
    path("projets/<int:pk>/accompagnement/mobilite/", views.mobility, name="accompaniment_mobility"),
    path("projets/<int:pk>/accompagnement/apres-sejour/", views.debrief, name="accompaniment_debrief"),
    path("projets/<int:pk>/accompagnement/ateliers/", views.project_register, name="accompaniment_register"),
    path("ateliers/", views.workshop_list, name="accompaniment_workshops"),
    path("ateliers/nouveau/", views.workshop_form, name="accompaniment_workshop_create"),
    path("ateliers/<int:pk>/", views.workshop_detail, name="accompaniment_workshop"),
    path("ateliers/<int:pk>/modifier/", views.workshop_form, name="accompaniment_workshop_edit"),
    path("ateliers/<int:pk>/compte-rendu/", views.workshop_report, name="accompaniment_workshop_report"),
    path(
        "ateliers/<int:pk>/inscriptions/<int:registration_pk>/annuler/",
        views.registration_cancel,
        name="accompaniment_registration_cancel",
    ),
    path("accompagnement/questions/", views.questions, name="accompaniment_questions"),
    path("accompagnement/bilan/", views.bilan, name="accompaniment_bilan"),
]
