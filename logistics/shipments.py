"""Parcels booked through a carrier's API: the stall's choice, shipments, tracking, labels."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import Order, actor_id_of
from core.tenancy import current_schema
from logistics.batches import BatchError, _orders_move, parcel_delivered, parcel_return
from logistics.carriers import (
    GHN_DELIVERED,
    GHN_RETURNED,
    CarrierRejected,
    CarrierUnavailable,
    carrier_for,
)
from logistics.models import Parcel, PostalBatch, StallCarrier

State = Order.State
BatchState = PostalBatch.State


def stall_carrier_get() -> StallCarrier:
    """The stall's one setting (the counter until an officer chooses otherwise).

    A read: until an officer saves a choice the row does not exist and the default,
    unsaved, answers for it, so opening the setting page writes nothing.
    """
    return StallCarrier.objects.filter(pk=1).first() or StallCarrier(pk=1)


@transaction.atomic
def stall_carrier_set(*, code: str, ghn_shop_id: str = "") -> StallCarrier:
    """Choose how new batches are sent; a batch being filled follows the new choice."""
    ghn_shop_id = (ghn_shop_id or "").strip()
    if code not in StallCarrier.Code.values:
        raise BatchError(_("Hãy chọn một cách gửi trong danh sách."))
    if code == StallCarrier.Code.GHN and not ghn_shop_id.isdigit():
        raise BatchError(_("Hãy nhập mã cửa hàng GHN (ShopId, chỉ gồm chữ số)."))
    setting, _created = StallCarrier.objects.get_or_create(pk=1)
    StallCarrier.objects.filter(pk=setting.pk).update(
        code=code, ghn_shop_id=ghn_shop_id, updated_at=timezone.now()
    )
    PostalBatch.objects.filter(state=BatchState.DRAFT).update(carrier=code)
    setting.refresh_from_db()
    return setting


def client_order_code(parcel: Parcel) -> str:
    """Unique across the platform and the same on every try: GHN refuses it twice."""
    return f"{current_schema()}-{parcel.order.code}"[:50]


def parcel_ship(*, parcel_id: int) -> Parcel | None:
    """Book one parcel with its batch's carrier. Idempotent: a booked parcel is left alone,
    and a repeated booking (after a timeout) finds the first one by its client code.

    CarrierUnavailable propagates (try later); a refusal is kept on the parcel for officers.
    """
    with transaction.atomic():
        # The row lock is the claim: two workers never book the same parcel at once.
        parcel = (
            Parcel.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("order", "order__commune__parent", "order__province", "batch")
            .filter(pk=parcel_id, returned_at__isnull=True, tracking_number="")
            .first()
        )
        if parcel is None:
            return None
        carrier = carrier_for(parcel.batch.carrier)
        if not carrier.ships_by_api:
            return parcel
        try:
            shipment = carrier.shipment_create(
                parcel=parcel,
                client_code=client_order_code(parcel),
                shop_id=stall_carrier_get().ghn_shop_id,
            )
        except CarrierRejected as exc:
            Parcel.objects.filter(pk=parcel.pk).update(
                carrier_message=str(exc)[:300], carrier_checked_at=timezone.now()
            )
        else:
            fields: dict = {
                "tracking_number": shipment.tracking_number,
                "carrier_status": shipment.status[:30],
                "carrier_message": "",
                "carrier_checked_at": timezone.now(),
            }
            if shipment.fee:
                fields["postage"] = shipment.fee
            Parcel.objects.filter(pk=parcel.pk).update(**fields)
        parcel.refresh_from_db()
        return parcel


@dataclass
class ShipReport:
    booked: list[str] = field(default_factory=list)  # order codes
    refused: list[tuple[str, str]] = field(default_factory=list)  # (order code, message)


def batch_ship(*, batch_id: int, actor=None) -> ShipReport:
    """Book every parcel of a ready batch with its carrier's API, then hand the batch over.

    Parcels the carrier refuses stay in the batch, not sent, with the carrier's message:
    officers fix the address and return them to the next batch, or take them to the
    counter. A carrier that does not answer leaves the rest for the next try.
    """
    batch = PostalBatch.objects.get(pk=batch_id)
    if not carrier_for(batch.carrier).ships_by_api:
        raise BatchError(_("Lô này gửi tại quầy bưu điện, không tạo vận đơn qua API."))
    if batch.state != BatchState.READY:
        raise BatchError(_("Hãy đánh dấu lô “sẵn sàng gửi” trước khi tạo vận đơn."))
    live = Parcel.objects.filter(batch=batch, returned_at__isnull=True)
    for pk in live.filter(tracking_number="", carrier_message="").values_list("pk", flat=True):
        parcel_ship(parcel_id=pk)
    report = ShipReport()
    for parcel in live.select_related("order"):
        if parcel.tracking_number:
            report.booked.append(parcel.order.code)
        elif parcel.carrier_message:
            report.refused.append((parcel.order.code, parcel.carrier_message))
    if report.booked and len(report.booked) + len(report.refused) == live.count():
        _batch_handed_to_carrier(batch=batch, actor=actor)
    return report


@transaction.atomic
def _batch_handed_to_carrier(*, batch: PostalBatch, actor=None) -> None:
    updated = PostalBatch.objects.filter(pk=batch.pk, state=BatchState.READY).update(
        state=BatchState.HANDED_OVER,
        receipt_number=batch.carrier.upper(),
        handed_over_on=timezone.localdate(),
    )
    if not updated:
        return
    ids = list(
        Parcel.objects.filter(batch=batch, returned_at__isnull=True)
        .exclude(tracking_number="")
        .values_list("order_id", flat=True)
    )
    _orders_move(
        ids=ids,
        from_state=State.ROUTED,
        to_state=State.HANDED_TO_POST,
        actor_id=actor_id_of(actor),
        note=_("Đã tạo vận đơn, chờ bên vận chuyển đến lấy"),
    )


def parcels_tracked():
    """Booked parcels still on their way, oldest check first."""
    return (
        Parcel.objects.filter(
            returned_at__isnull=True,
            order__state=State.HANDED_TO_POST,
            batch__carrier__in=["ghn"],
        )
        .exclude(tracking_number="")
        .select_related("order", "batch")
        .order_by("carrier_checked_at", "pk")
    )


def parcels_track(*, limit: int = 200) -> int:
    """Ask the carrier where each shipment is; delivered and returned ones close the order.

    Returns how many changed. Stops at the first carrier outage (the next run carries on).
    """
    changed = 0
    for parcel in parcels_tracked()[:limit]:
        carrier = carrier_for(parcel.batch.carrier)
        try:
            status = carrier.shipment_status(tracking_number=parcel.tracking_number)
        except CarrierUnavailable:
            break
        if status != parcel.carrier_status:
            changed += 1
        Parcel.objects.filter(pk=parcel.pk).update(
            carrier_status=status[:30], carrier_checked_at=timezone.now()
        )
        if status in GHN_DELIVERED:
            parcel_delivered(parcel=parcel)
        elif status in GHN_RETURNED:
            parcel_return(parcel=parcel, reason=_("Bên vận chuyển báo: %(s)s") % {"s": status})
    return changed


def batch_label_url(*, batch: PostalBatch) -> str:
    """The carrier's printable labels of a booked batch (the counter's are the A6 PDF)."""
    carrier = carrier_for(batch.carrier)
    if not carrier.ships_by_api:
        raise BatchError(_("Lô này gửi tại quầy bưu điện: hãy in nhãn A6 (PDF)."))
    numbers = list(
        batch.parcels.filter(returned_at__isnull=True)
        .exclude(tracking_number="")
        .values_list("tracking_number", flat=True)
    )
    if not numbers:
        raise BatchError(_("Chưa có vận đơn nào trong lô này."))
    try:
        return carrier.label_url(tracking_numbers=numbers)
    except (CarrierRejected, CarrierUnavailable) as exc:
        raise BatchError(
            _("Chưa lấy được nhãn từ bên vận chuyển (%(e)s). Hãy thử lại sau ít phút.") % {"e": exc}
        ) from exc
