from django.contrib import admin, messages
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from kernel.admin_read_only import ReadOnlyModelAdmin, ReadOnlyTabularInline
from kernel.links import link_or_text

from .instrument_cache import option_label
from .models import (
    Answer,
    AnswerChange,
    Domain,
    EvidenceFile,
    EvidenceFileRemoval,
    Item,
    QuestionnaireVersion,
    ResponseOption,
    ResponseSet,
    Round,
    Submission,
    SubmissionEvent,
    SubmissionVersion,
)
from .services.instrument import copy_version


class FrozenVersionAdminMixin:
    """Official wording and codes are read-only once a round uses the version; translations stay editable."""

    def _in_use(self, obj) -> bool:
        return obj is not None and obj.questionnaire_version().is_in_use()

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if self._in_use(obj):
            official = [f.removesuffix("_id") for f in obj.official_fields]
            readonly += [f for f in official if f not in readonly]
        return readonly

    def has_delete_permission(self, request, obj=None):
        if self._in_use(obj):
            return False
        return super().has_delete_permission(request, obj)


class DomainInline(ReadOnlyTabularInline):
    model = Domain
    fields = ("number", "sdmx_code", "name")
    show_change_link = True


@admin.register(QuestionnaireVersion)
class QuestionnaireVersionAdmin(FrozenVersionAdminMixin, admin.ModelAdmin):
    list_display = ("name", "code", "indicator", "in_use", "created_at")
    search_fields = ("name", "code")
    inlines = [DomainInline]
    actions = ["make_new_version"]

    @admin.action(description=_("Create a new, editable version from the selected version"))
    def make_new_version(self, request, queryset):
        for version in queryset:
            suffix = timezone.now().strftime("%Y%m%d%H%M%S")
            copy = copy_version(
                version=version,
                code=f"{version.code}-{suffix}"[:40],
                name=_("%(name)s (new version)") % {"name": version.name},
            )
            self.message_user(
                request,
                _("Created %(copy)s: correct its wording, then choose it for the next round.")
                % {"copy": copy.name},
                messages.SUCCESS,
            )

    @admin.display(boolean=True, description=_("used by a round"))
    def in_use(self, obj):
        return obj.is_in_use()


@admin.register(ResponseSet)
class ResponseSetAdmin(FrozenVersionAdminMixin, admin.ModelAdmin):
    list_display = ("code", "version")
    list_filter = ("version",)


@admin.register(ResponseOption)
class ResponseOptionAdmin(FrozenVersionAdminMixin, admin.ModelAdmin):
    list_display = ("code", "label", "value", "response_set", "order")
    list_filter = ("response_set__version", "response_set")
    search_fields = ("code", "label", "label_fr", "label_es")


@admin.register(Domain)
class DomainAdmin(FrozenVersionAdminMixin, admin.ModelAdmin):
    list_display = ("number", "name", "sdmx_code", "version")
    list_filter = ("version",)
    search_fields = ("name", "name_fr", "name_es", "question")


@admin.register(Item)
class ItemAdmin(FrozenVersionAdminMixin, admin.ModelAdmin):
    list_display = ("code", "text", "domain", "response_set", "version")
    list_filter = ("version", "domain__number")
    search_fields = ("code", "text", "text_fr", "text_es")
    list_select_related = ("domain", "response_set", "version")


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    """Rounds are created planned; their state changes only through the review services (the
    actions below, or the round's page, the one place that publishes)."""

    list_display = ("name", "reference_year", "version", "state", "opens_on", "closes_on")
    list_filter = ("state", "version")
    search_fields = ("name", "code")
    filter_horizontal = ("carries_forward",)
    list_select_related = ("version",)
    actions = ["open_rounds", "close_rounds"]

    def get_readonly_fields(self, request, obj=None):
        readonly = ["state"]
        if obj is not None:
            readonly.append("manage_link")
            # Answers were given to this version's wording: the round keeps it.
            if obj.submissions.exists():
                readonly.append("version")
        return readonly

    def get_fields(self, request, obj=None):
        fields = [f for f in super().get_fields(request, obj) if f != "manage_link"]
        if obj is not None:
            fields.insert(fields.index("state") + 1, "manage_link")
        return fields

    @admin.display(description=_("state changes and publication"))
    def manage_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("review:round", kwargs={"round_code": obj.code}),
            _("Manage the round (open, close, publish, dates, deadlines, exclusions)"),
        )

    def save_model(self, request, obj, form, change):
        if not change:
            # A new round starts planned, whatever was posted: opening it is an action.
            obj.state = Round.State.PLANNED
        super().save_model(request, obj, form, change)

    def _move(self, request, queryset, service, done):
        from review.services.errors import ActionRefused

        for round_ in queryset.order_by("-reference_year"):
            try:
                service(round=round_, by=request.user)
            except ActionRefused as refusal:
                self.message_user(
                    request,
                    _("%(round)s: nothing was changed. %(reason)s")
                    % {"round": round_.display_name, "reason": refusal},
                    messages.ERROR,
                )
            else:
                self.message_user(request, done % {"round": round_.display_name}, messages.SUCCESS)

    @admin.action(description=_("Open the selected rounds"))
    def open_rounds(self, request, queryset):
        from review.services.rounds import round_open

        self._move(request, queryset, round_open, _("%(round)s is open."))

    @admin.action(description=_("Close the selected rounds"))
    def close_rounds(self, request, queryset):
        from review.services.rounds import round_close

        self._move(request, queryset, round_close, _("%(round)s is closed."))


