from django.urls import path

from . import views

app_name = "offline"

QUESTIONNAIRE = "rounds/<slug:round_code>/countries/<str:iso3>/questionnaire/"

urlpatterns = [
    path(f"{QUESTIONNAIRE}workbook.xlsx", views.download_workbook, name="download"),
    path(f"{QUESTIONNAIRE}upload/", views.upload_workbook, name="upload"),
    path(f"{QUESTIONNAIRE}upload/<str:token>/", views.review_upload, name="review"),
]
