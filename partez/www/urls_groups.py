from django.urls import path

from .views import groups, groups_jury

urlpatterns = [
    path("groupes/", groups.group_list, name="groups_list"),
    path("groupes/nouveau/", groups.group_create, name="groups_create"),
    path("groupes/<int:pk>/", groups.group_detail, name="groups_detail"),
    path("groupes/<int:pk>/membres/", groups.member_add, name="groups_member_add"),
    path("groupes/<int:pk>/membres/<int:person>/retirer/", groups.member_remove, name="groups_member_remove"),
    path("groupes/<int:pk>/statut/", groups.group_transition, name="groups_transition"),
    path("groupes/<int:pk>/lien/", groups.group_invite, name="groups_invite"),
    path("groupes/<int:pk>/journal/", groups.group_note, name="groups_note"),
    path("groupes/<int:pk>/projet/", groups.group_project, name="groups_project"),
    path("groupes/<int:pk>/liste-ancv.xlsx", groups.ancv_list, name="groups_ancv_list"),
    path("groupes/seniors/", groups.seniors, name="groups_seniors"),
    path("mon-groupe/<str:token>/", groups.group_public, name="groups_public"),  # the young people's link
    # Sac Ados: the coordination's jury, approvals, stock, ceremonies; the hand-over on a phone
    path("groupes/jury/", groups_jury.jury_home, name="groups_jury"),
    path("groupes/jury/<int:pk>/", groups_jury.jury_session, name="groups_jury_session"),
    path("groupes/jury/<int:pk>/ordre-du-jour/", groups_jury.jury_agenda, name="groups_jury_agenda"),
    path("groupes/jury/<int:pk>/avis/<int:review>/", groups_jury.jury_decide, name="groups_jury_decide"),
    path("groupes/jury/<int:pk>/arreter/", groups_jury.jury_close, name="groups_jury_close"),
    path("groupes/jury/<int:pk>/proces-verbal.pdf", groups_jury.jury_minutes, name="groups_jury_minutes"),
    path("groupes/ceremonies/<int:pk>/", groups_jury.ceremony, name="groups_ceremony"),
    path("groupes/ceremonies/<int:pk>/assurance.xlsx", groups_jury.insurance_list, name="groups_insurance"),
    path("groupes/packs/<int:pk>/remise/", groups_jury.pack_hand_over, name="groups_pack_hand_over"),
]
