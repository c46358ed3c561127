from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from kernel.admin_read_only import ReadOnlyModelAdmin

from .models import PasswordResetRequest, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "email", "role", "assigned_to", "is_active", "last_login")
    list_filter = ("role", "is_active", "regions", "countries__sdg_region")
    search_fields = ("username", "email", "first_name", "last_name", "countries__name")
    filter_horizontal = ("countries", "regions")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
        (_("Role and assignments"), {"fields": ("role", "countries", "regions")}),
        # Staff and superuser status follow the role (see User.save).
        (_("Status"), {"fields": ("is_active",)}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "email", "role", "password1", "password2"),
            },
        ),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("countries", "regions")

    @admin.display(description=_("assigned to"))
    def assigned_to(self, user):
        if user.role == User.Role.FOCAL_POINT:
            return ", ".join(c.display_name for c in user.countries.all()) or "—"
        if user.role == User.Role.ANALYST:
            return ", ".join(r.display_name for r in user.regions.all()) or _("all countries")
        return _("everything")


@admin.register(PasswordResetRequest)
class PasswordResetRequestAdmin(ReadOnlyModelAdmin):
    """The requests counted to throttle password resets: a record, never changed."""

    list_display = ("email", "ip_address", "requested_at")
    search_fields = ("email", "ip_address")
