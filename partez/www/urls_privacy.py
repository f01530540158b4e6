from django.urls import path

from .views import privacy

urlpatterns = [
    path("conservation/", privacy.retention_page, name="retention"),
    path("foyers/<int:pk>/dossier-complet/", privacy.household_file, name="household_file"),
    path("foyers/<int:pk>/anonymiser/", privacy.household_anonymise_view, name="household_anonymise"),
    path("foyers/<int:pk>/consultations/", privacy.household_readers, name="household_readers"),
]
