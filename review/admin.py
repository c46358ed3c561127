"""Review records are history: the admin shows them; changes go through the review pages."""

from django.contrib import admin

from kernel.admin_read_only import ReadOnlyModelAdmin, ReadOnlyTabularInline

from .models import (
    DeadlineExtension,
    OutgoingMail,
    PublicationExclusion,
    Query,
    QueryMessage,
    Reminder,
    RoundEvent,
)


class QueryMessageInline(ReadOnlyTabularInline):
    model = QueryMessage
    fields = ("kind", "text", "author", "at")


@admin.register(Query)
class QueryAdmin(ReadOnlyModelAdmin):
    list_display = ("submission", "item", "state", "raised_by", "raised_at")
    list_filter = ("state", "submission__round")
    search_fields = ("submission__country__name",)
    list_select_related = ("submission__country", "submission__round", "item", "raised_by")
    inlines = [QueryMessageInline]


@admin.register(QueryMessage)
class QueryMessageAdmin(ReadOnlyModelAdmin):
    list_display = ("query", "kind", "author", "at")
    list_filter = ("kind",)
    list_select_related = ("query__submission__country", "query__submission__round", "author")


@admin.register(RoundEvent)
class RoundEventAdmin(ReadOnlyModelAdmin):
    list_display = ("round", "action", "country", "actor", "at", "reason")
    list_filter = ("round", "action")
    list_select_related = ("round", "country", "actor")


@admin.register(DeadlineExtension)
class DeadlineExtensionAdmin(ReadOnlyModelAdmin):
    list_display = ("round", "country", "closes_on", "granted_by", "granted_at")
    list_filter = ("round",)
    list_select_related = ("round", "country", "granted_by")


@admin.register(PublicationExclusion)
class PublicationExclusionAdmin(ReadOnlyModelAdmin):
    list_display = ("round", "country", "excluded_by", "excluded_at", "reason")
    list_filter = ("round",)
    list_select_related = ("round", "country", "excluded_by")


@admin.register(OutgoingMail)
class OutgoingMailAdmin(ReadOnlyModelAdmin):
    """The mail queue: what was sent, what still waits (``send_pending_mail`` resends it)."""

    list_display = ("to_address", "kind", "language", "created_at", "sent_at", "attempts")
    list_filter = ("kind", "language", ("sent_at", admin.EmptyFieldListFilter))
    search_fields = ("to_address", "subject")
    list_select_related = ("recipient",)


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyModelAdmin):
    list_display = ("round", "country", "user", "days_before", "closes_on", "sent_at")
    list_filter = ("round", "days_before")
    list_select_related = ("round", "country", "user")
