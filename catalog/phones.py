"""Vietnamese mobile numbers: normalising to E.164 and the salted hash used for counting."""

from __future__ import annotations

import hashlib
import hmac

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

INVALID_PHONE = _(
    "Số điện thoại chưa đúng. Hãy nhập số di động Việt Nam gồm 10 chữ số, ví dụ 0901234567."
)


def phone_normalise(raw: str) -> str:
    """Return the number in E.164 (+849xxxxxxxx) or raise ``ValidationError``.

    Accepts what people type: spaces, dots, dashes, a leading 0, 84 or +84.
    Only mobiles are accepted: we call or text the recipient on delivery day.
    """
    text = (raw or "").strip()
    if not text or len(text) > 32:
        raise ValidationError(INVALID_PHONE, code="invalid_phone")
    try:
        number = phonenumbers.parse(text, "VN")
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(INVALID_PHONE, code="invalid_phone") from exc
    if number.country_code != 84 or not phonenumbers.is_valid_number(number):
        raise ValidationError(INVALID_PHONE, code="invalid_phone")
    if phonenumbers.number_type(number) not in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ):
        raise ValidationError(INVALID_PHONE, code="invalid_phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_hash(e164: str) -> str:
    """Salted HMAC-SHA256 of an E.164 number: counts recipients without keeping the number."""
    salt = settings.GIANHANG_PHONE_HASH_SALT.encode()
    return hmac.new(salt, e164.encode(), hashlib.sha256).hexdigest()


def phone_lock_key(hashed: str) -> int:
    """A signed 64-bit key for ``pg_advisory_xact_lock`` derived from a phone hash."""
    return int.from_bytes(bytes.fromhex(hashed[:16]), "big", signed=True)


def phone_display(e164: str) -> str:
    """The national form people recognise (0901 234 567)."""
    try:
        number = phonenumbers.parse(e164, "VN")
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
