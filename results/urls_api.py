from django.urls import path

from . import views_api

urlpatterns = [
    path("api/", views_api.docs, name="api-docs"),
    path("api/v1/", views_api.index, name="api-index"),
    path("api/v1/openapi.json", views_api.openapi, name="api-openapi"),
    path("api/v1/rounds/", views_api.rounds, name="api-rounds"),
    path("api/v1/rounds/<slug:round_code>/", views_api.round_detail, name="api-round"),
    path(
        "api/v1/rounds/<slug:round_code>/countries/",
        views_api.round_countries,
        name="api-round-countries",
    ),
    path(
        "api/v1/rounds/<slug:round_code>/aggregates/",
        views_api.round_aggregates,
        name="api-round-aggregates",
    ),
    path("api/v1/countries/", views_api.countries, name="api-countries"),
    path("api/v1/countries/<str:iso3>/", views_api.country_detail, name="api-country"),
]
