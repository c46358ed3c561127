from django.urls import path

from . import views_downloads

urlpatterns = [
    path(
        "published/countries/<str:iso3>/download/<slug:fmt>/",
        views_downloads.country_download,
        name="country-download",
    ),
    path(
        "published/<slug:round_code>/download/<slug:fmt>/",
        views_downloads.round_download,
        name="download",
    ),
]
