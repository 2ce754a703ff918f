"""Platform admin: units, stalls, domains, memberships and accounts (public host only)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group

from core.text import text_form_class
from tenants.admin_sites import platform_admin_site
from tenants.geography import stall_coordinates_problem
from tenants.models import AdminArea, Domain, Membership, Stall, Unit


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["unit"]


class PlatformOnlyAdmin(admin.ModelAdmin):
    """Platform admins may view, add and change; deleting units or stalls is not offered."""

    def _allowed(self, request) -> bool:
        return platform_admin_site.has_permission(request)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        # Names typed here are cleaned by the same rule as every other form's free text.
        form_class = text_form_class(db_field)
        if form_class is not None:
            kwargs.setdefault("form_class", form_class)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def has_module_permission(self, request):
        return self._allowed(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request)

    def has_add_permission(self, request):
        return self._allowed(request)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Unit, site=platform_admin_site)
class UnitAdmin(PlatformOnlyAdmin):
    list_display = ["name", "kind", "code", "parent", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["parent", "admin_area"]


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 0


class StallAdminForm(forms.ModelForm):
    class Meta:
        model = Stall
        fields = ["latitude", "longitude"]  # the admin adds the others it shows

    def clean(self):
        data = super().clean() or {}
        problem = stall_coordinates_problem(data.get("latitude"), data.get("longitude"))
        if problem:
            self.add_error("latitude", problem)
        return data


@admin.register(Stall, site=platform_admin_site)
class StallAdmin(PlatformOnlyAdmin):
    form = StallAdminForm
    list_display = ["name", "slug", "unit", "is_active", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "slug"]
    readonly_fields = ["schema_name"]
    autocomplete_fields = ["unit", "commune"]
    filter_horizontal = ["served_communes"]
    inlines = [DomainInline]

    def has_add_permission(self, request):
        # Stalls are made by `gianhang stall create` / import, which clone the template.
        return False


@admin.register(AdminArea, site=platform_admin_site)
class AdminAreaAdmin(PlatformOnlyAdmin):
    list_display = ["name", "level", "era", "code", "parent"]
    list_filter = ["era", "level"]
    search_fields = ["name", "search_key", "code"]

    def has_add_permission(self, request):
        return False


@admin.register(Membership, site=platform_admin_site)
class MembershipAdmin(PlatformOnlyAdmin):
    list_display = ["user", "role", "unit", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__username", "unit__name"]
    autocomplete_fields = ["user", "unit"]

    def has_delete_permission(self, request, obj=None):
        return self._allowed(request)


class PlatformUserAdmin(UserAdmin):
    inlines = [MembershipInline]

    def has_module_permission(self, request):
        return platform_admin_site.has_permission(request)


platform_admin_site.register(get_user_model(), PlatformUserAdmin)
platform_admin_site.register(Group, GroupAdmin)
