"""Writes on orders: placing, moving between states, cancelling. One transaction each."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

import django.dispatch
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog import batch
from catalog.cache import catalog_changed
from catalog.codes import tracking_code_clean, tracking_code_new
from catalog.models import Item, Order, OrderEvent, OrderLine, StockEntry, actor_id_of
from catalog.phones import phone_hash, phone_lock_key, phone_normalise
from privacy.models import SubjectKind
from privacy.notices import NOTICE_CURRENT
from privacy.services import consent_record
from tenants.geography import commune_current

State = Order.State

# Which state may follow which. Anything else is refused: a double click, a retried task
# or two officers acting at once can never move an order twice or backwards.
TRANSITIONS: dict[str, set[str]] = {
    State.PLACED: {State.CONFIRMED, State.CANCELLED},
    State.CONFIRMED: {State.PACKED, State.CANCELLED},
    State.PACKED: {State.ROUTED, State.CANCELLED},
    State.ROUTED: {State.OUT_FOR_DELIVERY, State.HANDED_TO_POST, State.PACKED, State.CANCELLED},
    State.OUT_FOR_DELIVERY: {State.DELIVERED, State.FAILED},
    State.HANDED_TO_POST: {State.DELIVERED, State.FAILED},
    State.FAILED: {State.PACKED},  # back into the next run or to post
    State.DELIVERED: set(),
    State.CANCELLED: set(),
}


# Sent after commit of every state change: (sender=Order, order=..., from_state=...,
# to_state=..., steps=...). ``steps`` lists every state the order entered in that commit,
# in order; a new order sends it once with from_state="" and steps ("placed",) or
# ("placed", "confirmed") when the stall confirms it at once. Senders of a single step may
# leave ``steps`` out. Logistics routes confirmed orders and queues recipient notifications.
order_state_changed = django.dispatch.Signal()


class OrderStateError(Exception):
    """The order is not in a state that allows this step; nothing was changed."""

    def __init__(self, order: Order, to_state: str):
        self.order = order
        self.to_state = to_state
        super().__init__(
            _("Đơn %(code)s đang ở trạng thái “%(state)s”, không thể chuyển sang “%(to)s”.")
            % {"code": order.code, "state": State(order.state).label, "to": State(to_state).label}
        )


@transaction.atomic
def order_transition(
    *,
    order: Order,
    to_state: str,
    actor=None,
    public_note: str = "",
    expected_from: str | None = None,
) -> Order:
    """Move an order one step, if and only if it is still in the state we saw.

    A conditional UPDATE (no check-then-act): of two concurrent callers exactly one wins,
    the other gets ``OrderStateError``. Cancelling returns the reserved stock; delivering
    writes the hand-out to the ledger.
    """
    from_state = expected_from or order.state
    if to_state not in TRANSITIONS.get(from_state, set()):
        raise OrderStateError(order, to_state)
    now = timezone.now()
    closed = to_state in Order.CLOSED_STATES and to_state != State.FAILED
    updated = Order.objects.filter(pk=order.pk, state=from_state).update(
        state=to_state, updated_at=now, **({"closed_at": now} if closed else {})
    )
    if updated == 0:
        order.refresh_from_db()
        raise OrderStateError(order, to_state)
    actor_id = actor_id_of(actor)
    OrderEvent.objects.create(
        order=order,
        from_state=from_state,
        to_state=to_state,
        actor_id=actor_id,
        public_note=public_note[:200],
    )
    if to_state == State.CANCELLED:
        _stock_release(order=order, actor_id=actor_id)
    elif to_state == State.DELIVERED:
        StockEntry.objects.bulk_create(
            [
                StockEntry(
                    item_id=line.item_id,
                    kind=StockEntry.Kind.HANDOUT,
                    quantity=0,
                    order=order,
                    actor_id=actor_id,
                    note=str(line.quantity),
                )
                for line in order.lines.all()
            ]
        )
    order.refresh_from_db()
    transaction.on_commit(
        lambda: order_state_changed.send(
            sender=Order, order=order, from_state=from_state, to_state=to_state
        )
    )
    return order


def _stock_release(*, order: Order, actor_id: int | None) -> None:
    catalog_changed()
    for line in order.lines.order_by("item_id"):  # ordered: no deadlocks between releases
        Item.objects.filter(pk=line.item_id).update(available=F("available") + line.quantity)
        StockEntry.objects.create(
            item_id=line.item_id,
            kind=StockEntry.Kind.RELEASE,
            quantity=line.quantity,
            order=order,
            actor_id=actor_id,
        )


# --- Placing an order --------------------------------------------------------------------

CONSENT_VERSION = NOTICE_CURRENT  # the personal-data notice shown at checkout
# A recipient may cancel until the order is packed; after that the officers handle it.
RECIPIENT_CANCELLABLE = (State.PLACED, State.CONFIRMED)
MAX_LINES = 20


class OrderRefused(Exception):
    """The order was not placed and nothing was saved; ``message`` says why, for a person.

    ``code`` is one of: ``out_of_stock`` (hết hàng), ``item_unavailable``, ``limit_items``,
    ``limit_same_item``, ``empty``.
    """

    def __init__(self, code: str, message: str, item_id: int | None = None):
        self.code = code
        self.message = message
        self.item_id = item_id
        super().__init__(message)


@dataclass(frozen=True)
class Recipient:
    """What a recipient gives at checkout (validated by the form or serializer first)."""

    name: str
    phone: str
    address_line: str
    province_id: int | None = None
    commune_id: int | None = None
    legacy_address: str = ""
    note: str = ""
    is_minor: bool = False
    guardian_name: str = ""
    guardian_phone: str = ""

    @classmethod
    def from_checkout_form(cls, data: Mapping) -> Recipient:
        """From the checkout form's cleaned data (every page that asks for a recipient)."""
        return cls(
            name=data["name"],
            phone=data["phone"],
            address_line=data["address_line"],
            province_id=data["province"].pk if data.get("province") else None,
            commune_id=data["commune"].pk if data.get("commune") else None,
            legacy_address=data.get("legacy_address", ""),
            note=data.get("note", ""),
            is_minor=data.get("is_minor", False),
            guardian_name=data.get("guardian_name", ""),
            guardian_phone=data.get("guardian_phone", ""),
        )

    @classmethod
    def from_api(cls, data: Mapping) -> Recipient:
        """From an API serializer's validated data (the commune names its province)."""
        commune = data["commune"]
        return cls(
            name=data["name"],
            phone=data["phone"],
            address_line=data["address_line"],
            province_id=commune.parent_id,
            commune_id=commune.pk,
            legacy_address=data.get("legacy_address", ""),
            note=data.get("note", ""),
            is_minor=data["recipient_is_minor"],
            guardian_name=data.get("guardian_name", ""),
            guardian_phone=data.get("guardian_phone", ""),
        )


