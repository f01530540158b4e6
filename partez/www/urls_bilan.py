"""URLs of the bilan, the funder reports, the public page and the satisfaction survey."""

from django.urls import path

from .views import bilan, public, survey

urlpatterns = [
    path("bilan/", bilan.bilan_dashboard, name="bilan"),
    path("bilan/export.csv", bilan.bilan_export_csv, name="bilan_export_csv"),
    path("bilan/export-xlsx/", bilan.bilan_export_xlsx, name="bilan_export_xlsx"),
    path("bilan/rapports/", bilan.funder_reports, name="funder_reports"),
    path("bilan/rapports/<slug:slug>.pdf", bilan.funder_report_pdf, name="funder_report_pdf"),
    path("bilan/rapports/<slug:slug>.xlsx", bilan.funder_report_xlsx, name="funder_report_xlsx"),
    # public, no login: the edition's figures (small cells suppressed), map, timeline, partners
    path("operation/", public.public_current, name="bilan_public_current"),
    path("bilan-public/<int:year>/", public.public_bilan, name="bilan_public"),
    # the satisfaction survey (public: the token identifies the project)
    path("enquete/<str:token>/", survey.survey, name="survey"),
]
