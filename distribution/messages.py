"""Kind texts to people who asked in a round, through the outbox's backend.

Short, Vietnamese, with the request code and the stall's name; nothing personal. The row
is written in the step's transaction and sent after commit (a task, or the sweep).
"""

from __future__ import annotations

import logging

import django.dispatch
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from distribution.models import Message, Request, Wish
from logistics.channels import SendOutcome
from logistics.notifications import (
    PermanentSendError,
    TransientSendError,
    backend_get,
    gsm7_plain,
)
from logistics.zones import current_stall

logger = logging.getLogger(__name__)

# Sent after commit for each new message (sender=Message, message_id=...); the tasks
# module hands it to the worker, so this module needs no Celery.
message_queued = django.dispatch.Signal()


def _queue(
    *, kind: str, body: str, request: Request | None = None, wish: Wish | None = None
) -> Message | None:
    person = request or wish
    if person is None or not person.phone or person.anonymised_at:
        return None
    stall = current_stall()
    name = (getattr(stall, "name", "") or "").strip()[:60]
    text = f"{name}: {body}" if name else body
    if getattr(backend_get(), "gsm7", False):
        text = gsm7_plain(text)
    try:
        with transaction.atomic():
            message = Message.objects.create(
                request=request, wish=wish, kind=kind, phone=person.phone, text=text[:320]
            )
    except IntegrityError:
        return None  # this step's message is already in the outbox
    transaction.on_commit(lambda: message_queued.send(sender=Message, message_id=message.pk))
    return message


def request_won(*, request: Request) -> Message | None:
    with override("vi"):
        body = _(
            "Đăng ký %(code)s được nhận %(item)s (%(round)s). Mã đơn %(order)s. Hãy xác nhận "
            "trước %(until)s, quá hạn suất sẽ chuyển cho người kế tiếp."
        ) % {
            "code": request.code,
            "item": request.round_item.item.title[:40],
            "round": request.round.title[:40],
            "order": request.order.code if request.order else "",
            "until": timezone.localtime(request.hold_until).strftime("%d/%m")
            if request.hold_until
            else "",
        }
    return _queue(request=request, kind="won", body=body)


def request_waitlisted(*, request: Request) -> Message | None:
    with override("vi"):
        body = _(
            "Đăng ký %(code)s (%(round)s): lần này chưa đủ quà cho mọi người, mong bạn thông "
            "cảm. Bạn đứng thứ %(n)d trong danh sách chờ; có suất trống Đoàn trường sẽ báo."
        ) % {
            "code": request.code,
            "round": request.round.title[:40],
            "n": waitlist_place(request),
        }
    return _queue(request=request, kind="waitlisted", body=body)


def request_passed(*, request: Request) -> Message | None:
    with override("vi"):
        body = _(
            "Đăng ký %(code)s (%(round)s): suất của bạn đã quá hạn xác nhận nên được chuyển "
            "cho người kế tiếp. Mong bạn thông cảm và hẹn bạn ở các đợt sau."
        ) % {"code": request.code, "round": request.round.title[:40]}
    return _queue(request=request, kind="passed", body=body)


def wish_offered(*, wish: Wish) -> Message | None:
    with override("vi"):
        body = _(
            "Mong muốn %(code)s: gian hàng vừa có %(item)s và giữ cho bạn đến %(until)s. Hãy "
            "vào trang Cần tìm, nhập mã và số điện thoại để nhận."
        ) % {
            "code": wish.code,
            "item": wish.offered_item.title[:40] if wish.offered_item else "",
            "until": timezone.localtime(wish.hold_until).strftime("%d/%m")
            if wish.hold_until
            else "",
        }
    return _queue(wish=wish, kind="offered", body=body)


def wish_passed(*, wish: Wish) -> Message | None:
    with override("vi"):
        body = _(
            "Mong muốn %(code)s: món giữ cho bạn đã quá hạn nên được chuyển cho người kế tiếp. "
            "Mong bạn thông cảm; bạn có thể ghi mong muốn mới bất cứ lúc nào."
        ) % {"code": wish.code}
    return _queue(wish=wish, kind="passed", body=body)


def waitlist_place(request: Request) -> int:
    """1 for the first still waiting for this item, in draw order."""
    if request.draw_position is None:
        return 0
    return (
        Request.objects.filter(
            round_item_id=request.round_item_id,
            state=Request.State.WAITLISTED,
            draw_position__lt=request.draw_position,
        ).count()
        + 1
    )


def message_send(*, message_id: int) -> Message | None:
    """Send one pending message. Transient errors propagate (the task retries them)."""
    transient: TransientSendError | None = None
    with transaction.atomic():
        message = (
            Message.objects.select_for_update(skip_locked=True)
            .filter(pk=message_id, status=Message.Status.PENDING)
            .first()
        )
        if message is None:
            return None
        updates: dict = {}
        try:
            status = backend_get().send(
                phone=message.phone, text=message.text, reference=f"dot-phat:{message.pk}"
            )
        except PermanentSendError as exc:
            updates = {"status": Message.Status.FAILED, "last_error": str(exc)[:300]}
        except TransientSendError as exc:
            updates = {"last_error": str(exc)[:300]}
            transient = exc
        else:
            status = SendOutcome.of(status).status
            updates = {"status": status, "sent_at": timezone.now(), "last_error": ""}
        Message.objects.filter(pk=message.pk).update(**updates)
    if transient is not None:
        raise transient
    message.refresh_from_db()
    return message


def messages_pending():
    return Message.objects.filter(status=Message.Status.PENDING).order_by("pk")
