from django.urls import include, path

from .views import (
    allocation,
    dashboard,
    editions,
    funding,
    households,
    jobs,
    organisation,
    projects,
    schemes,
    simulator,
)

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("sante/", dashboard.health, name="health"),
    path("", include("partez.www.urls_account")),  # login, logout, second factor, passwords
    path("simulateur/", simulator.simulator, name="simulator"),  # public: no login, nothing stored
    # households
    path("foyers/", households.household_list, name="household_list"),
    path("foyers/nouveau/", households.household_create, name="household_create"),
    path("foyers/import/", include("partez.www.urls_imports")),
    path("foyers/doublons/", include("partez.www.urls_duplicates")),
    path("foyers/<int:pk>/", households.household_detail, name="household_detail"),
    path("foyers/<int:pk>/modifier/", households.household_edit, name="household_edit"),
    path("foyers/<int:pk>/personnes/ajouter/", households.person_add, name="person_add"),
    path("foyers/<int:pk>/personnes/<int:person_pk>/", households.person_edit, name="person_edit"),
    path("foyers/<int:pk>/departs/", households.past_departure_add, name="past_departure_add"),
    path("foyers/<int:pk>/suivi/", households.followup_add, name="followup_add"),
    path(
        "foyers/<int:pk>/suivi/<int:followup_pk>/referent/",
        households.followup_referent,
        name="followup_referent",
    ),
    path("foyers/<int:pk>/suivi/<int:followup_pk>/fin/", households.followup_end, name="followup_end"),
    path(
        "foyers/<int:pk>/consentements/<int:consent_pk>/retrait/",
        households.consent_revoke,
        name="consent_revoke",
    ),
    # projects
    path("foyers/<int:household_pk>/projets/nouveau/", projects.project_create, name="project_create"),
    path("projets/<int:pk>/", projects.project_detail, name="project_detail"),
    path("projets/<int:pk>/modifier/", projects.project_edit, name="project_edit"),
    path("projets/<int:pk>/statut/", projects.project_transition, name="project_transition"),
    path("projets/<int:pk>/journal/", projects.journal_add, name="journal_add"),
    path("projets/<int:pk>/pieces/<int:item_pk>/", projects.checklist_toggle, name="checklist_toggle"),
    # organisation
    path("organisation/changer/", organisation.switch_organisation, name="switch_organisation"),
    path("organisation/membres/", organisation.members, name="members"),
    path(
        "organisation/membres/<int:pk>/desactiver/",
        organisation.membership_deactivate,
        name="membership_deactivate",
    ),
    path("invitations/<str:token>/", organisation.invitation_accept, name="invitation_accept"),
    path("jetons/", organisation.api_tokens, name="api_tokens"),
    path("jetons/<int:pk>/revoquer/", organisation.api_token_revoke, name="api_token_revoke"),
    path("journal-audit/", organisation.audit_log, name="audit_log"),
    # editions (coordination)
    path("editions/", editions.edition_list, name="edition_list"),
    path("editions/nouvelle/", editions.edition_form, name="edition_create"),
    path("editions/<int:year>/", editions.edition_detail, name="edition_detail"),
    path("editions/<int:year>/modifier/", editions.edition_form, name="edition_edit"),
    path("editions/<int:year>/etapes/", editions.milestone_save, name="milestone_add"),
    path("editions/<int:year>/etapes/<int:pk>/", editions.milestone_save, name="milestone_edit"),
    # background jobs
    path("traitements/", jobs.job_list, name="job_list"),
    path("traitements/export-foyers/", jobs.export_households, name="export_households"),
    path("traitements/<uuid:pk>/", jobs.job_detail, name="job_detail"),
    path("traitements/<uuid:pk>/annuler/", jobs.job_cancel, name="job_cancel"),
    path("traitements/<uuid:pk>/telecharger/", jobs.job_download, name="job_download"),
    # schemes (read by every member, edited by the coordination)
    path("dispositifs/", schemes.scheme_list, name="scheme_list"),
    path("dispositifs/<slug:slug>/", schemes.scheme_detail, name="scheme_detail"),
    path("dispositifs/<slug:slug>/modifier/", schemes.scheme_edit, name="scheme_edit"),
    path("dispositifs/<slug:slug>/activation/", schemes.scheme_activation, name="scheme_activation"),
    path(
        "dispositifs/<slug:slug>/valeurs/<str:name>/ajouter/",
        schemes.scheme_value_add,
        name="scheme_value_add",
    ),
    path(
        "dispositifs/<slug:slug>/valeurs/<str:name>/<str:start>/",
        schemes.scheme_value_edit,
        name="scheme_value_edit",
    ),
    path(
        "dispositifs/<slug:slug>/valeurs/<str:name>/<str:start>/supprimer/",
        schemes.scheme_value_delete,
        name="scheme_value_delete",
    ),
    # funding: envelopes (coordination, funders) and the plan chosen on a project
    path("financements/", funding.envelope_list, name="envelope_list"),
    path("financements/repartition/", allocation.allocation_index, name="allocation_index"),
    path("financements/repartition/<int:pk>/", allocation.allocation_detail, name="allocation_detail"),
    path(
        "financements/repartition/<int:pk>/appliquer/", allocation.allocation_apply, name="allocation_apply"
    ),
    path("financements/export/", funding.envelope_export, name="envelope_export"),
    path("financements/nouvelle/", funding.envelope_form, name="envelope_create"),
    path("financements/<int:pk>/", funding.envelope_detail, name="envelope_detail"),
    path("financements/<int:pk>/modifier/", funding.envelope_form, name="envelope_edit"),
    path("financements/<int:pk>/quotas/", funding.quota_save, name="quota_save"),
    path("projets/<int:pk>/plan/", funding.plan_choose, name="plan_choose"),
    # séjour commun (camping week planner)
    path("", include("partez.www.urls_camping")),
    path("", include("partez.www.urls_bilan")),
    path("", include("partez.www.urls_fete")),  # chèques-vacances and the Fête des vacances
    path("", include("partez.www.urls_privacy")),  # retention, right of access and erasure, readers
    path("", include("partez.www.urls_attendance")),  # check-in at a door: trainings, workshops, ceremonies
    path("", include("partez.www.urls_accompaniment")),  # screening, plan of steps, workshops for families
]
