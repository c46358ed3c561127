from django.contrib import admin

from kernel.admin_read_only import ReadOnlyModelAdmin

from .models import WorkbookUpload


@admin.register(WorkbookUpload)
class WorkbookUploadAdmin(ReadOnlyModelAdmin):
    list_display = ("submission", "file_name", "uploaded_by", "uploaded_at", "changed_fields")
    list_filter = ("entered_on_behalf", "language")
    search_fields = ("file_name", "file_sha256", "submission__country__name")
    list_select_related = ("submission__country", "submission__round", "uploaded_by")
