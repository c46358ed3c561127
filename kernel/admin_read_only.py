"""Admin classes for records that change only through the workflow, or never: shown, not edited."""

from django.contrib import admin


class ReadOnlyPermissions:
    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyModelAdmin(ReadOnlyPermissions, admin.ModelAdmin):
    pass


class ReadOnlyTabularInline(ReadOnlyPermissions, admin.TabularInline):
    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields
