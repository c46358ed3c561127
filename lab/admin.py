from django.contrib import admin

from kernel.admin_read_only import ReadOnlyModelAdmin

from .models import Variant


@admin.register(Variant)
class VariantAdmin(ReadOnlyModelAdmin):
    list_display = ("name", "created_by", "created_at", "based_on")
    search_fields = ("name", "reason")
    list_select_related = ("created_by",)
