from django.urls import path

from .views import queries, review_page, submitting, timeline

app_name = "review"

QUESTIONNAIRE = "rounds/<slug:round_code>/countries/<str:iso3>/questionnaire/"
REVIEW = "review/rounds/<slug:round_code>/countries/<str:iso3>/"
QUERY = f"{REVIEW}queries/<int:query_id>/"

urlpatterns = [
    path(
        f"{QUESTIONNAIRE}submit/confirm/",
        submitting.confirm_submission,
        name="confirm_submission",
    ),
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
