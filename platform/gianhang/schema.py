"""OpenAPI post-processing: the error answers every API operation can give, declared.

Any operation answers 400 for an unusable query (a NUL byte, a bad filter, a bad page) and,
when it takes a body, 413 for a body past the limit and 415 for anything but JSON. Each
error body is ``{"detail": "…"}`` (field errors sit beside ``detail``).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

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
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in _METHODS:
                continue
            responses = operation.setdefault("responses", {})
            responses.setdefault("400", {"description": _("Yêu cầu hoặc dữ liệu chưa đúng.")})
            if "requestBody" in operation:
                responses.setdefault("413", {"description": _("Dữ liệu gửi lên quá lớn.")})
                responses.setdefault(
                    "415", {"description": _("Chỉ nhận JSON (Content-Type: application/json).")}
                )
            for code, response in responses.items():
                if code.startswith("4") and "content" not in response:
                    response["content"] = {"application/json": {"schema": _ERROR_REF}}
    return result
