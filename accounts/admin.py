"""People in the admin: invited (never given a password by someone else), changed through
``accounts.services`` so every change of role, assignments, activation or language is recorded,
deactivated with a reason, and imported in bulk from a file after a dry run."""

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext_lazy as _

from geography.models import Region
from kernel.admin_read_only import ReadOnlyModelAdmin, ReadOnlyTabularInline
from kernel.messages import translate_when_shown
from policyindex import access

from . import bulk_import, services
from .forms import (
    DeactivateForm,
    ImportConfirmForm,
    ImportUploadForm,
    InviteForm,
    ManagedUserChangeForm,
)
from .models import LANGUAGE_CHOICES, PasswordResetRequest, User, UserChange

# Saved by the form as they are; the role, assignments, activation and language go through
# services.change_user, which records them.
PLAIN_FIELDS = ("username", "first_name", "last_name", "email")


def site_url(request) -> str:
    return request.build_absolute_uri("/")


def value_label(change: UserChange, value: str) -> str:
    """A recorded value as words in the page's language (a role or language by its name)."""
    if value == "":
        return "—"
    if change.field == UserChange.Field.ROLE and value in User.Role.values:
        return User.Role(value).label
    if change.field == UserChange.Field.IS_ACTIVE:
        return gettext("active") if value == "true" else gettext("deactivated")
    if change.field == UserChange.Field.PREFERRED_LANGUAGE:
        return dict(LANGUAGE_CHOICES).get(value, value)
    return value


class UserChangeDisplay:
    @admin.display(description=_("before"))
    def before(self, change):
        return value_label(change, change.old_value)

    @admin.display(description=_("after"))
    def after(self, change):
        return value_label(change, change.new_value)


