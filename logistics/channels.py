"""Ways a message reaches a recipient: the outbox only, a signed SMS webhook (Zalo: ``zns``)."""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass

import requests
from django.conf import settings

from logistics.models import Notification


@dataclass(frozen=True)
class SendOutcome:
    """What a backend did with one message."""

    status: str
    channel: str
    provider_id: str = ""
    # Why the first channel did not take it (Zalo's refusal before SMS took over).
    zalo_error: str = ""

    @classmethod
    def of(cls, answer: SendOutcome | str) -> SendOutcome:
        """A backend's answer as what it did: a backend of the older shape returns a status."""
        return cls(answer, Notification.Channel.SMS) if isinstance(answer, str) else answer


class TransientSendError(Exception):
    """The gateway is down or busy; sending again later may work."""


class PermanentSendError(Exception):
    """The gateway refused the message; sending again will not help."""


class RecordOnlyBackend:
    """Keeps the message in the outbox for officers to read or pass on by hand. Sends nothing."""

    name = "record"
    # Officers read these: Vietnamese keeps its tone marks.
    gsm7 = False

    def send(self, *, phone: str, text: str, reference: str, **message) -> SendOutcome:
        return SendOutcome(Notification.Status.RECORDED, Notification.Channel.RECORD)


class WebhookBackend:
    """POSTs each message as JSON to a gateway URL the stall runs or rents.

    Body: {"to", "text", "reference"}; header X-Gianhang-Signature: hex HMAC-SHA256 of the
    body with GIANHANG_SMS_WEBHOOK_SECRET. 2xx = sent, 5xx/timeouts = retried, 4xx = failed.
    """

    name = "webhook"

    def __init__(self) -> None:
        # Most gateways bill a text with tone marks as UCS-2 (70 characters a segment): send
        # plain GSM-7 unless the stall says its gateway takes Unicode.
        self.gsm7 = not settings.GIANHANG_SMS_UNICODE
        self.url = settings.GIANHANG_SMS_WEBHOOK_URL
        self.secret = settings.GIANHANG_SMS_WEBHOOK_SECRET
        self.timeout = 5

    def send(self, *, phone: str, text: str, reference: str, **message) -> SendOutcome:
        if not self.url:
            raise PermanentSendError("GIANHANG_SMS_WEBHOOK_URL is not set")
        body = json.dumps(
            {"to": phone, "text": text, "reference": reference}, ensure_ascii=False
        ).encode()
        signature = hmac.new(self.secret.encode(), body, hashlib.sha256).hexdigest()
        try:
            response = requests.post(
                self.url,
                data=body,
                timeout=self.timeout,
                headers={
                    "Content-Type": "application/json; charset=utf-8",
                    "X-Gianhang-Signature": signature,
                },
            )
        except requests.RequestException as exc:
            raise TransientSendError(str(exc)[:300]) from exc
        if response.status_code >= 500 or response.status_code == 429:
            raise TransientSendError(f"HTTP {response.status_code}")
        if response.status_code >= 400:
            raise PermanentSendError(f"HTTP {response.status_code}: {response.text[:200]}")
        return SendOutcome(Notification.Status.SENT, Notification.Channel.SMS)
