"""Reporting in the platform admin: targets to correct; facts to look at, never to edit."""

from __future__ import annotations

from django.contrib import admin

from reporting.models import DailyFact, Target
from tenants.admin_sites import platform_admin_site


@admin.register(Target, site=platform_admin_site)
class TargetAdmin(admin.ModelAdmin):
    list_display = ["title", "unit", "kind", "value", "period_start", "period_end"]
    list_filter = ["kind"]
    search_fields = ["title", "unit__name"]
    raw_id_fields = ["unit"]
    readonly_fields = ["created_by", "created_at"]


@admin.register(DailyFact, site=platform_admin_site)
class DailyFactAdmin(admin.ModelAdmin):
    """Read-only: facts are written by the rollup; re-run it to correct a day."""

    list_display = ["day", "stall", "orders_placed", "items_given", "recipients", "volunteers"]
    list_filter = ["day"]
    search_fields = ["stall__name", "stall__slug"]
    date_hierarchy = "day"
    exclude = ["recipients_sketch"]
    list_select_related = ["stall"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
