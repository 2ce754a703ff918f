"""The API's only body parser: JSON, bounded in size and nesting depth before parsing.

Python's ``json`` recurses per nesting level: a few thousand ``[`` raise RecursionError
(a 500). The depth is measured first by one linear scan, and a body past the size limit
is never read whole.
"""

from __future__ import annotations

import json
import math
import re

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, status
from rest_framework.parsers import BaseParser

# A JSON body larger than this is refused unread (an order is a few hundred bytes, a
# long item description a few KB; the depth scan of 64 KB stays in milliseconds).
JSON_MAX_BYTES = settings.GIANHANG_API_MAX_BODY_BYTES
# Deeper nesting than this is refused before parsing: no body of this API nests past 4.
JSON_MAX_DEPTH = settings.GIANHANG_API_MAX_DEPTH

# The only bytes that matter for nesting: escapes (a pair, so an escaped quote is skipped),
# quotes, and brackets. One linear pass, no backtracking, no recursion.
_SIGNIFICANT = re.compile(rb'\\.|["\[\]{}]', re.DOTALL)


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = gettext_lazy("Dữ liệu gửi lên quá lớn.")
    default_code = "too_large"


def json_nesting_depth(raw: bytes, *, stop_above: int | None = None) -> int:
    """The deepest nesting of arrays/objects in a JSON text, strings ignored; no recursion.

    With ``stop_above``, returns as soon as the depth passes it (a hostile body is refused
    after reading its first few brackets, not all of them)."""
    depth = deepest = 0
    in_string = False
    for match in _SIGNIFICANT.finditer(raw):  # lazily: stop_above ends the scan early
        token = match.group()
        if token == b'"':
            in_string = not in_string
        elif in_string or len(token) == 2:
            continue
        elif token in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
            if stop_above is not None and deepest > stop_above:
                return deepest
        else:
            depth -= 1
    return deepest


def _finite_float(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(text)
    return number


def _no_constant(name: str):
    raise ValueError(name)


class JSONParser(BaseParser):
    """JSON with limits checked before parsing: size, nesting depth, finite numbers, UTF-8."""

    media_type = "application/json"

    def parse(self, stream, media_type=None, parser_context=None):
        raw = stream.read(JSON_MAX_BYTES + 1) if stream is not None else b""
        if len(raw) > JSON_MAX_BYTES:
            raise RequestTooLarge(
                _("Dữ liệu gửi lên quá lớn (tối đa %(kb)d KB).") % {"kb": JSON_MAX_BYTES // 1024}
            )
        if json_nesting_depth(raw, stop_above=JSON_MAX_DEPTH) > JSON_MAX_DEPTH:
            raise exceptions.ParseError(_("Dữ liệu JSON lồng nhau quá sâu."))
        try:
            data = json.loads(
                raw.decode("utf-8"), parse_float=_finite_float, parse_constant=_no_constant
            )
            # A lone surrogate ("\ud800") decodes but can never be stored: refuse it here.
            json.dumps(data, ensure_ascii=False).encode("utf-8")
        except (ValueError, UnicodeError, RecursionError) as exc:
            raise exceptions.ParseError(
                _("Dữ liệu gửi lên không phải JSON hợp lệ (UTF-8, không có NaN/Infinity).")
            ) from exc
        return data