def recipient_guardian_clean(*, is_minor: bool, guardian_name: str, guardian_phone: str) -> dict:
    """The guardian rule for recipients, the only place it is written: for a recipient under
    16 (``privacy.notices.GUARDIAN_AGE``) a parent's or guardian's name and mobile number.

    Returns the Order's fields, or raises ``ValidationError`` naming each wrong field; the
    checkout form and the API serializer call it to show the same messages at once.
    """
    if not is_minor:
        return {"recipient_is_minor": False}
    errors: dict[str, str] = {}
    name = " ".join((guardian_name or "").split())
    if not name:
        errors["guardian_name"] = _(
            "Người nhận dưới 16 tuổi: hãy nhập họ tên cha mẹ hoặc người giám hộ."
        )
    phone = ""
    try:
        phone = phone_normalise(guardian_phone)
    except ValidationError:
        errors["guardian_phone"] = _(
            "Hãy nhập số di động của cha mẹ hoặc người giám hộ, ví dụ 0901234567."
        )
    if errors:
        raise ValidationError(errors)
    return {"recipient_is_minor": True, "guardian_name": name[:120], "guardian_phone": phone}


def _recipient_clean(recipient: Recipient) -> dict:
    """The Order fields for a recipient, or ``ValidationError`` naming each wrong field."""
    errors: dict[str, str] = {}
    fields: dict = {}
    name = " ".join((recipient.name or "").split())
    if not name:
        errors["name"] = _("Hãy nhập họ tên người nhận.")
    fields["recipient_name"] = name[:120]
    try:
        fields["phone"] = phone_normalise(recipient.phone)
    except ValidationError as exc:
        errors["phone"] = exc.messages[0]
    # Static geography, read from memory: no round trip per order.
    commune = commune_current(pk=recipient.commune_id) if recipient.commune_id else None
    if commune is None:
        errors["commune"] = _("Hãy chọn xã/phường nơi nhận hàng.")
    elif recipient.province_id and commune.parent_id != recipient.province_id:
        errors["commune"] = _("Xã/phường này không thuộc tỉnh/thành đã chọn. Hãy chọn lại.")
    else:
        fields["commune_id"] = commune.pk
        fields["province_id"] = commune.parent_id
    address_line = " ".join((recipient.address_line or "").split())
    if not address_line:
        errors["address_line"] = _("Hãy nhập số nhà, đường hoặc ấp/khu phố.")
    fields["address_line"] = address_line[:200]
    fields["legacy_address"] = (recipient.legacy_address or "")[:255]
    fields["note"] = (recipient.note or "")[:1000]
    try:
        fields.update(
            recipient_guardian_clean(
                is_minor=recipient.is_minor,
                guardian_name=recipient.guardian_name,
                guardian_phone=recipient.guardian_phone,
            )
        )
    except ValidationError as exc:
        errors.update({field: problems[0] for field, problems in exc.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    fields["phone_last4"] = fields["phone"][-4:]
    fields["phone_hash"] = phone_hash(fields["phone"])
    return fields


def recipient_fields(recipient: Recipient) -> dict:
    """The checkout's validation of a recipient, for other ways of asking (a round's request,
    a wish): the Order-shaped fields, or ``ValidationError`` naming each wrong field."""
    return _recipient_clean(recipient)


def _lines_clean(lines: Mapping[int, int]) -> dict[int, int]:
    cleaned: dict[int, int] = {}
    for item_id, quantity in lines.items():
        try:
            item_id, quantity = int(item_id), int(quantity)
        except (TypeError, ValueError) as exc:
            raise OrderRefused(
                "empty", _("Giỏ hàng có dòng không hợp lệ. Hãy xem lại giỏ.")
            ) from exc
        if quantity > 0:
            cleaned[item_id] = cleaned.get(item_id, 0) + quantity
    if not cleaned:
        raise OrderRefused("empty", _("Giỏ hàng đang trống. Hãy chọn ít nhất một món."))
    if len(cleaned) > MAX_LINES:
        raise OrderRefused(
            "limit_items", _("Một đơn có tối đa %(n)d món khác nhau.") % {"n": MAX_LINES}
        )
    return cleaned


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


# The reads of every order, written out: they run on every order, and a queryset costs
# more to build than the statement costs to run.
def _items_wanted(wanted: Mapping[int, int]) -> batch.Statement:
    """(id, title, is_listed) of the items in the basket."""
    return (
        f"SELECT id, title, is_listed FROM {_table(Item)} WHERE id = ANY(%s)",  # noqa: S608
        [sorted(wanted)],
    )


def _limits_recent(*, stall, hashed: str) -> batch.Statement:
    """(item, quantity) of this phone's lines in the stall's period, cancelled orders aside."""
    since = timezone.now() - timedelta(days=stall.limit_period_days)
    return (
        f"SELECT line.item_id, line.quantity FROM {_table(OrderLine)} line "  # noqa: S608
        f"JOIN {_table(Order)} o ON o.id = line.order_id "
        "WHERE o.phone_hash = %s AND o.placed_at >= %s AND o.state <> %s",
        [hashed, since, State.CANCELLED.value],
    )


def _limits_check(
    *, stall, recent: list[tuple[int, int]], lines: dict[int, int], titles: dict[int, str]
) -> None:
    """Per-recipient limits of the stall, counted over the stall's period (not cancelled)."""
    already = sum(quantity for _item_id, quantity in recent)
    wanted = sum(lines.values())
    if already + wanted > stall.max_items_per_period:
        left = max(stall.max_items_per_period - already, 0)
        raise OrderRefused(
            "limit_items",
            _(
                "Mỗi người nhận được tối đa %(max)d món trong %(days)d ngày. Số điện thoại này "
                "còn được nhận %(left)d món. Hãy bớt món trong giỏ."
            )
            % {"max": stall.max_items_per_period, "days": stall.limit_period_days, "left": left},
        )
    for item_id, quantity in sorted(lines.items()):
        same = sum(q for other_id, q in recent if other_id == item_id)
        if same + quantity > stall.max_same_item:
            raise OrderRefused(
                "limit_same_item",
                _("“%(title)s”: mỗi người nhận được tối đa %(max)d cái trong %(days)d ngày.")
                % {
                    "title": titles.get(item_id, ""),
                    "max": stall.max_same_item,
                    "days": stall.limit_period_days,
                },
                item_id=item_id,
            )


def order_limits_check(*, stall, phone_hash: str, lines: Mapping[int, int]) -> None:
    """Whether this phone may still receive ``lines`` under the stall's per-recipient limits;
    ``OrderRefused`` (``limit_items`` or ``limit_same_item``) when not. Reads only."""
    wanted = _lines_clean(lines)
    sql, params = _limits_recent(stall=stall, hashed=phone_hash)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        recent = [(int(item_id), int(quantity)) for item_id, quantity in cursor.fetchall()]
        titles = dict(Item.objects.filter(pk__in=wanted).values_list("pk", "title"))
    _limits_check(stall=stall, recent=recent, lines=wanted, titles=titles)


def _code_taken(exc: IntegrityError) -> bool:
    """The insert hit the unique tracking code (a random collision), not another rule."""
    diag = getattr(exc.__cause__, "diag", None)
    constraint = getattr(diag, "constraint_name", "") or ""
    # Citus passes a worker's error on without the constraint's name; the message names it
    # (with the shard's suffix), in any server language.
    message = getattr(diag, "message_primary", "") or ""
    return "order_code" in constraint or '"catalog_order_code_key' in message


def _prefetched(order: Order, **related: list) -> None:
    """Fill ``order.<name>.all()`` with rows already in hand, as ``prefetch_related`` would."""
    cache = order.__dict__.setdefault("_prefetched_objects_cache", {})
    for name, rows in related.items():
        queryset = getattr(order, name).all()  # lazy: no query
        queryset._result_cache = rows
        queryset._prefetch_done = True
        cache[name] = queryset


def order_place(
    *,
    stall,
    lines: Mapping[int, int],
    recipient: Recipient,
    consent_version: str = CONSENT_VERSION,
    actor=None,
) -> Order:
    """Place an order: limits checked, stock reserved, code allocated, in one transaction.

    Raises ``ValidationError`` (field → message) for bad recipient data and
    ``OrderRefused`` for a refusal (out of stock, limits). Either way nothing is saved.
    The tracking code is random: on the rare collision the whole transaction is tried
    again with a new code (cheaper than a savepoint around every insert).
    """
    fields = _recipient_clean(recipient)
    wanted = _lines_clean(lines)
    for _attempt in range(8):
        try:
            return _order_place_once(
                stall=stall,
                wanted=wanted,
                fields=fields,
                consent_version=consent_version,
                actor=actor,
            )
        except IntegrityError as exc:
            if not _code_taken(exc):
                raise
    raise IntegrityError("could not allocate a unique tracking code")


@transaction.atomic
def _order_place_once(
    *, stall, wanted: dict[int, int], fields: dict, consent_version: str, actor
) -> Order:
    """One attempt in three round trips: read, record the consent, write and reserve.

    Orders of one phone are serialised with an advisory lock, so parallel orders cannot
    slip past the per-recipient limits; stock is reserved with conditional UPDATEs in
    item-id order, so it never goes below zero and two orders never deadlock. Nothing
    written is read back. The budget is kept by tests/catalog/test_order_place_queries.py.
    """
    hashed = fields["phone_hash"]
    # 1. Read. The lock comes first and is its own statement, so the limits read after it
    #    sees every order of this phone committed while we waited. The order's id is
    #    taken from its sequence here, so every row below can be written in one go.
    lock = (
        "SELECT pg_advisory_xact_lock(%s), nextval(pg_get_serial_sequence(%s, 'id'))",
        [phone_lock_key(hashed), _table(Order)],
    )
    reads = [
        lock,
        _items_wanted(wanted),
        _limits_recent(stall=stall, hashed=hashed),
    ]
    # Only asked when the stall wants officers to confirm new phones.
    if stall.confirm_new_phones:
        reads.append(batch.select(Order.objects.filter(phone_hash=hashed).values_list("pk")[:1]))
    [[(_locked, order_id)], item_rows, recent, *known] = batch.run(reads)

    titles = {pk: title for pk, title, _listed in item_rows}
    listed = {pk for pk, _title, is_listed in item_rows if is_listed}
    for item_id in sorted(wanted):
        if item_id not in listed:
            raise OrderRefused(
                "item_unavailable",
                _("Một món trong giỏ không còn trên gian hàng. Hãy xóa nó khỏi giỏ rồi đặt lại."),
                item_id=item_id,
            )
    _limits_check(stall=stall, recent=recent, lines=wanted, titles=titles)
    # Officers have little time: a phone the stall already knows goes straight through.
    needs_officer = stall.confirm_new_phones and not known[0]
    steps = [State.PLACED] if needs_officer else [State.PLACED, State.CONFIRMED]

    actor_id = actor_id_of(actor)
    now = timezone.now()
    order = Order(
        pk=order_id,
        code=tracking_code_new(),
        state=steps[-1],
        consent_version=consent_version[:20],
        consent_at=now,
        **fields,
    )
    # 2. The consent (and a guardian's, for a child) is saved with the order or not at all.
    consent_record(
        subject_kind=SubjectKind.RECIPIENT,
        subject_id=order.pk,
        notice_version=order.consent_version,
        accepted_at=order.consent_at,
        subject_is_minor=order.recipient_is_minor,
        guardian_name=order.guardian_name,
        guardian_phone=order.guardian_phone,
        recorded_by=actor,
    )
    # 3. Write the order, its lines, the ledger and both history steps, and reserve the
    #    stock last: a popular item's row stays locked only from its UPDATE to the commit,
    #    so parallel orders queue on it for one statement each, not for the whole order.
    items = {pk: Item(pk=pk, title=title) for pk, title in titles.items()}
    order_lines = [
        OrderLine(order=order, item=items[item_id], quantity=quantity)
        for item_id, quantity in sorted(wanted.items())
    ]
    ledger = [
        StockEntry(
            item_id=item_id,
            kind=StockEntry.Kind.RESERVATION,
            quantity=-quantity,
            order=order,
            actor_id=actor_id,
        )
        for item_id, quantity in sorted(wanted.items())
    ]
    events = [
        OrderEvent(order=order, from_state=from_state, to_state=to_state, actor_id=actor_id)
        for from_state, to_state in zip(["", *steps], steps, strict=False)
    ]
    reservations = [
        (
            f"UPDATE {_table(Item)} SET available = available - %s "  # noqa: S608 - a model's table
            "WHERE id = %s AND available >= %s",
            [quantity, item_id, quantity],
        )
        for item_id, quantity in sorted(wanted.items())  # in id order: no deadlocks
    ]
    catalog_changed()
    results = batch.run(
        [
            batch.insert([order]),
            batch.insert(order_lines),
            batch.insert(ledger),
            batch.insert(events),
            *reservations,
        ]
    )
    for item_id, count in zip(sorted(wanted), results[4:], strict=True):
        if count == 0:
            raise OrderRefused(
                "out_of_stock",
                _(
                    "Hết hàng: “%(title)s” không còn đủ số lượng bạn chọn. Hãy bớt số lượng hoặc "
                    "chọn món khác."
                )
                % {"title": titles[item_id]},
                item_id=item_id,
            )
    # What the caller shows (lines with titles, history) is what was just written.
    _prefetched(order, lines=order_lines, events=events)

    def announce() -> None:
        order_state_changed.send(
            sender=Order, order=order, from_state="", to_state=steps[-1], steps=tuple(steps)
        )

    transaction.on_commit(announce)
    return order


def order_find(*, code: str, phone_last4: str) -> Order | None:
    """The order with this tracking code, only if the last 4 digits of its phone match."""
    cleaned = tracking_code_clean(code)
    last4 = "".join(ch for ch in (phone_last4 or "") if ch.isdigit())
    if cleaned is None or len(last4) != 4:
        return None
    return Order.objects.filter(code=cleaned, phone_last4=last4, anonymised_at__isnull=True).first()


def order_cancel_by_recipient(*, order: Order) -> Order:
    """The recipient changed their mind: allowed until packing; the stock goes back."""
    if order.state not in RECIPIENT_CANCELLABLE:
        raise OrderStateError(order, State.CANCELLED)
    return order_transition(
        order=order,
        to_state=State.CANCELLED,
        expected_from=order.state,
        public_note=_("Người nhận đã hủy đơn."),
    )
