from django.contrib import admin

from .models import Country, GroupingMembership, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("m49", "name", "kind")
    list_filter = ("kind",)
    search_fields = ("m49", "name", "name_fr", "name_es")


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ("name", "m49", "iso3", "un_status", "sdg_region", "m49_subregion")
    list_filter = ("un_status", "sdg_region", "m49_region", "ldc", "lldc", "sids")
    search_fields = ("name", "name_fr", "name_es", "m49", "iso3", "iso2")
    list_select_related = ("sdg_region", "m49_subregion")


@admin.register(GroupingMembership)
class GroupingMembershipAdmin(admin.ModelAdmin):
    list_display = ("country", "region", "member_from", "member_until")
    list_filter = ("region",)
    search_fields = ("country__name", "country__iso3", "country__m49")
    list_select_related = ("country", "region")
