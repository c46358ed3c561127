"""Score records and published results are records of the past: the admin shows, never changes."""

from django.contrib import admin

from kernel.admin_read_only import ReadOnlyModelAdmin, ReadOnlyTabularInline

from .models import (
    DomainScore,
    MethodologyVersion,
    PublishedResult,
    Release,
    ReleaseResult,
    ResultImport,
    ScoreRecord,
)


class DomainScoreInline(ReadOnlyTabularInline):
    model = DomainScore
    fields = ("number", "sdmx", "twice_sum", "item_count", "score", "category", "imputed_items")


@admin.register(ScoreRecord)
class ScoreRecordAdmin(ReadOnlyModelAdmin):
    list_display = (
        "country",
        "round",
        "category",
        "score",
        "methodology_version",
        "trigger",
        "triggered_by",
        "created_at",
    )
    list_filter = ("round", "methodology_version", "trigger", "category", "country__sdg_region")
    search_fields = ("country__name", "country__m49", "country__iso3", "answers_hash", "reason")
    list_select_related = ("country", "round", "triggered_by")
    inlines = [DomainScoreInline]


@admin.register(MethodologyVersion)
class MethodologyVersionAdmin(ReadOnlyModelAdmin):
    list_display = ("version", "recorded_at")


@admin.register(DomainScore)
class DomainScoreAdmin(ReadOnlyModelAdmin):
    list_display = ("record", "number", "score", "category")
    list_filter = ("number", "category", "record__round")
    list_select_related = ("record__country", "record__round")


class PublishedResultInline(ReadOnlyTabularInline):
    model = PublishedResult
    fields = ("country", "round", "breakdown", "category", "previous_category")


@admin.register(ResultImport)
class ResultImportAdmin(ReadOnlyModelAdmin):
    list_display = (
        "file_name",
        "imported_at",
        "imported_by",
        "observations",
        "new_values",
        "changed_values",
        "unchanged_values",
        "skipped_other_series",
    )
    search_fields = ("file_name", "sha256", "reason")
    list_select_related = ("imported_by",)
    inlines = [PublishedResultInline]


@admin.register(PublishedResult)
class PublishedResultAdmin(ReadOnlyModelAdmin):
    list_display = (
        "country",
        "round",
        "breakdown",
        "category",
        "previous_category",
        "result_import",
    )
    list_filter = ("round", "breakdown", "category", "country__sdg_region")
    search_fields = ("country__name", "country__m49", "country__iso3")
    list_select_related = ("country", "round", "result_import")


class ReleaseResultInline(ReadOnlyTabularInline):
    model = ReleaseResult
    fields = ("country", "breakdown", "category", "source", "source_round", "score_record")


@admin.register(Release)
class ReleaseAdmin(ReadOnlyModelAdmin):
    """Releases freeze what a publication showed: never changed, superseded by a newer one."""

    list_display = ("round", "number", "published_by", "published_at", "methodology_version")
    list_filter = ("round",)
    list_select_related = ("round", "published_by")
    inlines = [ReleaseResultInline]


@admin.register(ReleaseResult)
class ReleaseResultAdmin(ReadOnlyModelAdmin):
    list_display = ("release", "country", "breakdown", "category", "source")
    list_filter = ("release__round", "breakdown", "category")
    list_select_related = ("release__round", "country")
