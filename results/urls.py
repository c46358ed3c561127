"""The results for everyone: public pages, open-data downloads, Excel reports and the JSON API.

Each concern keeps its own URL module; they share the ``results`` namespace."""

from . import urls_api, urls_downloads, urls_public, urls_workbooks

app_name = "results"

urlpatterns = [
    *urls_public.urlpatterns,
    *urls_downloads.urlpatterns,
    *urls_workbooks.urlpatterns,
    *urls_api.urlpatterns,
]
