"""Personal data of a stall: consent, retention, data-subject requests and the access log.

Writes are services (one transaction each, guarded and idempotent); reads are selectors.
Other apps call ``consent_record`` when a person accepts the notice, and listen to
``order_anonymised`` to blank any copy of an order's personal data they keep.
"""

from __future__ import annotations

import datetime as dt
import hmac
from typing import Any

import django.dispatch
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog.models import Order, OrderEvent, actor_id_of
from catalog.privacy_models import AccessLog, ConsentRecord, DataRequest, SubjectKind

# The notice a person accepts. A new text gets a new version (and a new template
# catalog/privacy/notice_<version>.html); old versions stay readable at their address.
NOTICE_VERSIONS: dict[str, dt.date] = {"2025-07": dt.date(2025, 7, 1)}
NOTICE_CURRENT = "2025-07"
GUARDIAN_AGE = 16

# Sent after commit with the ids of orders whose personal data was just blanked, so apps
# that copied any of it (notifications, route sheets) can blank their copy too.
order_anonymised = django.dispatch.Signal()  # (sender=Order, order_ids=[...])

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
ANONYMISED_FIELDS = dict.fromkeys(RECIPIENT_FIELDS, "")


# --- Consent ----------------------------------------------------------------------------


def consent_record(
    *,
    subject_kind: str,
    subject_id: int,
    notice_version: str = NOTICE_CURRENT,
    accepted_at: dt.datetime | None = None,
    subject_is_minor: bool = False,
    guardian_name: str = "",
    guardian_phone: str = "",
    guardian_accepted_at: dt.datetime | None = None,
    recorded_by=None,
) -> ConsentRecord:
    """Record that a recipient or volunteer accepted a notice; idempotent per version.

    For anyone under 16 the guardian's name, phone and acceptance are required. Called
    inside the caller's transaction (order placement, volunteer sign-up) so the consent and
    the data it covers are saved together or not at all.
    """
    if subject_kind not in SubjectKind.values:
        raise ValidationError(_("Loại đối tượng không hợp lệ."))
    if notice_version not in NOTICE_VERSIONS:
        raise ValidationError(
            _(
                "Phiên bản thông báo “%(version)s” không tồn tại. Hãy tải lại trang và đồng ý "
                "với thông báo hiện hành."
            )
            % {"version": notice_version}
        )
    now = timezone.now()
    guardian_name = guardian_name.strip()
    guardian_phone = guardian_phone.strip()
    if subject_is_minor:
        if not guardian_name or not guardian_phone:
            raise ValidationError(
                _(
                    "Người dưới 16 tuổi cần cha mẹ hoặc người giám hộ đồng ý: hãy ghi họ tên và "
                    "số điện thoại của cha mẹ/người giám hộ."
                )
            )
        guardian_accepted_at = guardian_accepted_at or accepted_at or now
    record = ConsentRecord(
        subject_kind=subject_kind,
        subject_id=subject_id,
        notice_version=notice_version,
        accepted_at=accepted_at or now,
        subject_is_minor=subject_is_minor,
        guardian_name=guardian_name,
        guardian_phone=guardian_phone,
        guardian_accepted_at=guardian_accepted_at if subject_is_minor else None,
        recorded_by_id=actor_id_of(recorded_by),
    )
    # One INSERT … ON CONFLICT, no savepoints (it runs inside every order placement): a
    # retried request touches the record already on file (same version, nothing else
    # changed) and gets its id, so nothing is recorded twice.
    ConsentRecord.objects.bulk_create(
        [record],
        update_conflicts=True,
        unique_fields=["subject_kind", "subject_id", "notice_version"],
        update_fields=["notice_version"],
    )
    return record


def consents_of_order(*, order: Order) -> QuerySet[ConsentRecord]:
    return ConsentRecord.objects.filter(subject_kind=SubjectKind.RECIPIENT, subject_id=order.pk)


# --- Retention and deletion ---------------------------------------------------------------


def _orders_anonymise(ids: list[int], now: dt.datetime) -> list[int]:
    """Blank the personal data of these orders (only those not yet blank); return their ids."""
    done = list(
        Order.objects.filter(pk__in=ids, anonymised_at__isnull=True)
        .select_for_update(skip_locked=True)
        .values_list("pk", flat=True)
    )
    if not done:
        return []
    Order.objects.filter(pk__in=done, anonymised_at__isnull=True).update(
        anonymised_at=now, updated_at=now, **ANONYMISED_FIELDS
    )
    ConsentRecord.objects.filter(subject_kind=SubjectKind.RECIPIENT, subject_id__in=done).update(
        guardian_name="", guardian_phone="", anonymised_at=now
    )
    # Officers may have written a name into a public note; history keeps only the steps.
    OrderEvent.objects.filter(order_id__in=done).exclude(public_note="").update(public_note="")
    transaction.on_commit(lambda: order_anonymised.send(sender=Order, order_ids=done))
    return done


def orders_due_for_anonymising(
    *, older_than_days: int, now: dt.datetime | None = None
) -> QuerySet[Order]:
    """Closed orders whose personal data has been kept long enough.

    Delivered and cancelled orders count from ``closed_at``; a failed order that nobody
    sent out again counts from its last change.
    """
    cutoff = (now or timezone.now()) - dt.timedelta(days=older_than_days)
    return Order.objects.filter(anonymised_at__isnull=True).filter(
        Q(state__in=[Order.State.DELIVERED, Order.State.CANCELLED], closed_at__lt=cutoff)
        | Q(state=Order.State.FAILED, updated_at__lt=cutoff)
    )


