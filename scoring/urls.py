from django.urls import path

from . import views

app_name = "scoring"

urlpatterns = [
    path("results/", views.index, name="index"),
    path("results/<slug:round_code>/", views.round_results, name="round"),
    path("results/<slug:round_code>/<str:iso3>/", views.country_result, name="country"),
]
