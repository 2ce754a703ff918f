"""Recipient text messages: an outbox filled on order steps, sent through a pluggable backend."""

from __future__ import annotations

import logging
import unicodedata
from urllib.parse import urlencode

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import override

from catalog.models import Order, OrderEvent
from catalog.phones import phone_hash
from core.tenancy import current_schema
from logistics.channels import (
    PermanentSendError,
    RecordOnlyBackend,
    SendOutcome,
    TransientSendError,
    WebhookBackend,
)
from logistics.models import MessageOptOut, Notification
from logistics.zns import FallbackPending, ZaloBackend
from logistics.zones import current_stall

__all__ = ["PermanentSendError", "TransientSendError", "notification_queue", "notification_send"]

logger = logging.getLogger(__name__)
State = Order.State


BACKENDS: dict[str, type] = {
    "record": RecordOnlyBackend,
    "webhook": WebhookBackend,
    "zalo": ZaloBackend,
}


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


# Zalo's text parameters hold 30 characters unless the template says more.
ZNS_PARAM = 30


def template_data(*, order: Order, stall_name: str, link: str) -> dict[str, str]:
    """The parameters every ZNS template of the product takes (nothing personal)."""
    return {
        "order_code": order.code,
        "stall_name": stall_name.strip()[:ZNS_PARAM].rstrip(),
        "tracking_url": link,
    }


def phone_opted_out(phone: str) -> bool:
    return MessageOptOut.objects.filter(phone_hash=phone_hash(phone)).exists()


@transaction.atomic
def phone_opt_out(*, phone: str, source: str = MessageOptOut.Source.OFFICER) -> int:
    """No more messages to this phone from this stall; its waiting ones are not sent."""
    MessageOptOut.objects.get_or_create(phone_hash=phone_hash(phone), defaults={"source": source})
    return Notification.objects.filter(phone=phone, status=Notification.Status.PENDING).update(
        status=Notification.Status.OPTED_OUT
    )


def notification_queue(*, order: Order, to_state: str) -> Notification | None:
    """Put the step's message in the outbox, once per history row."""
    if not order.phone or order.anonymised_at:
        return None
    stall = current_stall()
    stall_name = getattr(stall, "name", "")
    link = tracking_link(stall=stall, code=order.code)
    text = message_text(
        order=order,
        to_state=to_state,
        stall_name=stall_name,
        link=link,
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
                template_data=template_data(order=order, stall_name=stall_name, link=link),
                backend=backend_get().name,
                status=(
                    Notification.Status.OPTED_OUT
                    if phone_opted_out(order.phone)
                    else Notification.Status.PENDING
                ),
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
            .select_related("event")
            .filter(pk=notification_id, status=Notification.Status.PENDING)
            .first()
        )
        if notification is None:
            return None
        if phone_opted_out(notification.phone):
            Notification.objects.filter(pk=notification.pk).update(
                status=Notification.Status.OPTED_OUT
            )
            notification.refresh_from_db()
            return notification
        backend = backend_get()
        updates: dict = {"attempts": F("attempts") + 1, "backend": backend.name}
        try:
            # The tracking id Zalo and gateways echo back: schema and outbox row, unique.
            outcome = backend.send(
                phone=notification.phone,
                text=notification.text,
                reference=f"{current_schema()}:{notification.pk}",
                kind=notification.event.to_state,
                template_data=notification.template_data,
                channel=notification.channel,
                zalo_error=notification.zalo_error,
            )
        except PermanentSendError as exc:
            updates.update(status=Notification.Status.FAILED, last_error=str(exc)[:300])
        except TransientSendError as exc:
            updates.update(last_error=str(exc)[:300])
            if isinstance(exc, FallbackPending):
                # Zalo said no already: the next attempt goes straight to the fallback.
                updates.update(channel=exc.channel, zalo_error=exc.zalo_error)
            transient = exc
        else:
            outcome = SendOutcome.of(outcome)
            updates.update(
                status=outcome.status,
                channel=outcome.channel,
                provider_id=outcome.provider_id[:64],
                zalo_error=outcome.zalo_error[:300],
                sent_at=timezone.now(),
                last_error="",
            )
        Notification.objects.filter(pk=notification.pk).update(**updates)
    if transient is not None:
        raise transient
    notification.refresh_from_db()
    return notification


def notifications_pending():
    """Messages still waiting (their task was lost or is retrying), oldest first."""
    return Notification.objects.filter(status=Notification.Status.PENDING).order_by("pk")
