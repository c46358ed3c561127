from django.urls import path

from .views import dashboard, rounds, submitting

app_name = "review"

QUESTIONNAIRE = "rounds/<slug:round_code>/countries/<str:iso3>/questionnaire/"
ROUND = "review/rounds/<slug:round_code>/"

urlpatterns = [
    path(
        f"{QUESTIONNAIRE}submit/confirm/",
        submitting.confirm_submission,
        name="confirm_submission",
    ),
    # The analysts' dashboard and the round's page for administrators.
    path(ROUND, dashboard.dashboard, name="dashboard"),
    path(f"{ROUND}manage/", rounds.manage, name="round"),
    path(f"{ROUND}manage/dates/", rounds.change_dates, name="round_dates"),
    path(f"{ROUND}manage/deadlines/", rounds.extend_deadline, name="round_extend"),
    path(f"{ROUND}manage/exclusions/", rounds.exclude_country, name="round_exclude"),
    path(f"{ROUND}manage/<str:action>/", rounds.round_action, name="round_action"),
    # Temporary: stands in for the review page of a submission until it lands.
    path(
        f"{ROUND}countries/<str:iso3>/",
        dashboard.submission_placeholder,
        name="submission",
    ),
]
