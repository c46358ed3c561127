from django.urls import path

from . import views

app_name = "lab"

urlpatterns = [
    path("lab/", views.index, name="index"),
    path("lab/variants/new/", views.new_variant, name="new"),
    path("lab/variants/<int:pk>/", views.variant_detail, name="variant"),
    path(
        "lab/variants/<int:pk>/rounds/<slug:round_code>/",
        views.comparison,
        name="comparison",
    ),
    path(
        "lab/variants/<int:pk>/rounds/<slug:round_code>/countries/<str:iso3>/",
        views.country,
        name="country",
    ),
    path(
        "lab/variants/<int:pk>/rounds/<slug:round_code>/comparison.xlsx",
        views.comparison_workbook,
        name="comparison-workbook",
    ),
]
