"""Platform admins edit the textbook data the product ships (series, subjects per grade)."""

from __future__ import annotations

from django.contrib import admin

from distribution.models import TextbookSeries, TextbookSubject
from tenants.admin_sites import StallModelAdmin, stall_admin_site


@admin.register(TextbookSeries, site=stall_admin_site)
class TextbookSeriesAdmin(StallModelAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(TextbookSubject, site=stall_admin_site)
class TextbookSubjectAdmin(StallModelAdmin):
    list_display = ["name", "grade", "position"]
    list_filter = ["grade"]
    ordering = ["grade", "position", "name"]
