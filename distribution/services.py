"""Writes of distribution rounds: open, ask, close, draw, confirm, pass on. One transaction each.

Round stock is held out of the shelf while the round runs (an adjustment in catalog's
ledger), so the storefront cannot take it; each winner's unit is put back and reserved at
once by catalog's ordinary order placement, so a winner's order is an order like any
other (limits, ledger, routing, messages).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.codes import tracking_code_new
from catalog.models import Item, Order, StockEntry, actor_id_of
from catalog.phones import phone_lock_key
from catalog.services import (
    OrderRefused,
    OrderStateError,
    Recipient,
    order_limits_check,
    order_place,
    order_transition,
    recipient_fields,
)
from catalog.stock import stock_change
from distribution import draw, messages
from distribution.models import Request, Round, RoundItem
from logistics.zones import current_stall
from privacy.models import SubjectKind
from privacy.notices import NOTICE_CURRENT
from privacy.services import consent_record

RState = Request.State


class RoundError(ValidationError):
    """The round step was refused; nothing was saved. The message is for a person."""


class RequestRefused(Exception):
    """The request was not recorded; ``message`` says why, for a person.

    ``code``: ``not_open`` (before the window), ``closed`` (after it), ``duplicate`` (this
    phone already asked in this round), ``limit`` (the stall's per-recipient limits),
    ``item`` (not an item of this round).
    """

    def __init__(self, code: str, message: str):
        self.code = code
        self.message = message
        super().__init__(message)


def db_now() -> dt.datetime:
    """The database server's clock now (not the transaction's start): it decides the close."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT clock_timestamp()")
        return cursor.fetchone()[0]


def _hold_note(round_: Round) -> str:
    return _("Giữ cho đợt phát “%(title)s”") % {"title": round_.title[:120]}


def _release_note(round_: Round) -> str:
    return _("Trả lại kho từ đợt phát “%(title)s”") % {"title": round_.title[:120]}


@transaction.atomic
def round_open(
    *,
    title: str,
    opens_at: dt.datetime,
    closes_at: dt.datetime,
    items: Sequence[tuple[Item, int]],
    eligibility: str = "",
    priority_group: str = "",
    hold_days: int = 3,
    actor=None,
) -> Round:
    """Open a round for some items; their units leave the shelf until the draw."""
    title = " ".join((title or "").split())
    if not title:
        raise RoundError(_("Hãy đặt tên cho đợt phát."))
    if closes_at <= opens_at:
        raise RoundError(_("Giờ đóng đăng ký phải sau giờ mở."))
    if not 1 <= int(hold_days) <= 30:
        raise RoundError(_("Số ngày giữ suất từ 1 đến 30."))
    lines = [(item, int(quantity)) for item, quantity in items if int(quantity or 0) > 0]
    if not lines:
        raise RoundError(_("Hãy chọn ít nhất một món và số suất lớn hơn 0."))
    if len({item.pk for item, _q in lines}) != len(lines):
        raise RoundError(_("Mỗi món chỉ ghi một lần trong một đợt."))
    round_ = Round.objects.create(
        title=title[:120],
        eligibility=(eligibility or "").strip(),
        priority_group=(priority_group or "").strip()[:200],
        opens_at=opens_at,
        closes_at=closes_at,
        hold_days=int(hold_days),
        created_by_id=actor_id_of(actor),
    )
    for item, quantity in sorted(lines, key=lambda line: line[0].pk):  # no deadlocks
        RoundItem.objects.create(round=round_, item=item, quantity=quantity)
        stock_change(
            item=item,
            kind=StockEntry.Kind.ADJUSTMENT,
            quantity=-quantity,
            actor=actor,
            note=_hold_note(round_),
        )
    return round_


@dataclass(frozen=True)
class Asking:
    """What a recipient gives when asking in a round (as at checkout, plus the item)."""

    round_item_id: int
    recipient: Recipient
    priority_claimed: bool = False
    consent_version: str = NOTICE_CURRENT


