"""Recipient text messages: an outbox filled on order steps, sent through a pluggable backend."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging

import requests
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import override

from catalog.models import Order, OrderEvent
from logistics.models import Notification
from logistics.routing import current_stall

logger = logging.getLogger(__name__)
State = Order.State


class TransientSendError(Exception):
    """The gateway is down or busy; sending again later may work."""


class PermanentSendError(Exception):
    """The gateway refused the message; sending again will not help."""


class RecordOnlyBackend:
    """Keeps the message in the outbox for officers to read or pass on by hand. Sends nothing."""

    name = "record"

    def send(self, *, phone: str, text: str, reference: str) -> str:
        return Notification.Status.RECORDED


class WebhookBackend:
    """POSTs each message as JSON to a gateway URL the stall runs or rents.

    Body: {"to", "text", "reference"}; header X-Gianhang-Signature: hex HMAC-SHA256 of the
    body with GIANHANG_SMS_WEBHOOK_SECRET. 2xx = sent, 5xx/timeouts = retried, 4xx = failed.
    """

    name = "webhook"

    def __init__(self) -> None:
        self.url = getattr(settings, "GIANHANG_SMS_WEBHOOK_URL", "")
        self.secret = getattr(settings, "GIANHANG_SMS_WEBHOOK_SECRET", "")
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
    name = getattr(settings, "GIANHANG_SMS_BACKEND", "record")
    cls = BACKENDS.get(name) or import_string(name)
    return cls()


def message_text(*, order: Order, to_state: str, stall_name: str) -> str | None:
    """The SMS for a step, or None when the recipient need not hear about it.

    Short, Vietnamese, with the order code and the stall's name and nothing personal.
    """
    with override("vi"):
        texts = {
            State.CONFIRMED: _("Đơn %(code)s đã được xác nhận. Tra cứu đơn bằng mã này."),
            State.OUT_FOR_DELIVERY: _("Đơn %(code)s đang được đoàn viên giao hôm nay."),
            State.HANDED_TO_POST: _("Đơn %(code)s đã gửi qua bưu điện, vui lòng chờ nhận."),
            State.DELIVERED: _("Đơn %(code)s đã giao xong. Cảm ơn bạn!"),
            State.FAILED: _("Đơn %(code)s chưa giao được, Đoàn trường sẽ liên hệ lại."),
            State.CANCELLED: _("Đơn %(code)s đã huỷ."),
        }
        text = texts.get(to_state)  # type: ignore[call-overload]
        if text is None:
            return None
        return f"[{stall_name[:60]}] " + text % {"code": order.code}


def notification_queue(*, order: Order, to_state: str) -> Notification | None:
    """Put the step's message in the outbox, once per history row."""
    if not order.phone or order.anonymised_at:
        return None
    stall = current_stall()
    text = message_text(order=order, to_state=to_state, stall_name=getattr(stall, "name", ""))
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
                reference=f"{connection.schema_name}:{notification.pk}",  # type: ignore[attr-defined]
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
