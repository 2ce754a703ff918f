"""Admin sites: the platform's (base host) and each stall's (its own host, its officers)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.text import text_form_class
from tenants.selectors import user_is_platform_admin


def _to_staff_login(request):
    """The admin has no login page of its own: everyone signs in at /dang-nhap/.

    A signed-in person who may not use this admin goes to their own landing page instead
    (passing ``next`` back here would loop).
    """
    if request.user.is_authenticated:
        return HttpResponseRedirect(reverse("login-landing"))
    query = request.META.get("QUERY_STRING", "")
    return HttpResponseRedirect(reverse("login") + (f"?{query}" if query else ""))


class PlatformAdminSite(admin.AdminSite):
    site_header = _("Gian hàng 0 đồng – quản trị nền tảng")
    site_title = _("Quản trị nền tảng")
    index_title = _("Đơn vị, gian hàng và tài khoản")

    def has_permission(self, request) -> bool:
        tenant = getattr(request, "tenant", None)
        on_public = tenant is None or tenant.is_public
        return on_public and user_is_platform_admin(user=request.user)

    def login(self, request, extra_context=None):
        return _to_staff_login(request)


class StallAdminSite(admin.AdminSite):
    """A stall's rows for platform administrators only; officers work in the workspace."""

    site_header = _("Gian hàng 0 đồng – trang cán bộ")
    site_title = _("Trang cán bộ")
    index_title = _("Quản lý gian hàng")

    def has_permission(self, request) -> bool:
        return user_is_platform_admin(user=request.user)

    def login(self, request, extra_context=None):
        return _to_staff_login(request)

    def each_context(self, request):
        context = super().each_context(request)
        tenant = getattr(request, "tenant", None)
        if tenant is not None and not tenant.is_public:
            context["site_header"] = f"{tenant.name} – {self.site_header}"
        return context


class StallModelAdmin(admin.ModelAdmin):
    """Platform administrators may do everything with a stall's rows (the schema fences them)."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        # Free text typed here is cleaned by the same rule as on every other form.
        form_class = text_form_class(db_field)
        if form_class is not None:
            kwargs.setdefault("form_class", form_class)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def _officer(self, request) -> bool:
        return user_is_platform_admin(user=request.user)

    def has_module_permission(self, request) -> bool:
        return self._officer(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return self._officer(request)

    def has_add_permission(self, request) -> bool:
        return self._officer(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return self._officer(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self._officer(request)


platform_admin_site = PlatformAdminSite(name="platform_admin")
stall_admin_site = StallAdminSite(name="stall_admin")
