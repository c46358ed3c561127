from django.urls import path

from . import views, views_evidence, views_print

app_name = "questionnaire"

QUESTIONNAIRE = "rounds/<slug:round_code>/countries/<str:iso3>/questionnaire/"

urlpatterns = [
    path("countries/<str:iso3>/", views.country_detail, name="country"),
    path(QUESTIONNAIRE, views.fill, name="fill"),
    path(f"{QUESTIONNAIRE}previous/", views.start_from_previous, name="start_from_previous"),
    path(f"{QUESTIONNAIRE}save/", views.save, name="save"),
    path(f"{QUESTIONNAIRE}submit/", views.submit_for_review, name="submit"),
    path(
        f"{QUESTIONNAIRE}items/<str:item_code>/history/",
        views.item_history,
        name="item_history",
    ),
    path(f"{QUESTIONNAIRE}print/", views_print.print_view, name="print"),
    path(
        f"{QUESTIONNAIRE}print/version/<int:number>.pdf",
        views_print.print_pdf,
        name="print_pdf",
    ),
    path(f"{QUESTIONNAIRE}files/", views_evidence.attach_files, name="attach_evidence_files"),
    path(
        f"{QUESTIONNAIRE}files/<uuid:key>/",
        views_evidence.download_file,
        name="evidence_file",
    ),
    path(
        f"{QUESTIONNAIRE}files/<uuid:key>/remove/",
        views_evidence.remove_file,
        name="remove_evidence_file",
    ),
]
