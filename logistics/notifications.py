"""Recipient text messages: an outbox filled on order steps, sent through a pluggable backend."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import unicodedata
from urllib.parse import urlencode

import requests
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import override

from catalog.models import Order, OrderEvent
from core.tenancy import current_schema
from logistics.models import Notification
from logistics.zones import current_stall

logger = logging.getLogger(__name__)
State = Order.State


class TransientSendError(Exception):
    """The gateway is down or busy; sending again later may work."""


class PermanentSendError(Exception):
    """The gateway refused the message; sending again will not help."""


class RecordOnlyBackend:
    """Keeps the message in the outbox for officers to read or pass on by hand. Sends nothing."""

    name = "record"
    # Officers read these: Vietnamese keeps its tone marks.
    gsm7 = False

    def send(self, *, phone: str, text: str, reference: str) -> str:
        return Notification.Status.RECORDED


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

    def send(self, *, phone: str, text: str, reference: str) -> str:
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
        return Notification.Status.SENT


BACKENDS = {"record": RecordOnlyBackend, "webhook": WebhookBackend}


def backend_get():
    name = settings.GIANHANG_SMS_BACKEND
    cls = BACKENDS.get(name) or import_string(name)
    return cls()


# One SMS segment in the GSM 03.38 default alphabet (7-bit): 160 characters.
SEGMENT = 160
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)


def gsm7_plain(text: str) -> str:
    """Vietnamese without tone marks (đ → d), anything else outside GSM-7 dropped."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return "".join(ch for ch in plain if ch in GSM7_BASIC)


def tracking_link(*, stall, code: str) -> str:
    """The stall's tracking page with the code filled in (the recipient adds 4 phone digits)."""
    domain = stall.domains.filter(is_primary=True).values_list("domain", flat=True).first()
    if not domain:
        return ""
    scheme = "https" if settings.PRODUCTION else "http"
    path = reverse("catalog:track", urlconf=settings.ROOT_URLCONF)
    return f"{scheme}://{domain}{path}?{urlencode({'ma': code})}"


def message_text(
    *, order: Order, to_state: str, stall_name: str, link: str = "", gsm7: bool = False
) -> str | None:
    """The SMS for a step, or None when the recipient need not hear about it.

    Short, Vietnamese, with the order code, the stall's name and its tracking link, and
    nothing personal. With ``gsm7`` the text loses its tone marks and fits one 160-character
    segment: the stall's name is shortened to make room, or left out if it must.
    """
    with override("vi"):
        texts = {
            State.CONFIRMED: _("Đơn %(code)s đã được xác nhận."),
            State.OUT_FOR_DELIVERY: _("Đơn %(code)s đang được đoàn viên giao hôm nay."),
            State.HANDED_TO_POST: _("Đơn %(code)s đã gửi qua bưu điện, vui lòng chờ nhận."),
            State.DELIVERED: _("Đơn %(code)s đã giao xong. Cảm ơn bạn!"),
            State.FAILED: _("Đơn %(code)s chưa giao được, Đoàn trường sẽ liên hệ lại."),
            State.CANCELLED: _("Đơn %(code)s đã hủy."),
        }
        text = texts.get(to_state)  # type: ignore[call-overload]
        if text is None:
            return None
        body = text % {"code": order.code}
        if link:
            body += " " + _("Xem đơn: %(link)s") % {"link": link}
    name = stall_name.strip()
    if not gsm7:
        return f"{name[:60]}: {body}" if name else body
    body = gsm7_plain(body)
    name = gsm7_plain(name).strip()
    room = SEGMENT - len(body) - len(": ")
    if room < min(len(name), 12):  # too little left to say who writes: the link says it
        return body
    return f"{name[:room].rstrip()}: {body}"


def notification_queue(*, order: Order, to_state: str) -> Notification | None:
    """Put the step's message in the outbox, once per history row."""
    if not order.phone or order.anonymised_at:
        return None
    stall = current_stall()
    text = message_text(
        order=order,
        to_state=to_state,
        stall_name=getattr(stall, "name", ""),
        link=tracking_link(stall=stall, code=order.code),
        gsm7=getattr(backend_get(), "gsm7", False),
    )
    if text is None:
        return None
    event = OrderEvent.objects.filter(order=order, to_state=to_state).order_by("-pk").first()
    if event is None:
        return None
    try:
        with transaction.atomic():
            return Notification.objects.create(
                order=order,
                event=event,
                phone=order.phone,
                text=text[:320],
                backend=backend_get().name,
            )
    except IntegrityError:
        return None


def notification_send(*, notification_id: int) -> Notification | None:
    """Send one pending message. Transient errors propagate (the task retries them)."""
    transient: TransientSendError | None = None
    with transaction.atomic():
        # The row lock is the claim: two workers never both send the same message.
        notification = (
            Notification.objects.select_for_update(skip_locked=True)
            .filter(pk=notification_id, status=Notification.Status.PENDING)
            .first()
        )
        if notification is None:
            return None
        backend = backend_get()
        updates: dict = {"attempts": F("attempts") + 1, "backend": backend.name}
        try:
            status = backend.send(
                phone=notification.phone,
                text=notification.text,
                reference=f"{current_schema()}:{notification.pk}",
            )
        except PermanentSendError as exc:
            updates.update(status=Notification.Status.FAILED, last_error=str(exc)[:300])
        except TransientSendError as exc:
            updates.update(last_error=str(exc)[:300])
            transient = exc
        else:
            updates.update(status=status, sent_at=timezone.now(), last_error="")
        Notification.objects.filter(pk=notification.pk).update(**updates)
    if transient is not None:
        raise transient
    notification.refresh_from_db()
    return notification


def notifications_pending():
    """Messages still waiting (their task was lost or is retrying), oldest first."""
    return Notification.objects.filter(status=Notification.Status.PENDING).order_by("pk")