class UserChangeInline(UserChangeDisplay, ReadOnlyTabularInline):
    model = UserChange
    fk_name = "user"
    fields = ("changed_at", "field", "before", "after", "changed_by", "reason")
    verbose_name_plural = _("history of changes")
    ordering = ("-changed_at", "-pk")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = ManagedUserChangeForm
    add_form = InviteForm
    change_list_template = "admin/accounts/user/change_list.html"
    list_display = ("username", "email", "role", "assigned_to", "is_active", "last_login")
    list_filter = ("role", "is_active", "regions", "countries__sdg_region")
    search_fields = ("username", "email", "first_name", "last_name", "countries__name")
    filter_horizontal = ("countries", "regions")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (
            _("Personal info"),
            {"fields": ("first_name", "last_name", "email", "preferred_language")},
        ),
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
                "description": _(
                    "The person receives an e-mail, in their preferred language, with a link to "
                    "choose their own password."
                ),
                "fields": ("email", "first_name", "last_name", "preferred_language"),
            },
        ),
        (_("Role and assignments"), {"fields": ("role", "countries", "regions")}),
    )
    actions = ("deactivate_selected", "send_invitation_again")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("countries", "regions")

    def get_inlines(self, request, obj):
        return [UserChangeInline] if obj is not None else []

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "regions":
            # An analyst works on places: a UN grouping (LDCs, SIDS...) is an aggregate only.
            kwargs["queryset"] = Region.objects.exclude(kind=Region.Kind.GROUPING)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.by = request.user
        return form

    def has_delete_permission(self, request, obj=None):
        # People are deactivated, never deleted: the records of the past name them.
        return False

    def has_module_permission(self, request):
        return access.can_manage_people(request.user)

    def has_view_permission(self, request, obj=None):
        return access.can_manage_people(request.user)

    def has_add_permission(self, request):
        return access.can_manage_people(request.user)

    def has_change_permission(self, request, obj=None):
        return access.can_manage_people(request.user)

    @admin.display(description=_("assigned to"))
    def assigned_to(self, user):
        if user.role == User.Role.FOCAL_POINT:
            return ", ".join(c.display_name for c in user.countries.all()) or "—"
        if user.role == User.Role.ANALYST:
            return ", ".join(r.display_name for r in user.regions.all()) or _("all countries")
        return _("everything")

    # -------------------------------------------------------------- saving through the services

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if not change:
            user = services.invite_user(
                by=request.user,
                email=data["email"],
                first_name=data.get("first_name", ""),
                last_name=data.get("last_name", ""),
                role=data["role"],
                countries=data.get("countries") or (),
                regions=data.get("regions") or (),
                preferred_language=data["preferred_language"],
                site_url=site_url(request),
            )
            # The admin goes on with the object it built: make it the invited person.
            obj.__dict__.update({k: v for k, v in user.__dict__.items() if not k.startswith("_")})
            obj._state.adding, obj._state.db = False, user._state.db
            messages.success(
                request,
                translate_when_shown(
                    gettext_lazy("An invitation will be sent to %(email)s."), email=user.email
                ),
            )
            return
        plain = [name for name in PLAIN_FIELDS if name in form.changed_data]
        if plain:
            obj.save(update_fields=plain)
        audited = {
            name: data[name]
            for name in ("role", "countries", "regions", "is_active", "preferred_language")
            if name in data
        }
        services.change_user(by=request.user, user=obj, **audited)

    def save_related(self, request, form, formsets, change):
        # The countries and regions were saved (and recorded) by the service, not by the form.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    # -------------------------------------------------------------- actions

    @admin.action(description=_("Deactivate the selected people…"))
    def deactivate_selected(self, request, queryset):
        if not access.can_manage_people(request.user):
            raise PermissionDenied
        form = DeactivateForm(request.POST if "deactivate" in request.POST else None)
        if form.is_bound and form.is_valid():
            done, refused = 0, []
            for user in queryset.filter(is_active=True):
                try:
                    services.deactivate_user(
                        by=request.user, user=user, reason=form.cleaned_data["reason"]
                    )
                    done += 1
                except ValidationError as error:
                    refused.extend(error.messages)
            for message in refused:
                self.message_user(request, message, messages.ERROR)
            if done:
                self.message_user(
                    request,
                    translate_when_shown(
                        gettext_lazy("People deactivated: %(count)s."), count=done
                    ),
                    messages.SUCCESS,
                )
            return None
        return TemplateResponse(
            request,
            "admin/accounts/user/deactivate.html",
            {
                **self.admin_site.each_context(request),
                "title": gettext("Deactivate people"),
                "opts": self.model._meta,
                "people": queryset,
                "form": form,
                "action_checkbox_name": ACTION_CHECKBOX_NAME,
                "selected": [str(pk) for pk in queryset.values_list("pk", flat=True)],
            },
        )

    @admin.action(description=_("Send the invitation again"))
    def send_invitation_again(self, request, queryset):
        sent = 0
        for user in queryset:
            try:
                services.resend_invitation(by=request.user, user=user, site_url=site_url(request))
                sent += 1
            except ValidationError as error:
                for message in error.messages:
                    self.message_user(request, message, messages.WARNING)
        if sent:
            self.message_user(
                request,
                translate_when_shown(
                    gettext_lazy("Invitations sent again: %(count)s."), count=sent
                ),
                messages.SUCCESS,
            )

    # -------------------------------------------------------------- bulk import

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="accounts_user_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request):
        if not access.can_manage_people(request.user):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Import focal points"),
            "opts": self.model._meta,
            "max_rows": bulk_import.MAX_ROWS,
        }
        upload = ImportUploadForm()
        status = 200
        if request.method == "POST" and "confirm" in request.POST:
            confirm = ImportConfirmForm(request.POST, by=request.user)
            if not confirm.is_valid():
                context["errors"] = confirm.errors["data"]
                return self._import_page(request, context, upload=upload, status=400)
            filename, content = confirm.cleaned_data["data"]
            try:
                plan = bulk_import.apply_import(
                    by=request.user,
                    filename=filename,
                    content=content,
                    site_url=site_url(request),
                )
            except bulk_import.ImportFileError as error:
                context["errors"] = [str(error)]
                return self._import_page(request, context, upload=upload, status=400)
            except bulk_import.ImportRefused as refused:
                context.update(plan=refused.plan, filename=filename, errors=[str(refused)])
                return self._import_page(request, context, upload=upload, status=409)
            except ValidationError as error:
                context["errors"] = error.messages
                return self._import_page(request, context, upload=upload, status=409)
            self.message_user(
                request,
                translate_when_shown(
                    gettext_lazy(
                        "Import done: %(invited)s focal points invited, %(updated)s given new "
                        "countries."
                    ),
                    invited=len(plan.creates),
                    updated=len(plan.updates),
                ),
                messages.SUCCESS,
            )
            return HttpResponseRedirect(reverse("admin:accounts_user_changelist"))
        if request.method == "POST":
            upload = ImportUploadForm(request.POST, request.FILES)
            if upload.is_valid():
                file = upload.cleaned_data["file"]
                if file.size > bulk_import.MAX_BYTES:
                    upload.add_error(
                        "file",
                        gettext(
                            "The file is too large: at most %(size)s KB can be imported at once."
                        )
                        % {"size": bulk_import.MAX_BYTES // 1024},
                    )
                else:
                    content = file.read()
                    try:
                        plan = bulk_import.plan_import(filename=file.name, content=content)
                    except bulk_import.ImportFileError as error:
                        upload.add_error("file", str(error))
                    else:
                        context.update(plan=plan, filename=file.name)
                        if plan.can_apply:
                            context["confirm"] = ImportConfirmForm.for_file(
                                by=request.user, filename=file.name, content=content
                            )
            if upload.errors:
                status = 400
        return self._import_page(request, context, upload=upload, status=status)

    def _import_page(self, request, context, *, upload, status):
        return TemplateResponse(
            request,
            "admin/accounts/user/import.html",
            {**context, "upload": upload},
            status=status,
        )


@admin.register(UserChange)
class UserChangeAdmin(UserChangeDisplay, ReadOnlyModelAdmin):
    """Who changed whose role, assignments, activation or language, and invitations: a record."""

    list_display = ("changed_at", "user", "field", "before", "after", "changed_by", "reason")
    list_filter = ("field",)
    search_fields = ("user__username", "user__email", "changed_by__username", "reason")
    list_select_related = ("user", "changed_by")
    date_hierarchy = "changed_at"


@admin.register(PasswordResetRequest)
class PasswordResetRequestAdmin(ReadOnlyModelAdmin):
    """The requests counted to throttle password resets: a record, never changed."""

    list_display = ("email", "ip_address", "requested_at")
    search_fields = ("email", "ip_address")