def _round_lock_shared(round_id: int) -> tuple[str, dt.datetime, dt.datetime, dt.datetime]:
    """Share-lock the round (a close waits for requests in flight, and they for it), and
    read its state and window with the database clock."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT state, opens_at, closes_at, clock_timestamp() FROM {Round._meta.db_table} "  # noqa: S608
            "WHERE id = %s FOR SHARE",
            [round_id],
        )
        row = cursor.fetchone()
    if row is None:
        raise RequestRefused("closed", _("Đợt phát này không còn nữa."))
    return row


@transaction.atomic
def request_submit(*, stall, round_: Round, asking: Asking) -> Request:
    """Record one request, if the window is open by the database's clock at this moment.

    The round row is share-locked first: closing takes it exclusively, so a request either
    commits before the close freezes the list (and is in it) or sees the round closed and is
    refused. Nothing in between.
    """
    fields = recipient_fields(asking.recipient)
    state, opens_at, closes_at, now = _round_lock_shared(round_.pk)
    if state != Round.State.OPEN or now >= closes_at:
        raise RequestRefused(
            "closed",
            _(
                "Đợt phát đã đóng đăng ký lúc %(t)s. Yêu cầu của bạn chưa được ghi nhận; hãy "
                "theo dõi các đợt sau."
            )
            % {"t": timezone.localtime(closes_at).strftime("%H:%M:%S %d/%m/%Y")},
        )
    if now < opens_at:
        raise RequestRefused(
            "not_open",
            _("Đợt phát chưa mở đăng ký. Mở lúc %(t)s.")
            % {"t": timezone.localtime(opens_at).strftime("%H:%M %d/%m/%Y")},
        )
    round_item = RoundItem.objects.filter(pk=asking.round_item_id, round_id=round_.pk).first()
    if round_item is None:
        raise RequestRefused("item", _("Hãy chọn một món của đợt phát này."))
    hashed = fields["phone_hash"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [phone_lock_key(hashed)])
    if Request.objects.filter(
        round_id=round_.pk, phone_hash=hashed, anonymised_at__isnull=True
    ).exists():
        raise RequestRefused(
            "duplicate",
            _("Số điện thoại này đã đăng ký trong đợt phát này. Mỗi số chỉ đăng ký một lần."),
        )
    try:
        order_limits_check(stall=stall, phone_hash=hashed, lines={round_item.item_id: 1})
    except OrderRefused as refused:
        raise RequestRefused("limit", refused.message) from refused
    request = Request(
        round_id=round_.pk,
        round_item=round_item,
        code=tracking_code_new(),
        recipient_name=fields["recipient_name"],
        phone=fields["phone"],
        phone_last4=fields["phone_last4"],
        phone_hash=hashed,
        province_id=fields.get("province_id"),
        commune_id=fields.get("commune_id"),
        address_line=fields["address_line"],
        legacy_address=fields["legacy_address"],
        note=fields["note"],
        recipient_is_minor=fields["recipient_is_minor"],
        guardian_name=fields.get("guardian_name", ""),
        guardian_phone=fields.get("guardian_phone", ""),
        consent_version=asking.consent_version[:20],
        consent_at=now,
        priority_claimed=bool(asking.priority_claimed and round_.priority_group),
        created_at=now,
    )
    try:
        with transaction.atomic():
            request.save(force_insert=True)
    except IntegrityError as exc:
        raise RequestRefused(
            "duplicate",
            _("Số điện thoại này đã đăng ký trong đợt phát này. Mỗi số chỉ đăng ký một lần."),
        ) from exc
    consent_record(
        subject_kind=SubjectKind.APPLICANT,
        subject_id=request.pk,
        notice_version=request.consent_version,
        accepted_at=now,
        subject_is_minor=request.recipient_is_minor,
        guardian_name=request.guardian_name,
        guardian_phone=request.guardian_phone,
    )
    return request


@transaction.atomic
def priority_verify(*, request: Request, actor) -> Request:
    """An officer has seen the proof in person: record who and when, never the document."""
    round_ = Round.objects.select_for_update().get(pk=request.round_id)
    if round_.state != Round.State.OPEN:
        raise RoundError(_("Đợt phát đã đóng: danh sách bốc thăm không đổi được nữa."))
    if not request.priority_claimed:
        raise RoundError(_("Người này không đăng ký vào nhóm ưu tiên."))
    Request.objects.filter(pk=request.pk, priority_verified_at__isnull=True).update(
        priority_verified_by_id=actor_id_of(actor), priority_verified_at=timezone.now()
    )
    request.refresh_from_db()
    return request


def _entries(round_: Round) -> list[draw.Entry]:
    return [
        draw.Entry(code=code, item=str(item_id), priority=bool(verified), phone_key=hashed)
        for code, item_id, verified, hashed in Request.objects.filter(round=round_).values_list(
            "code", "round_item_id", "priority_verified_at", "phone_hash"
        )
    ]


@transaction.atomic
def round_close(*, round_: Round, actor=None) -> Round:
    """Close the window and freeze the published list (codes, items, priority marks).

    Takes the round row exclusively: requests in flight finish first and are in the list;
    any request after this sees the round closed. Refused before the closing time.
    """
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    if round_.state != Round.State.OPEN:
        return round_
    now = db_now()
    if now < round_.closes_at:
        raise RoundError(
            _("Chưa đến giờ đóng đăng ký (%(t)s).")
            % {"t": timezone.localtime(round_.closes_at).strftime("%H:%M %d/%m/%Y")}
        )
    entries = _entries(round_)
    Round.objects.filter(pk=round_.pk).update(
        state=Round.State.CLOSED,
        closed_at=now,
        published_list=draw.published_text(entries),
    )
    round_.refresh_from_db()
    return round_


def rounds_close_due() -> int:
    """Close every open round whose window has ended (the beat's sweep); return how many."""
    closed = 0
    for round_ in Round.objects.filter(state=Round.State.OPEN, closes_at__lte=timezone.now()):
        try:
            round_close(round_=round_)
        except RoundError:
            continue
        closed += 1
    return closed


def round_quantities(round_: Round) -> dict[str, int]:
    return {str(pk): q for pk, q in round_.items.values_list("pk", "quantity")}


@transaction.atomic
def round_draw(*, round_: Round, public_number: str, actor=None) -> Round:
    """Run the draw from the frozen list and the public number; winners get orders."""
    number = "".join((public_number or "").split())
    if not number.isdigit() or not 2 <= len(number) <= 20:
        raise RoundError(
            _(
                "Số công khai là dãy chữ số, ví dụ giải đặc biệt xổ số kiến thiết của tỉnh "
                "mở thưởng ngày đóng đăng ký (6 chữ số)."
            )
        )
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    if round_.state == Round.State.OPEN:
        raise RoundError(_("Hãy đóng đăng ký trước khi bốc thăm."))
    if round_.state == Round.State.DRAWN:
        raise RoundError(_("Đợt này đã bốc thăm; kết quả không đổi."))
    entries = draw.published_parse(round_.published_list)
    outcome = draw.draw_run(entries, round_quantities(round_), number)
    now = timezone.now()
    position = {code: n for n, code in enumerate(outcome.order, start=1)}
    requests = {r.code: r for r in Request.objects.filter(round=round_).select_for_update()}
    for code, n in position.items():
        requests[code].draw_position = n
        requests[code].state = RState.WAITLISTED
    Request.objects.bulk_update(list(requests.values()), ["draw_position", "state"])
    Round.objects.filter(pk=round_.pk).update(
        state=Round.State.DRAWN, public_number=number, draw_key=outcome.key, drawn_at=now
    )
    round_.refresh_from_db()
    for code in outcome.order:
        if code in outcome.winners:
            request = Request.objects.get(pk=requests[code].pk)
            if not _allocate(request=request, round_=round_, actor=actor, now=now):
                _pass_to_next(round_item_id=request.round_item_id, round_=round_, now=now)
    for request in Request.objects.filter(round=round_, state=RState.WAITLISTED):
        messages.request_waitlisted(request=request)
    _leftovers_release(round_=round_, actor=actor)
    return round_


def _allocate(*, request: Request, round_: Round, actor, now: dt.datetime) -> bool:
    """Turn one request into an ordinary order for its item; False if catalog refuses it."""
    item = request.round_item.item
    recipient = Recipient(
        name=request.recipient_name,
        phone=request.phone,
        address_line=request.address_line,
        province_id=request.province_id,
        commune_id=request.commune_id,
        legacy_address=request.legacy_address,
        note=request.note,
        is_minor=request.recipient_is_minor,
        guardian_name=request.guardian_name,
        guardian_phone=request.guardian_phone,
    )
    try:
        with transaction.atomic():
            # The round's unit goes back on the shelf and is reserved for the order at once,
            # in the same transaction: nobody else can take it in between.
            stock_change(
                item=item,
                kind=StockEntry.Kind.ADJUSTMENT,
                quantity=1,
                actor=actor,
                note=_("Suất của đăng ký %(code)s") % {"code": request.code},
            )
            order = order_place(
                stall=current_stall(),
                lines={item.pk: 1},
                recipient=recipient,
                consent_version=request.consent_version,
                actor=actor,
            )
    except (OrderRefused, ValidationError):
        Request.objects.filter(pk=request.pk).update(state=RState.REFUSED)
        return False
    hold_until = now + dt.timedelta(days=round_.hold_days)
    Request.objects.filter(pk=request.pk).update(
        state=RState.WON, order=order, offered_at=now, hold_until=hold_until
    )
    request.refresh_from_db()
    messages.request_won(request=request)
    return True


def _pass_to_next(*, round_item_id: int, round_: Round, now: dt.datetime, actor=None) -> bool:
    """Offer a unit of this item to the first waiting request in draw order."""
    while True:
        nxt = (
            Request.objects.select_for_update(skip_locked=False)
            .filter(
                round_item_id=round_item_id, state=RState.WAITLISTED, anonymised_at__isnull=True
            )
            .order_by("draw_position")
            .first()
        )
        if nxt is None:
            return False
        if _allocate(request=nxt, round_=round_, actor=actor, now=now):
            return True


def _leftovers_release(*, round_: Round, actor=None) -> None:
    """After the draw, units nobody could get go back on the shelf."""
    for round_item in round_.items.select_related("item").order_by("item_id"):
        left = round_item.quantity - round_item.requests.filter(state=RState.WON).count()
        if left > 0:
            stock_change(
                item=round_item.item,
                kind=StockEntry.Kind.ADJUSTMENT,
                quantity=left,
                actor=actor,
                note=_release_note(round_),
            )


def _kept(request: Request) -> bool:
    """Confirmed by the recipient (or an officer), or already packed and on its way."""
    if request.confirmed_at is not None:
        return True
    state = request.order.state if request.order is not None else None
    return state in (
        Order.State.PACKED,
        Order.State.ROUTED,
        Order.State.OUT_FOR_DELIVERY,
        Order.State.HANDED_TO_POST,
        Order.State.DELIVERED,
    )


@transaction.atomic
def allocation_confirm(*, request: Request, actor=None) -> Request:
    """The winner says they still want it (or an officer records that they said so)."""
    updated = Request.objects.filter(
        pk=request.pk, state=RState.WON, confirmed_at__isnull=True
    ).update(confirmed_at=timezone.now())
    request.refresh_from_db()
    if not updated and request.state != RState.WON:
        raise RoundError(_("Suất này không còn giữ cho bạn nữa."))
    return request


@transaction.atomic
def allocation_pass_on(*, request: Request, now: dt.datetime | None = None) -> Request | None:
    """A winner's hold has run out (or their order was cancelled): the unit goes to the
    next on the waitlist, with a message to both. Returns the next request, if any."""
    now = now or timezone.now()
    request = (
        Request.objects.select_for_update(of=("self",)).select_related("order").get(pk=request.pk)
    )
    if request.state != RState.WON:
        return None
    order = request.order
    cancelled = order is None or order.state == Order.State.CANCELLED
    if not cancelled and (_kept(request) or (request.hold_until and request.hold_until > now)):
        return None
    round_ = Round.objects.get(pk=request.round_id)
    round_item = RoundItem.objects.select_related("item").get(pk=request.round_item_id)
    if order is not None and order.is_open:
        try:
            order_transition(
                order=order,
                to_state=Order.State.CANCELLED,
                public_note=_("Quá hạn xác nhận suất đợt phát; suất chuyển cho người kế tiếp."),
            )
        except OrderStateError:
            return None
    Request.objects.filter(pk=request.pk).update(state=RState.PASSED)
    request.refresh_from_db()
    messages.request_passed(request=request)
    # The unit came back to the shelf with the cancelled order: hold it for the round again.
    stock_change(
        item=round_item.item,
        kind=StockEntry.Kind.ADJUSTMENT,
        quantity=-1,
        note=_hold_note(round_),
    )
    before = set(
        Request.objects.filter(round_item=round_item, state=RState.WON).values_list("pk", flat=True)
    )
    if _pass_to_next(round_item_id=round_item.pk, round_=round_, now=now):
        after = Request.objects.filter(round_item=round_item, state=RState.WON).exclude(
            pk__in=before
        )
        return after.first()
    stock_change(
        item=round_item.item,
        kind=StockEntry.Kind.ADJUSTMENT,
        quantity=1,
        note=_release_note(round_),
    )
    return None


def allocations_pass_on_due(*, now: dt.datetime | None = None) -> int:
    """The beat's sweep: pass on every hold that ran out or whose order was cancelled."""
    now = now or timezone.now()
    due = Request.objects.filter(state=RState.WON).filter(
        Q(hold_until__lt=now, confirmed_at__isnull=True) | Q(order__state=Order.State.CANCELLED)
    )
    passed = 0
    for request in list(due):
        allocation_pass_on(request=request, now=now)
        if Request.objects.filter(pk=request.pk, state=RState.PASSED).exists():
            passed += 1
    return passed