def orders_anonymise_closed(*, older_than_days: int | None = None, batch_size: int = 500) -> int:
    """Blank name, phone, address and notes of orders closed long ago; return how many.

    Order rows, their lines, states, dates, commune and the stock ledger stay, so every
    count (orders, items handed out, per commune, per day) is the same afterwards. Safe to
    run twice or in two workers at once: rows are claimed with SKIP LOCKED and the UPDATE
    is guarded by ``anonymised_at IS NULL``. Each batch is its own short transaction.
    """
    days = settings.GIANHANG_RETENTION_DAYS if older_than_days is None else older_than_days
    total = 0
    while True:
        with transaction.atomic():
            now = timezone.now()
            ids = list(
                orders_due_for_anonymising(older_than_days=days, now=now)
                .order_by("pk")
                .values_list("pk", flat=True)[:batch_size]
            )
            if not ids:
                return total
            done = _orders_anonymise(ids, now)
        total += len(done)
        if not done:  # everything left is locked by another worker: it will finish them
            return total


@transaction.atomic
def order_anonymise(*, order: Order, actor=None) -> Order:
    """Delete an order's personal data now (a deletion request). An open order is cancelled
    first, so its reserved items go back on the shelf; nothing else about it changes."""
    from catalog.services import OrderStateError, order_transition

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
    _orders_anonymise([order.pk], timezone.now())
    order.refresh_from_db()
    return order


# --- Data-subject requests ----------------------------------------------------------------


def recipient_order_verify(*, code: str, last4: str, phone: str) -> Order | None:
    """The order with this tracking code, if the phone given is really the recipient's.

    Every failure looks the same (no hint whether the code exists), and the comparison is
    constant-time. Anonymised orders hold nothing more to show.
    """
    from django.core.exceptions import ValidationError as InvalidPhone

    from catalog.codes import tracking_code_clean
    from catalog.phones import phone_normalise

    cleaned = tracking_code_clean(code)
    last4 = (last4 or "").strip()
    try:
        e164 = phone_normalise(phone)
    except InvalidPhone:
        return None
    if cleaned is None or len(last4) != 4 or not last4.isdigit():
        return None
    order = Order.objects.filter(code=cleaned, anonymised_at__isnull=True).first()
    if order is None:
        return None
    ok_last4 = hmac.compare_digest(order.phone_last4.encode(), last4.encode())
    ok_phone = hmac.compare_digest(order.phone.encode(), e164.encode())
    return order if (ok_last4 and ok_phone) else None


def data_request_open(
    *, order: Order, kind: str, channel: str = DataRequest.Channel.SELF_SERVICE
) -> DataRequest:
    """File a request; a second identical pending request returns the first.

    An access request is answered on the spot (the page shows the data), so it is filed
    as done: the register still shows that data was seen, when and through which channel.
    """
    if kind == DataRequest.Kind.ACCESS:
        return DataRequest.objects.create(
            order=order,
            kind=kind,
            channel=channel,
            state=DataRequest.State.DONE,
            processed_at=timezone.now(),
            outcome="shown to the recipient",
        )
    with transaction.atomic():
        try:
            with transaction.atomic():
                return DataRequest.objects.create(order=order, kind=kind, channel=channel)
        except IntegrityError:
            return DataRequest.objects.get(order=order, kind=kind, state=DataRequest.State.PENDING)


class DataRequestStateError(Exception):
    """The request was already handled (by someone else, or by a double click)."""


@transaction.atomic
def data_request_process(
    *, data_request: DataRequest, officer, reject: bool = False
) -> DataRequest:
    """Close a pending request: delete anonymises the order, export is marked as answered.

    Guarded: only a still-pending request moves, so two officers pressing at once do the
    work once; the loser gets ``DataRequestStateError``.
    """
    now = timezone.now()
    state = DataRequest.State.REJECTED if reject else DataRequest.State.DONE
    outcome = (
        "rejected"
        if reject
        else {
            DataRequest.Kind.DELETE: "personal data deleted (order anonymised)",
            DataRequest.Kind.EXPORT: "data exported to the recipient",
        }.get(data_request.kind, "done")
    )
    moved = DataRequest.objects.filter(pk=data_request.pk, state=DataRequest.State.PENDING).update(
        state=state,
        processed_at=now,
        processed_by_id=actor_id_of(officer),
        processed_by_username=officer.get_username()[:150],
        outcome=outcome,
    )
    if moved == 0:
        raise DataRequestStateError(data_request.pk)
    if not reject and data_request.kind == DataRequest.Kind.DELETE and data_request.order_id:
        order_anonymise(order=data_request.order, actor=officer)
        access_log_write(
            user=officer,
            action=AccessLog.Action.DELETE,
            object_type="catalog.order",
            object_id=data_request.order_id,
            path="",
        )
    data_request.refresh_from_db()
    return data_request


def order_personal_data(*, order: Order) -> dict[str, Any]:
    """Everything the stall holds about the recipient of one order (for access and export)."""
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
            for c in consents_of_order(order=order)
        ],
        "retention_days_after_closing": settings.GIANHANG_RETENTION_DAYS,
    }


def data_requests_for_officers() -> QuerySet[DataRequest]:
    return DataRequest.objects.select_related("order").order_by("state", "-created_at")


# --- Access log ---------------------------------------------------------------------------


def access_log_write(
    *, user, action: str, object_type: str, object_id: Any = "", path: str = ""
) -> AccessLog:
    return AccessLog.objects.create(
        user_id=user.pk,
        username=user.get_username()[:150],
        action=action,
        object_type=object_type[:60],
        object_id=str(object_id or "")[:64],
        path=path[:300],
    )


def access_log_entries(*, user_id: int | None = None) -> QuerySet[AccessLog]:
    entries = AccessLog.objects.all()
    if user_id is not None:
        entries = entries.filter(user_id=user_id)
    return entries
