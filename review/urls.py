from django.urls import path

from .views import submitting

app_name = "review"

QUESTIONNAIRE = "rounds/<slug:round_code>/countries/<str:iso3>/questionnaire/"

urlpatterns = [
    path(
        f"{QUESTIONNAIRE}submit/confirm/",
        submitting.confirm_submission,
        name="confirm_submission",
    ),
]
