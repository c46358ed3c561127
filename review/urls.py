from django.urls import path

from .views import dashboard, queries, review_page, rounds, submitting, timeline

app_name = "review"

QUESTIONNAIRE = "rounds/<slug:round_code>/countries/<str:iso3>/questionnaire/"
ROUND = "review/rounds/<slug:round_code>/"
REVIEW = "review/rounds/<slug:round_code>/countries/<str:iso3>/"
QUERY = f"{REVIEW}queries/<int:query_id>/"

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
    # The review page of one submission.
    path(REVIEW, review_page.submission_review, name="submission"),
    path(f"{REVIEW}versions/<int:number>/", review_page.submission_review, name="version"),
    path(f"{REVIEW}return/", review_page.return_submission, name="return"),
    path(f"{REVIEW}validate/", review_page.validate_submission, name="validate"),
    path(f"{REVIEW}reopen/", review_page.reopen_submission, name="reopen"),
    path(f"{REVIEW}queries/", queries.raise_query, name="raise_query"),
    path(f"{QUERY}reply/", queries.reply_query, name="reply_query"),
    path(f"{QUERY}close/", queries.close_query, name="close_query"),
    path(f"{QUERY}reopen/", queries.reopen_query, name="reopen_query"),
    path(f"{REVIEW}timeline/", timeline.submission_timeline, name="timeline"),
]