@admin.display(description=_("answer"))
def answer_label(answer):
    return option_label(answer.item, answer.option_code) or "—"


class SafeLinkMixin:
    """Shows an answer's link as a link only if it is an http(s) address (Django's own display
    would also make ftp addresses clickable)."""

    @admin.display(description=_("link"))
    def safe_link(self, answer):
        return link_or_text(answer.link)


class AnswerInline(SafeLinkMixin, ReadOnlyTabularInline):
    model = Answer
    fields = ("item", answer_label, "policy_name", "policy_year", "safe_link", "updated_by")


class SubmissionEventInline(ReadOnlyTabularInline):
    model = SubmissionEvent
    fields = ("at", "action", "from_state", "to_state", "actor", "note")


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyModelAdmin):
    """Read-only: answers and states change through the questionnaire and review workflow only."""

    list_display = ("country", "round", "state", "revision", "updated_at", "updated_by")
    list_filter = ("state", "round", "country__sdg_region")
    search_fields = ("country__name", "country__m49", "country__iso3")
    list_select_related = ("country", "round", "updated_by")
    inlines = [AnswerInline, SubmissionEventInline]


@admin.register(Answer)
class AnswerAdmin(SafeLinkMixin, ReadOnlyModelAdmin):
    """Read-only: answers change through the questionnaire, where every change is recorded."""

    fields = (
        "submission",
        "item",
        answer_label,
        "policy_name",
        "policy_year",
        "safe_link",
        "citation",
        "comment",
        "updated_at",
        "updated_by",
    )
    readonly_fields = fields

    list_display = ("submission", "item", answer_label, "policy_name", "updated_at", "updated_by")
    list_filter = ("submission__round", "item__domain__number")
    search_fields = ("submission__country__name", "item__code", "policy_name", "citation")
    list_select_related = (
        "submission__country",
        "submission__round",
        "item__version",
        "updated_by",
    )


@admin.register(SubmissionEvent)
class SubmissionEventAdmin(ReadOnlyModelAdmin):
    list_display = ("submission", "action", "from_state", "to_state", "actor", "at")
    list_filter = ("action", "submission__round")
    search_fields = ("submission__country__name",)
    list_select_related = ("submission__country", "submission__round", "actor")


@admin.register(AnswerChange)
class AnswerChangeAdmin(ReadOnlyModelAdmin):
    """The answer history: read-only, like every record of the past."""

    list_display = (
        "submission",
        "item",
        "field",
        "old",
        "new",
        "changed_by",
        "changed_at",
    )
    list_filter = ("field", "submission__round")
    search_fields = ("submission__country__name", "item__code")
    list_select_related = (
        "submission__country",
        "submission__round",
        "item__version",
        "changed_by",
    )
    exclude = ("old_value", "new_value")
    readonly_fields = ("old", "new")

    def _shown(self, change, value: str) -> str:
        if change.field == AnswerChange.Field.OPTION_CODE and change.item_id:
            return option_label(change.item, value) or "—"
        return value or "—"

    @admin.display(description=_("old value"))
    def old(self, change):
        return self._shown(change, change.old_value)

    @admin.display(description=_("new value"))
    def new(self, change):
        return self._shown(change, change.new_value)


@admin.register(SubmissionVersion)
class SubmissionVersionAdmin(ReadOnlyModelAdmin):
    """What each submission froze: never changed."""

    list_display = ("submission", "number", "submitted_by", "submitted_at", "entered_on_behalf")
    list_filter = ("submission__round", "entered_on_behalf")
    search_fields = ("submission__country__name", "content_hash")
    list_select_related = ("submission__country", "submission__round", "submitted_by")


@admin.register(EvidenceFile)
class EvidenceFileAdmin(ReadOnlyModelAdmin):
    """Files attached to the items' evidence: never changed. The bytes are offered through the
    questionnaire's download address (which checks who may see them), never the storage's own."""

    list_display = (
        "original_name",
        "submission",
        "item",
        "content_type",
        "size",
        "uploaded_by",
        "uploaded_at",
        "entered_on_behalf",
        "removed",
    )
    list_filter = ("submission__round", "content_type", "entered_on_behalf")
    search_fields = ("original_name", "sha256", "submission__country__name", "item__code")
    list_select_related = (
        "submission__country",
        "submission__round",
        "item__version",
        "uploaded_by",
        "removal",
    )
    exclude = ("file",)
    readonly_fields = ("download",)

    @admin.display(boolean=True, description=_("removed"))
    def removed(self, obj) -> bool:
        return hasattr(obj, "removal")

    @admin.display(description=_("file"))
    def download(self, obj):
        url = reverse(
            "questionnaire:evidence_file",
            kwargs={
                "round_code": obj.submission.round.code,
                "iso3": obj.submission.country.iso3,
                "key": obj.key,
            },
        )
        return format_html('<a href="{}">{}</a>', url, obj.original_name)


@admin.register(EvidenceFileRemoval)
class EvidenceFileRemovalAdmin(ReadOnlyModelAdmin):
    """Who removed an attachment from a draft, when and why: never changed."""

    list_display = ("evidence_file", "removed_by", "removed_at", "entered_on_behalf", "note")
    search_fields = ("evidence_file__original_name", "note")
    list_select_related = ("evidence_file", "removed_by")
