from django.urls import path

from . import views_public

urlpatterns = [
    path("published/", views_public.rounds_page, name="rounds"),
    # Before the round pattern, so that "countries" is never read as a round code.
    path("published/countries/<str:iso3>/", views_public.country_page, name="country"),
    path("published/<slug:round_code>/", views_public.round_page, name="round"),
]
