"""Postal batches: gathering far parcels, hand-over to the post office, tracking and returns."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import Order, OrderEvent, OrderLine, actor_id_of
from catalog.services import order_state_changed, order_transition
from logistics.carriers import carrier_for, estimate_weight
from logistics.models import Parcel, PostalBatch, StallCarrier
from logistics.zones import current_stall

State = Order.State
BatchState = PostalBatch.State
TRACKING_RE = re.compile(r"^[A-Z0-9]{6,30}$")


class BatchError(Exception):
    """A batch or parcel change cannot be made; the message says why and what to do."""


def _default_post_office() -> str:

    stall = current_stall()
    commune = getattr(stall, "commune", None)
    return _("Bưu điện %(c)s") % {"c": commune.name} if commune else _("Bưu điện xã")


def batch_draft_get_or_create() -> PostalBatch:
    """The one batch being filled; concurrent builders meet on it (a unique constraint)."""
    batch = PostalBatch.objects.filter(state=BatchState.DRAFT).first()
    if batch is not None:
        return batch
    try:
        with transaction.atomic():
            carrier = StallCarrier.objects.values_list("code", flat=True).first()
            return PostalBatch.objects.create(
                post_office=_default_post_office(), carrier=carrier or "manual"
            )
    except IntegrityError:
        return PostalBatch.objects.get(state=BatchState.DRAFT)


def _orders_waiting():
    live = Parcel.objects.filter(order=OuterRef("pk"), returned_at__isnull=True)
    return Order.objects.filter(~Exists(live), delivery=Order.Delivery.POST, state=State.PACKED)


def batch_build(*, chunk: int = 200, actor=None) -> PostalBatch | None:
    """Gather far, packed, unbatched orders into the draft batch. None if there are none.

    Works in committed chunks, so a killed worker leaves whole parcels behind and the next
    run carries on; an order is never in two batches (unique live parcel per order), and
    rows already taken by a concurrent builder are skipped, not waited for.
    """
    if not _orders_waiting().exists():
        return PostalBatch.objects.filter(state=BatchState.DRAFT).first()
    batch = batch_draft_get_or_create()
    carrier = carrier_for(batch.carrier)
    actor_id = actor_id_of(actor)
    while True:
        with transaction.atomic():
            ids = list(
                _orders_waiting()
                .order_by("placed_at", "pk")
                .select_for_update(skip_locked=True, of=("self",))
                .values_list("pk", flat=True)[:chunk]
            )
            if not ids:
                break
            items = dict(
                OrderLine.objects.filter(order_id__in=ids)
                .values("order_id")
                .annotate(n=Sum("quantity"))
                .values_list("order_id", "n")
            )
            parcels = []
            for order_id in ids:
                weight = estimate_weight(items=items.get(order_id, 1))
                parcels.append(
                    Parcel(
                        batch=batch,
                        order_id=order_id,
                        weight_grams=weight,
                        postage=carrier.estimate_postage(weight_grams=weight),
                    )
                )
            Parcel.objects.bulk_create(parcels)
            _orders_move(
                ids=ids,
                from_state=State.PACKED,
                to_state=State.ROUTED,
                actor_id=actor_id,
                note=_("Vào lô gửi bưu điện"),
            )
    batch.refresh_from_db()
    return batch


def batch_build_interrupted() -> bool:
    """True when the draft batch's build stopped before taking every order waiting for it.

    A build takes every far, packed order that waits; it creates the draft batch first and
    then parcels in committed chunks. So an order that was already waiting when the draft
    was made, or when its newest parcel was, and is still outside the batch, was left by
    a build that died (a killed worker). Orders packed later wait for the next build.
    """
    draft = PostalBatch.objects.filter(state=BatchState.DRAFT).first()
    if draft is None:
        return False
    newest_parcel = (
        draft.parcels.order_by("-created_at").values_list("created_at", flat=True).first()
    )
    since = max(filter(None, (draft.created_at, newest_parcel)))
    packed_before = OrderEvent.objects.filter(
        order=OuterRef("pk"), to_state=State.PACKED, at__lt=since
    )
    return _orders_waiting().filter(Q(Exists(packed_before)) | Q(updated_at__lt=since)).exists()


def batch_build_resume(*, chunk: int = 200) -> PostalBatch | None:
    """Finish a build a dead worker left half done; None (and no change) otherwise.

    Run by beat every few minutes in each stall: the message of a build whose worker was
    killed only comes back after Redis's visibility timeout (half an hour); this finishes
    it within minutes. Building is idempotent, so a late second build changes nothing.
    """
    if not batch_build_interrupted():
        return None
    return batch_build(chunk=chunk)


def _orders_move(
    *, ids: list[int], from_state: str, to_state: str, actor_id: int | None, note: str = ""
) -> list[int]:
    """Many orders one step at once: the same guard as ``order_transition``, in bulk."""
    moved = list(Order.objects.filter(pk__in=ids, state=from_state).values_list("pk", flat=True))
    now = timezone.now()
    Order.objects.filter(pk__in=moved, state=from_state).update(state=to_state, updated_at=now)
    OrderEvent.objects.bulk_create(
        [
            OrderEvent(
                order_id=pk,
                from_state=from_state,
                to_state=to_state,
                actor_id=actor_id,
                public_note=note[:200],
            )
            for pk in moved
        ]
    )

    def announce() -> None:
        for order in Order.objects.filter(pk__in=moved):
            order_state_changed.send(
                sender=Order, order=order, from_state=from_state, to_state=to_state
            )

    transaction.on_commit(announce)
    return moved


def _parcels_withdraw_stale(batch: PostalBatch) -> None:
    """Parcels whose order was cancelled leave a batch before it goes out."""
    batch.parcels.filter(returned_at__isnull=True, order__state=State.CANCELLED).delete()


@transaction.atomic
def batch_mark_ready(*, batch: PostalBatch) -> PostalBatch:
    if batch.state == BatchState.DRAFT:
        _parcels_withdraw_stale(batch)
    if not batch.parcels.filter(returned_at__isnull=True).exists():
        raise BatchError(_("Lô này chưa có bưu kiện nào."))
    updated = PostalBatch.objects.filter(pk=batch.pk, state=BatchState.DRAFT).update(
        state=BatchState.READY, ready_at=timezone.now()
    )
    batch.refresh_from_db()
    if not updated and batch.state != BatchState.READY:
        raise BatchError(
            _("Lô #%(n)d đang “%(s)s”, không đánh dấu sẵn sàng được nữa.")
            % {"n": batch.pk, "s": batch.get_state_display()}
        )
    return batch


class BatchHandOver:
    """Record that the post office took the batch: receipt number and date. Only once."""

    def __init__(
        self, batch: PostalBatch, user=None, *, receipt_number: str, handed_over_on: dt.date
    ):
        self.batch = batch
        self.user = user
        self.receipt_number = (receipt_number or "").strip()
        self.handed_over_on = handed_over_on

    def check(self) -> None:
        batch = self.batch
        if batch.state in (BatchState.HANDED_OVER, BatchState.CLOSED):
            raise BatchError(
                _(
                    "Lô #%(n)d đã giao cho bưu điện ngày %(d)s (biên nhận %(r)s). Không cần giao "
                    "lại; nếu sai thông tin, hãy báo quản trị."
                )
                % {
                    "n": batch.pk,
                    "d": f"{batch.handed_over_on:%d/%m/%Y}",
                    "r": batch.receipt_number,
                }
            )
        if batch.state != BatchState.READY:
            raise BatchError(
                _("Hãy đánh dấu lô “sẵn sàng gửi” (đã in nhãn, đóng gói) trước khi giao bưu điện.")
            )
        if carrier_for(batch.carrier).ships_by_api:
            raise BatchError(
                _("Lô này gửi qua %(c)s: hãy bấm “Tạo vận đơn” thay vì nhập biên nhận.")
                % {"c": carrier_for(batch.carrier).label}
            )
        if not self.receipt_number or len(self.receipt_number) > 60:
            raise BatchError(_("Hãy nhập số biên nhận của bưu điện (tối đa 60 ký tự)."))
        if self.handed_over_on is None or self.handed_over_on > timezone.localdate():
            raise BatchError(_("Ngày giao bưu điện không được để trống hay ở tương lai."))

    @transaction.atomic
    def execute(self) -> PostalBatch:
        self.batch = PostalBatch.objects.select_for_update().get(pk=self.batch.pk)
        self.check()
        _parcels_withdraw_stale(self.batch)
        result = carrier_for(self.batch.carrier).hand_over(
            batch=self.batch, receipt_number=self.receipt_number
        )
        updated = PostalBatch.objects.filter(pk=self.batch.pk, state=BatchState.READY).update(
            state=BatchState.HANDED_OVER,
            receipt_number=result.receipt_number,
            handed_over_on=self.handed_over_on,
        )
        if not updated:  # unreachable while we hold the row lock; kept as the guard
            raise BatchError(_("Lô này vừa được người khác cập nhật. Hãy tải lại trang."))
        ids = list(
            self.batch.parcels.filter(returned_at__isnull=True).values_list("order_id", flat=True)
        )
        _orders_move(
            ids=ids,
            from_state=State.ROUTED,
            to_state=State.HANDED_TO_POST,
            actor_id=actor_id_of(self.user),
            note=_("Đã gửi bưu điện"),
        )
        for code, number in result.tracking_numbers.items():
            Parcel.objects.filter(batch=self.batch, order__code=code).update(tracking_number=number)
        self.batch.refresh_from_db()
        return self.batch


@transaction.atomic
def batch_close(*, batch: PostalBatch) -> PostalBatch:
    updated = PostalBatch.objects.filter(pk=batch.pk, state=BatchState.HANDED_OVER).update(
        state=BatchState.CLOSED, closed_at=timezone.now()
    )
    batch.refresh_from_db()
    if not updated and batch.state != BatchState.CLOSED:
        raise BatchError(_("Chỉ đóng được lô đã giao bưu điện."))
    return batch


def clean_tracking_number(value: str) -> str:
    number = re.sub(r"[\s-]", "", value or "").upper()
    if not TRACKING_RE.match(number):
        raise BatchError(
            _("Mã vận đơn “%(v)s” không hợp lệ: chỉ gồm chữ và số, 6–30 ký tự.")
            % {"v": (value or "")[:40]}
        )
    return number


@transaction.atomic
def parcel_tracking_set(*, parcel: Parcel, tracking_number: str) -> Parcel:
    number = clean_tracking_number(tracking_number)
    if parcel.batch.state == BatchState.DRAFT:
        raise BatchError(_("Mã vận đơn có sau khi giao bưu điện; lô này còn đang gom."))
    clash = Parcel.objects.filter(tracking_number=number).exclude(pk=parcel.pk).first()
    if clash is not None:
        raise BatchError(
            _("Mã vận đơn %(t)s đã gán cho đơn %(c)s.") % {"t": number, "c": clash.order.code}
        )
    Parcel.objects.filter(pk=parcel.pk).update(tracking_number=number)
    parcel.refresh_from_db()
    return parcel


@dataclass
class TrackingImport:
    applied: int = 0
    unchanged: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line number, message)


def tracking_csv_import(*, batch: PostalBatch, data: bytes) -> TrackingImport:
    """Tracking numbers from a CSV (order code, tracking number). Good rows are applied;
    every bad row is reported with its line number and changes nothing."""
    report = TrackingImport()
    if batch.state == BatchState.DRAFT:
        report.errors.append((0, _("Lô này còn đang gom; nhập mã vận đơn sau khi giao bưu điện.")))
        return report
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        report.errors.append(
            (0, _("Tệp không phải CSV dạng UTF-8. Hãy lưu lại từ Excel bằng “CSV UTF-8”."))
        )
        return report
    try:
        dialect = csv.Sniffer().sniff(text[:2048], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    parcels = {
        p.order.code.upper(): p
        for p in batch.parcels.filter(returned_at__isnull=True).select_related("order")
    }
    seen: dict[str, int] = {}
    for line, row in enumerate(csv.reader(io.StringIO(text), dialect), start=1):
        cells = [c.strip() for c in row]
        if not any(cells):
            continue
        if line == 1 and cells[0].lower().replace(" ", "_") in (
            "ma_don",
            "order_code",
            "mã_đơn",
            "code",
        ):
            continue
        if len(cells) < 2 or not cells[0] or not cells[1]:
            report.errors.append((line, _("Cần hai cột: mã đơn, mã vận đơn.")))
            continue
        code = cells[0].upper()
        parcel = parcels.get(code)
        if parcel is None:
            report.errors.append((line, _("Mã đơn %(c)s không có trong lô này.") % {"c": code}))
            continue
        try:
            number = clean_tracking_number(cells[1])
        except BatchError as exc:
            report.errors.append((line, str(exc)))
            continue
        if number in seen and seen[number] != parcel.pk:
            report.errors.append((line, _("Mã vận đơn %(t)s lặp lại trong tệp.") % {"t": number}))
            continue
        seen[number] = parcel.pk
        if parcel.tracking_number == number:
            report.unchanged += 1
            continue
        try:
            parcel_tracking_set(parcel=parcel, tracking_number=number)
        except BatchError as exc:
            report.errors.append((line, str(exc)))
            continue
        report.applied += 1
    return report


@transaction.atomic
def parcel_return(*, parcel: Parcel, reason: str, actor=None) -> Parcel:
    """The post office sent a parcel back: the order fails and can be sent again."""
    reason = (reason or "").strip()
    if not reason:
        raise BatchError(_("Hãy ghi lý do bưu điện hoàn trả (ví dụ: không tìm thấy địa chỉ)."))
    updated = Parcel.objects.filter(pk=parcel.pk, returned_at__isnull=True).update(
        returned_at=timezone.now(), return_reason=reason[:200]
    )
    parcel.refresh_from_db()
    if not updated:
        return parcel
    order = parcel.order
    if order.state == State.HANDED_TO_POST:
        order_transition(
            order=order,
            to_state=State.FAILED,
            actor=actor,
            expected_from=State.HANDED_TO_POST,
            public_note=_("Bưu điện hoàn trả"),
        )
    elif order.state == State.ROUTED:
        order_transition(
            order=order, to_state=State.PACKED, actor=actor, expected_from=State.ROUTED
        )
    return parcel


@transaction.atomic
def parcel_delivered(*, parcel: Parcel, actor=None) -> Parcel:
    """The post office (or the recipient) confirms arrival."""
    order = parcel.order
    if parcel.returned_at is not None:
        raise BatchError(_("Bưu kiện này đã bị hoàn trả."))
    if order.state == State.DELIVERED:
        return parcel
    if order.state != State.HANDED_TO_POST:
        raise BatchError(
            _("Đơn %(c)s đang “%(s)s”: chỉ ghi nhận đã nhận khi bưu kiện đã gửi bưu điện.")
            % {"c": order.code, "s": order.get_state_display()}
        )
    order_transition(
        order=order, to_state=State.DELIVERED, actor=actor, expected_from=State.HANDED_TO_POST
    )
    return parcel


def parcel_remove_from_draft(*, order: Order) -> None:
    """Take an order back out of a batch that has not left yet (officer changed delivery)."""
    parcel = (
        Parcel.objects.filter(order=order, returned_at__isnull=True).select_related("batch").first()
    )
    if parcel is None:
        return
    if parcel.batch.state not in (BatchState.DRAFT, BatchState.READY):
        raise BatchError(
            _("Đơn %(c)s đã gửi bưu điện, không đổi cách giao được.") % {"c": order.code}
        )
    parcel.delete()


def parcel_withdraw(*, order_id: int) -> int:
    """A cancelled order leaves a batch that has not gone to the post office. Returns count.

    A parcel already handed over is left alone: the post office has it, and the order could
    not have been cancelled after that anyway.
    """
    deleted, _kinds = Parcel.objects.filter(
        order_id=order_id,
        returned_at__isnull=True,
        batch__state__in=(BatchState.DRAFT, BatchState.READY),
    ).delete()
    return deleted
