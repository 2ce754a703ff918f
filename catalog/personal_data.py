"""What catalog holds about recipients, declared to the privacy registry; a recipient's data.

A recipient is known by their order: the order is the subject's root row, its history
notes and consent follow it, and other apps (outbox, runs, parcels) register their rows
of the same order.
"""

from __future__ import annotations

import datetime as dt
import hmac
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog.codes import tracking_code_clean
from catalog.models import Category, Donation, Item, Order, OrderEvent, StockEntry
from catalog.phones import phone_normalise
from privacy import registry
from privacy.models import SubjectKind
from privacy.selectors import consents_of
from privacy.services import subjects_anonymise, subjects_anonymise_due

RECIPIENT = SubjectKind.RECIPIENT
RECIPIENT_FIELDS = (
    "recipient_name",
    "phone",
    "phone_last4",
    "phone_hash",
    "address_line",
    "legacy_address",
    "note",
    "guardian_name",
    "guardian_phone",
)


def orders_due_for_anonymising(cutoff: dt.datetime) -> QuerySet[Order]:
    """Closed orders whose personal data has been kept long enough.

    Delivered and cancelled orders count from ``closed_at``; a failed order that nobody
    sent out again counts from its last change.
    """
    return Order.objects.filter(
        Q(state__in=[Order.State.DELIVERED, Order.State.CANCELLED], closed_at__lt=cutoff)
        | Q(state=Order.State.FAILED, updated_at__lt=cutoff)
    )


@transaction.atomic
def order_anonymise(*, order: Order, actor=None) -> Order:
    """Delete an order's personal data now (a deletion request), in every app. An open order
    is cancelled first, so its reserved items go back on the shelf."""
    from catalog.services import OrderStateError, order_transition  # services import this module

    order = Order.objects.select_for_update().get(pk=order.pk)
    if order.anonymised_at is None and order.is_open:
        try:
            order = order_transition(
                order=order, to_state=Order.State.CANCELLED, actor=actor, public_note=""
            )
        except OrderStateError:
            order.refresh_from_db()
            if order.is_open:
                raise
    subjects_anonymise(kind=RECIPIENT, ids=[order.pk], now=timezone.now())
    order.refresh_from_db()
    return order


def _order_delete(*, subject_id: int, actor=None) -> None:
    order_anonymise(order=Order.objects.get(pk=subject_id), actor=actor)


def recipient_order_verify(*, code: str, last4: str, phone: str) -> Order | None:
    """The order with this tracking code, if the phone given is really the recipient's."""
    return code_and_phone_match(Order.objects.all(), code=code, last4=last4, phone=phone)


def code_and_phone_match(rows: QuerySet, *, code: str, last4: str, phone: str):
    """The row with this tracking code, if the phone given is really the one it was given.

    For anything a person follows by code and phone (orders, round requests). Every failure
    looks the same (no hint whether the code exists), and the comparison is constant-time.
    Anonymised rows hold nothing more to show.
    """
    cleaned = tracking_code_clean(code)
    last4 = (last4 or "").strip()
    try:
        e164 = phone_normalise(phone)
    except ValidationError:
        return None
    if cleaned is None or len(last4) != 4 or not last4.isdigit():
        return None
    row = rows.filter(code=cleaned, anonymised_at__isnull=True).first()
    if row is None:
        return None
    ok_last4 = hmac.compare_digest(row.phone_last4.encode(), last4.encode())
    ok_phone = hmac.compare_digest(row.phone.encode(), e164.encode())
    return row if (ok_last4 and ok_phone) else None


def _verify(*, code: str, last4: str, phone: str) -> int | None:
    order = recipient_order_verify(code=code, last4=last4, phone=phone)
    return order.pk if order else None


def _find(code: str) -> int | None:
    return Order.objects.filter(code=code).values_list("pk", flat=True).first()


def _label(subject_id: int) -> str:
    return Order.objects.filter(pk=subject_id).values_list("code", flat=True).first() or ""


def order_personal_data(*, order: Order) -> dict[str, Any]:
    """Everything catalog holds about the recipient of one order (for access and export)."""
    order = (
        Order.objects.select_related("province", "commune")
        .prefetch_related("lines__item", "events")
        .get(pk=order.pk)
    )
    return {
        "order_code": order.code,
        "state": order.state,
        "placed_at": order.placed_at.isoformat(),
        "closed_at": order.closed_at.isoformat() if order.closed_at else None,
        "anonymised_at": order.anonymised_at.isoformat() if order.anonymised_at else None,
        "recipient_name": order.recipient_name,
        "phone": order.phone,
        "province": str(order.province) if order.province_id else "",
        "commune": str(order.commune) if order.commune_id else "",
        "address_line": order.address_line,
        "legacy_address": order.legacy_address,
        "note": order.note,
        "recipient_is_minor": order.recipient_is_minor,
        "guardian_name": order.guardian_name,
        "guardian_phone": order.guardian_phone,
        "items": [
            {"title": line.item.title, "quantity": line.quantity} for line in order.lines.all()
        ],
        "history": [
            {"state": event.to_state, "at": event.at.isoformat()} for event in order.events.all()
        ],
        "consents": [
            {
                "notice_version": c.notice_version,
                "accepted_at": c.accepted_at.isoformat(),
                "subject_is_minor": c.subject_is_minor,
                "guardian_name": c.guardian_name,
                "guardian_accepted_at": (
                    c.guardian_accepted_at.isoformat() if c.guardian_accepted_at else None
                ),
            }
            for c in consents_of(subject_kind=RECIPIENT, subject_id=order.pk)
        ],
        "retention_days_after_closing": settings.GIANHANG_RETENTION_DAYS,
    }


def _export(subject_id: int) -> dict[str, Any]:
    return order_personal_data(order=Order(pk=subject_id))


def personal_data_declare() -> None:
    """Called from ``CatalogConfig.ready``."""
    registry.subject_register(
        RECIPIENT,
        model=Order,
        due=orders_due_for_anonymising,
        stamp=("anonymised_at", "updated_at"),
        delete=_order_delete,
        export=_export,
        label=_label,
        find=_find,
        verify=_verify,
    )
    registry.personal_data_register(Order, fields=dict.fromkeys(RECIPIENT_FIELDS, ""))
    # Officers may have written a name into a public note; history keeps only the steps.
    registry.personal_data_register(OrderEvent, fields={"public_note": ""}, lookup="order_id")
    # A donor may leave a name (and a note about themselves); both go after retention.
    registry.subject_register(
        SubjectKind.DONOR,
        model=Donation,
        due=lambda cutoff: Donation.objects.filter(received_on__lt=cutoff.date()),
        label=lambda subject_id: f"#{subject_id}",
    )
    registry.personal_data_register(
        Donation, fields={"donor_name": "", "note": ""}, subjects=(SubjectKind.DONOR,)
    )
    about_goods = _("mô tả món hàng hoặc danh mục, không nói về người")
    registry.personal_data_exempt(Category, fields=["name", "name_en"], why=about_goods)
    registry.personal_data_exempt(Item, fields=["description", "search_text"], why=about_goods)
    registry.personal_data_exempt(
        StockEntry, fields=["note"], why=_("lý do điều chỉnh sổ kho do cán bộ ghi về món hàng")
    )


def orders_anonymise_closed(*, older_than_days: int | None = None, batch_size: int = 500) -> int:
    """Retention for recipients alone: forget orders closed long enough; return how many."""
    return subjects_anonymise_due(
        kind=RECIPIENT, older_than_days=older_than_days, batch_size=batch_size
    )
