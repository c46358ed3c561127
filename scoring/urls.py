from django.urls import path

from . import views, views_imports

app_name = "scoring"

urlpatterns = [
    path("results/", views.index, name="index"),
    path("results/<slug:round_code>/", views.round_results, name="round"),
    path("results/<slug:round_code>/<str:iso3>/", views.country_result, name="country"),
    path("manage/imports/", views_imports.upload, name="import"),
    path("manage/imports/confirm/", views_imports.confirm, name="import-confirm"),
]
