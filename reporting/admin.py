"""Reporting in the platform admin: targets to correct; facts to look at, never to edit."""

from __future__ import annotations

from django.contrib import admin

from reporting.models import DailyFact, Target, Transfer, TransferLine
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


class TransferLineInline(admin.TabularInline):
    model = TransferLine
    fields = ["description", "category_slug", "size", "grade", "quantity"]
    readonly_fields = ["description", "category_slug", "size", "grade", "quantity"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Transfer, site=platform_admin_site)
class TransferAdmin(admin.ModelAdmin):
    """Read-only: stock moves only through the transfer's steps, which write both ledgers."""

    list_display = ["pk", "from_stall", "to_stall", "state", "proposed_at", "received_at"]
    list_filter = ["state"]
    search_fields = ["from_stall__name", "to_stall__name"]
    list_select_related = ["from_stall", "to_stall"]
    inlines = [TransferLineInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
