from django.urls import path

from .views import imports

urlpatterns = [
    path("", imports.import_index, name="imports_index"),
    path("modele.xlsx", imports.import_template, name="imports_template"),
    path("<int:pk>/", imports.import_detail, name="imports_detail"),
    path("<int:pk>/lignes/<int:row>/", imports.import_row_edit, name="imports_row_edit"),
    path("<int:pk>/colonnes/", imports.import_mapping, name="imports_mapping"),
    path("<int:pk>/confirmer/", imports.import_confirm, name="imports_confirm"),
    path("<int:pk>/annuler/", imports.import_undo, name="imports_undo"),
    path("<int:pk>/rapport.xlsx", imports.import_report, name="imports_report"),
]
