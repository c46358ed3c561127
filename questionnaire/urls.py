from django.urls import path

from . import views

app_name = "questionnaire"

urlpatterns = [
    path("countries/<str:iso3>/", views.country_detail, name="country"),
    path(
        "rounds/<slug:round_code>/countries/<str:iso3>/questionnaire/",
        views.fill,
        name="fill",
    ),
    path(
        "rounds/<slug:round_code>/countries/<str:iso3>/questionnaire/items/<str:item_code>/history/",
        views.item_history,
        name="item_history",
    ),
]
