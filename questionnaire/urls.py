from django.urls import path

from . import views

app_name = "questionnaire"

urlpatterns = [
    path("countries/<str:iso3>/", views.country_detail, name="country"),
]
