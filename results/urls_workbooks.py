from django.urls import path

from . import views_workbooks

urlpatterns = [
    path(
        "reports/<slug:round_code>/round-report.xlsx",
        views_workbooks.round_report,
        name="round-report",
    ),
    path(
        "reports/<slug:round_code>/<str:iso3>/country-profile.xlsx",
        views_workbooks.country_profile,
        name="country-profile",
    ),
]
