"""Writes on stock: donations taken in, adjustments and write-offs, each one a ledger row."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

import django.dispatch
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Sum
from django.utils.translation import gettext as _

from catalog.cache import catalog_changed
from catalog.models import Donation, DonationLine, Item, StockEntry, actor_id_of
from core.tenancy import on_commit_in_this_schema

Kind = StockEntry.Kind

# Sent after the commit of every intake (sender=Item, item_id=..., quantity=...): new stock
# on the shelf. Apps above catalog (wanted lists) offer it to people who asked for it.
stock_taken_in = django.dispatch.Signal()

# Kinds an officer may record by hand; reservations, releases and hand-outs come from orders.
MANUAL_KINDS = (Kind.INTAKE, Kind.ADJUSTMENT, Kind.WRITE_OFF)


class StockError(ValidationError):
    """The stock change was refused; nothing was saved."""


def _apply(*, item_id: int, delta: int, title: str = "") -> None:
    catalog_changed()
    if delta >= 0:
        Item.objects.filter(pk=item_id).update(available=F("available") + delta)
        return
    changed = Item.objects.filter(pk=item_id, available__gte=-delta).update(
        available=F("available") + delta
    )
    if changed == 0:
        raise StockError(
            _(
                "Không thể bớt %(n)d khỏi “%(title)s”: trong kho không còn đủ (có thể đang giữ cho "
                "đơn). Hãy nhập số nhỏ hơn."
            )
            % {"n": -delta, "title": title or item_id}
        )


@transaction.atomic
def stock_change(
    *,
    item: Item,
    kind: str,
    quantity: int,
    actor=None,
    note: str = "",
    donation: Donation | None = None,
) -> StockEntry:
    """Record one manual change of stock: intake (+), write-off (−) or adjustment (±)."""
    if kind not in MANUAL_KINDS:
        raise StockError(_("Loại thay đổi này chỉ do đơn hàng tạo ra, không nhập tay được."))
    quantity = int(quantity)
    if kind == Kind.INTAKE and quantity <= 0:
        raise StockError(_("Số lượng nhập kho phải lớn hơn 0."))
    if kind == Kind.WRITE_OFF:
        if quantity == 0:
            raise StockError(_("Số lượng loại bỏ phải khác 0."))
        quantity = -abs(quantity)
    if kind == Kind.ADJUSTMENT and quantity == 0:
        raise StockError(_("Số lượng điều chỉnh phải khác 0 (dùng số âm để bớt)."))
    _apply(item_id=item.pk, delta=quantity, title=item.title)
    entry = StockEntry.objects.create(
        item=item,
        kind=kind,
        quantity=quantity,
        actor_id=actor_id_of(actor),
        note=note[:200],
        donation=donation,
    )
    item.refresh_from_db(fields=["available"])
    if kind == Kind.INTAKE:
        _taken_in_after_commit(item_id=item.pk, quantity=quantity)
    return entry


def _taken_in_after_commit(*, item_id: int, quantity: int) -> None:
    """Tell listeners (the wanted lists) after commit, in the schema of this stall."""
    on_commit_in_this_schema(
        lambda: stock_taken_in.send(sender=Item, item_id=item_id, quantity=quantity)
    )


@transaction.atomic
def donation_record(
    *,
    received_on: datetime.date,
    lines: Iterable[tuple[Item, int]],
    donor_name: str = "",
    note: str = "",
    actor=None,
) -> Donation:
    """Take in a donation: one donation, its lines, and an intake row per line."""
    lines = [(item, int(quantity)) for item, quantity in lines]
    if not lines:
        raise StockError(_("Hãy nhập ít nhất một món được tặng."))
    if any(quantity <= 0 for _item, quantity in lines):
        raise StockError(_("Số lượng mỗi món phải lớn hơn 0."))
    donation = Donation.objects.create(
        donor_name=donor_name.strip()[:120],
        received_on=received_on,
        note=note,
        recorded_by_id=actor_id_of(actor),
    )
    for item, quantity in lines:
        donation_line_intake(
            line=DonationLine.objects.create(donation=donation, item=item, quantity=quantity),
            actor=actor,
        )
    return donation


def donation_line_intake(*, line: DonationLine, actor=None) -> StockEntry:
    """Put a donation line on the shelf (used by the officer pages after saving a line)."""
    return stock_change(
        item=line.item,
        kind=Kind.INTAKE,
        quantity=line.quantity,
        actor=actor,
        donation=line.donation,
        note=_("Quyên góp ngày %(d)s") % {"d": f"{line.donation.received_on:%d/%m/%Y}"},
    )


def ledger_sum(*, item: Item) -> int:
    """The item's quantity as the ledger tells it (must always equal ``item.available``)."""
    return item.stock_entries.aggregate(total=Sum("quantity"))["total"] or 0


@transaction.atomic
def stock_transfer_out(*, item: Item, quantity: int, actor=None, note: str = "") -> StockEntry:
    """Take units off the shelf to send them to another stall (a "chuyển đi" ledger row)."""
    quantity = int(quantity)
    if quantity <= 0:
        raise StockError(_("Số lượng chuyển đi phải lớn hơn 0."))
    _apply(item_id=item.pk, delta=-quantity, title=item.title)
    entry = StockEntry.objects.create(
        item=item,
        kind=Kind.TRANSFER_OUT,
        quantity=-quantity,
        actor_id=actor_id_of(actor),
        note=note[:200],
    )
    item.refresh_from_db(fields=["available"])
    return entry


@transaction.atomic
def stock_transfer_in(*, item: Item, quantity: int, actor=None, note: str = "") -> StockEntry:
    """Put units that came from another stall (or came back) on the shelf ("nhận về")."""
    quantity = int(quantity)
    if quantity <= 0:
        raise StockError(_("Số lượng nhận về phải lớn hơn 0."))
    _apply(item_id=item.pk, delta=quantity, title=item.title)
    entry = StockEntry.objects.create(
        item=item,
        kind=Kind.TRANSFER_IN,
        quantity=quantity,
        actor_id=actor_id_of(actor),
        note=note[:200],
    )
    item.refresh_from_db(fields=["available"])
    # Units arriving from another stall answer this stall's wishes like any intake.
    _taken_in_after_commit(item_id=item.pk, quantity=quantity)
    return entry
