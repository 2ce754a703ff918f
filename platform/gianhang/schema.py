"""OpenAPI post-processing: the error answers every API operation can give, declared.

Any operation answers 400 for an unusable query (a NUL byte, a bad filter, a bad page), 403
when it needs a login and has none, 404 when its path names nothing, and, when it takes a body, 413 for a body past the
limit and 415 for anything but JSON. Each
error body is ``{"detail": "…"}`` (field errors sit beside ``detail``).
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView

ERROR_SCHEMA = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
    "additionalProperties": True,
}
_ERROR_REF = {"$ref": "#/components/schemas/Error"}
_METHODS = {"get", "post", "put", "patch", "delete"}


def error_responses(result, generator, request, public):
    """drf-spectacular hook: declare 400 everywhere, 413/415 with bodies, all as ``Error``."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    for path, path_item in result.get("paths", {}).items():
        for method, operation in path_item.items():
            if method not in _METHODS:
                continue
            responses = operation.setdefault("responses", {})
            responses.setdefault("400", {"description": _("Yêu cầu hoặc dữ liệu chưa đúng.")})
            if "{" in path:  # no such id, or an id the URL cannot even take (-1, "abc")
                responses.setdefault("404", {"description": _("Không tìm thấy.")})
            security = operation.get("security", result.get("security"))
            if security and {} not in security:  # a login is needed: without one, 403
                responses.setdefault(
                    "403", {"description": _("Chưa đăng nhập hoặc không có quyền.")}
                )
            if "requestBody" in operation:
                responses.setdefault("413", {"description": _("Dữ liệu gửi lên quá lớn.")})
                responses.setdefault(
                    "415", {"description": _("Chỉ nhận JSON (Content-Type: application/json).")}
                )
            for code, response in responses.items():
                if code.startswith("4") and "content" not in response:
                    response["content"] = {"application/json": {"schema": _ERROR_REF}}
    return result


class HostSchemaView(SpectacularAPIView):
    """The schema of the host asked: a stall's API on a stall, the platform's on the base host.

    django-tenants routes the base host through its own URL conf (``request.urlconf``); the
    plain view would always describe ``ROOT_URLCONF``, the stall's.
    """

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        self.urlconf = getattr(request, "urlconf", None) or self.urlconf
        return super().get(request, *args, **kwargs)
