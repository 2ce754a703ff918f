"""Who may open a stall's staff pages and API; the one place that decides it."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission

from tenants.selectors import user_is_platform_admin, user_is_stall_officer


def request_is_stall_officer(request) -> bool:
    return user_is_stall_officer(user=request.user, stall=getattr(request, "tenant", None))


def stall_officer_required(view):
    """Decorator: anonymous users go to login; others must be officers of this stall."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request_is_stall_officer(request):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


class IsStallOfficer(BasePermission):
    message = "Chỉ cán bộ của gian hàng này được làm việc này."

    def has_permission(self, request, view) -> bool:
        return request_is_stall_officer(request)


class IsPlatformAdmin(BasePermission):
    def has_permission(self, request, view) -> bool:
        return user_is_platform_admin(user=request.user)
