"""Transfers between stalls: writes that move stock out of one schema and into another.

Each write is one database transaction across the schemas it touches (PostgreSQL lets one
transaction write to several schemas): the sender's ledger rows, the receiver's ledger rows
and the public record commit together or not at all.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import tenant_context

from catalog.items import item_for_arrival
from catalog.models import Item, actor_id_of
from catalog.stock import StockError, stock_transfer_in, stock_transfer_out
from reporting.models import Transfer, TransferLine
from tenants.models import Stall, Unit

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

State = Transfer.State


class TransferError(ValidationError):
    """The transfer step was refused; nothing was changed."""


@dataclass(frozen=True)
class LineRequest:
    item_id: int
    quantity: int


@contextmanager
def _in_stall(stall: Stall) -> Iterator[None]:
    with tenant_context(stall):
        yield


def _check_pair(from_stall: Stall, to_stall: Stall) -> None:
    if from_stall.pk == to_stall.pk:
        raise TransferError(_("Gian hàng gửi và gian hàng nhận phải khác nhau."))
    if from_stall.is_public or to_stall.is_public:
        raise TransferError(_("Chỉ chuyển hàng giữa hai gian hàng."))
    if not to_stall.is_active:
        raise TransferError(_("Gian hàng nhận đang đóng, chưa nhận hàng được."))


@transaction.atomic
def transfer_propose(
    *,
    from_stall: Stall,
    to_stall: Stall,
    lines: Iterable[LineRequest],
    actor: AbstractBaseUser | AnonymousUser | None = None,
    unit: Unit | None = None,
) -> Transfer:
    """Propose sending items: they leave the sender's stock now ("chuyển đi" rows).

    The sender's ledger rows are written first, then the public record; a failure in either
    leaves both the sender's shelf and the public schema as they were.
    """
    _check_pair(from_stall, to_stall)
    wanted: dict[int, int] = {}
    for line in lines:
        if int(line.quantity) <= 0:
            raise TransferError(_("Số lượng mỗi món phải lớn hơn 0."))
        wanted[int(line.item_id)] = wanted.get(int(line.item_id), 0) + int(line.quantity)
    if not wanted:
        raise TransferError(_("Hãy chọn ít nhất một món để chuyển."))
    taken: list[tuple[Item, int]] = []
    with _in_stall(from_stall):
        items = {
            item.pk: item
            for item in Item.objects.filter(pk__in=list(wanted)).select_related("category")
        }
        for item_id, quantity in sorted(wanted.items()):  # ordered locks: no deadlock
            item = items.get(item_id)
            if item is None:
                raise TransferError(_("Không tìm thấy món hàng này trong gian hàng gửi."))
            note = _("Chuyển cho %(stall)s") % {"stall": to_stall.name}
            try:
                stock_transfer_out(item=item, quantity=quantity, actor=actor, note=note)
            except StockError as exc:
                raise TransferError(exc.messages) from exc
            taken.append((item, quantity))
    transfer = Transfer.objects.create(
        from_stall=from_stall,
        to_stall=to_stall,
        proposed_by_unit=unit or from_stall.unit,
        proposed_by_id=actor_id_of(actor),
    )
    TransferLine.objects.bulk_create(
        TransferLine(
            transfer=transfer,
            description=item.title[:160],
            category_slug=item.category.slug,
            size=item.size,
            grade=item.grade,
            quantity=quantity,
            source_item_id=item.pk,
        )
        for item, quantity in taken
    )
    return transfer


def items_matching(
    *, category_slug: str, size: str = "", grade: int | None = None
) -> QuerySet[Item]:
    """Items of the current stall in stock for a pool key (a blank size or grade: any)."""
    items = Item.objects.filter(category__slug=category_slug, available__gt=0)
    if size:
        items = items.filter(size=size)
    if grade is not None:
        items = items.filter(grade=grade)
    return items.order_by("-available", "pk")


@transaction.atomic
def transfer_propose_by_kind(
    *,
    from_stall: Stall,
    to_stall: Stall,
    category_slug: str,
    size: str = "",
    grade: int | None = None,
    quantity: int,
    actor: AbstractBaseUser | AnonymousUser | None = None,
    unit: Unit | None = None,
) -> Transfer:
    """Propose from the district pool: ``quantity`` units of a kind, from the sender's fullest
    items of that kind first (the district sees counts, never the sender's item list)."""
    quantity = int(quantity)
    if quantity <= 0:
        raise TransferError(_("Số lượng chuyển phải lớn hơn 0."))
    lines: list[LineRequest] = []
    left = quantity
    with _in_stall(from_stall):
        for item in items_matching(category_slug=category_slug, size=size, grade=grade):
            take = min(left, item.available)
            lines.append(LineRequest(item_id=item.pk, quantity=take))
            left -= take
            if left == 0:
                break
    if left > 0:
        raise TransferError(
            _("Gian hàng gửi chỉ còn %(n)d món loại này, không đủ %(q)d. Hãy nhập số nhỏ hơn.")
            % {"n": quantity - left, "q": quantity}
        )
    return transfer_propose(
        from_stall=from_stall, to_stall=to_stall, lines=lines, actor=actor, unit=unit
    )


def _lock_in(transfer: Transfer, allowed: tuple[str, ...]) -> None:
    """Hold the transfer's row for this transaction and check it may take the step."""
    state = (
        Transfer.objects.select_for_update()
        .filter(pk=transfer.pk)
        .values_list("state", flat=True)
        .first()
    )
    if state not in allowed:
        raise TransferError(
            _("Chuyển hàng này đang ở bước “%(state)s”, không làm bước này được nữa.")
            % {"state": State(state).label if state else "?"}
        )


def _step(
    transfer: Transfer, *, allowed: tuple[str, ...], to: str, stamp: str, **also: Any
) -> Transfer:
    """Move the transfer to ``to`` if it is still in one of ``allowed`` (a guarded update)."""
    now = timezone.now()
    changed = Transfer.objects.filter(pk=transfer.pk, state__in=allowed).update(
        state=to, **{stamp: now}, **also
    )
    if changed == 0:
        transfer.refresh_from_db()
        raise TransferError(
            _("Chuyển hàng này đang ở bước “%(state)s”, không làm bước này được nữa.")
            % {"state": transfer.get_state_display()}
        )
    transfer.refresh_from_db()
    return transfer


@transaction.atomic
def transfer_accept(*, transfer: Transfer) -> Transfer:
    """The receiving stall agrees to take the items."""
    return _step(transfer, allowed=(State.PROPOSED,), to=State.ACCEPTED, stamp="accepted_at")


@transaction.atomic
def transfer_send(*, transfer: Transfer) -> Transfer:
    """The sending stall has handed the items over for the way."""
    return _step(transfer, allowed=(State.ACCEPTED,), to=State.SENT, stamp="sent_at")


@transaction.atomic
def transfer_receive(
    *, transfer: Transfer, actor: AbstractBaseUser | AnonymousUser | None = None
) -> Transfer:
    """The items arrived: they enter the receiver's stock ("nhận về" rows), listed at once.

    Received straight from "accepted" when the sender brought the items in person.
    """
    _lock_in(transfer, (State.ACCEPTED, State.SENT))
    note = _("Nhận từ %(stall)s") % {"stall": transfer.from_stall.name}
    with _in_stall(transfer.to_stall):
        for line in transfer.lines.all():
            item = item_for_arrival(
                category_slug=line.category_slug,
                title=line.description,
                size=line.size,
                grade=line.grade,
            )
            stock_transfer_in(item=item, quantity=line.quantity, actor=actor, note=note)
    return _step(
        transfer,
        allowed=(State.ACCEPTED, State.SENT),
        to=State.RECEIVED,
        stamp="received_at",
        sent_at=Coalesce(F("sent_at"), timezone.now()),
    )


@transaction.atomic
def transfer_cancel(
    *, transfer: Transfer, actor: AbstractBaseUser | AnonymousUser | None = None
) -> Transfer:
    """Call the transfer off before it is received: the items go back on the sender's shelf."""
    transfer = _step(
        transfer, allowed=Transfer.OPEN_STATES, to=State.CANCELLED, stamp="cancelled_at"
    )
    note = _("Trả lại: hủy chuyển cho %(stall)s") % {"stall": transfer.to_stall.name}
    with _in_stall(transfer.from_stall):
        items = {
            i.pk: i
            for i in Item.objects.filter(pk__in=[ln.source_item_id for ln in transfer.lines.all()])
        }
        for line in transfer.lines.all():
            item = items.get(line.source_item_id)
            if item is None:  # the item was deleted meanwhile: it comes back as a new one
                item = item_for_arrival(
                    category_slug=line.category_slug,
                    title=line.description,
                    size=line.size,
                    grade=line.grade,
                )
            stock_transfer_in(item=item, quantity=line.quantity, actor=actor, note=note)
    return transfer
