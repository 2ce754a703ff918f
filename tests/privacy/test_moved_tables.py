"""The move of consents, requests and the access log from catalog to privacy keeps every row.

A stall is put back where every stall stood before the move (catalog's privacy tables,
a request pointing at its order by a foreign key, a volunteer's consent as a date), rows
are written the old way, and the stall is migrated forward as a release would.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from catalog.models import Order
from catalog.personal_data import orders_anonymise_closed
from logistics.models import Volunteer
from logistics.volunteers import volunteer_may_deliver
from privacy.models import AccessLog, ConsentRecord, DataRequest, SubjectKind
from tests.conftest import in_stall
from tests.logistics.factories import order_make

pytestmark = pytest.mark.slow


def _migrate(stall, *target: str) -> None:
    call_command(
        "migrate_schemas", *target, schema_name=stall.schema_name, interactive=False, verbosity=0
    )
    connection.set_schema_to_public()


def _foreign_keys_of(table: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT con.conname FROM pg_constraint con JOIN pg_class rel ON rel.oid = con.conrelid "
            "WHERE con.contype = 'f' AND rel.relname = %s "
            "AND rel.relnamespace = current_schema()::regnamespace",
            [table],
        )
        return [row[0] for row in cursor.fetchall()]


def test_a_stall_made_before_the_move_keeps_its_consents_requests_and_log(live_stall_factory):
    stall = live_stall_factory()
    _migrate(stall, "catalog", "0003_privacy")
    now = timezone.now()
    with in_stall(stall):
        assert _foreign_keys_of("catalog_datarequest"), "the old shape has the order key"
        order = order_make(name="Hồ Thị Trước Khi Chuyển")
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO catalog_consentrecord (subject_kind, subject_id, notice_version, "
                "accepted_at, subject_is_minor, guardian_name, guardian_phone, "
                "guardian_accepted_at, created_at) VALUES "
                "('recipient', %s, '2025-07', %s, true, 'Hồ Văn Cha', '+84912000111', %s, %s)",
                [order.pk, now, now, now],
            )
            cursor.execute(
                "INSERT INTO catalog_datarequest (kind, state, channel, subject_kind, order_id, "
                "created_at, processed_by_username, outcome) VALUES "
                "('delete', 'pending', 'self', 'recipient', %s, %s, '', '')",
                [order.pk, now],
            )
            cursor.execute(
                "INSERT INTO catalog_accesslog (user_id, username, action, object_type, "
                "object_id, path, at) VALUES (7, 'canbo', 'view', 'catalog.order', %s, '/x', %s)",
                [str(order.pk), now],
            )
            cursor.execute(
                "INSERT INTO logistics_volunteer (name, chi_doan, phone, is_minor, guardian_name, "
                "guardian_consent_at, is_active, created_at) VALUES "
                "('Lý Văn Tình Nguyện', '10A1', '+84901000222', true, 'Lý Thị Mẹ', %s, true, %s) "
                "RETURNING id",
                [now, now],
            )
            (volunteer_id,) = cursor.fetchone()

    _migrate(stall)

    with in_stall(stall):
        consent = ConsentRecord.objects.get(subject_kind="recipient", subject_id=order.pk)
        assert (consent.guardian_name, consent.notice_version) == ("Hồ Văn Cha", "2025-07")
        request = DataRequest.objects.get(subject_id=order.pk)
        assert (request.kind, request.state, request.subject_label) == (
            "delete",
            "pending",
            order.code,
        )
        assert AccessLog.objects.get(object_id=str(order.pk)).username == "canbo"
        # A volunteer's consent that was a date is now a consent record.
        volunteer_consent = ConsentRecord.objects.get(
            subject_kind=SubjectKind.VOLUNTEER, subject_id=volunteer_id
        )
        assert volunteer_consent.guardian_name == "Lý Thị Mẹ"
        assert volunteer_consent.guardian_accepted_at is not None
        assert volunteer_may_deliver(Volunteer.objects.get(pk=volunteer_id))
        # Privacy sits below catalog: no key from its table into catalog's orders remains.
        assert _foreign_keys_of("catalog_datarequest") == []
        # And the order can still be forgotten, with its request left as the register's line.
        Order.objects.filter(pk=order.pk).update(
            state=Order.State.DELIVERED, closed_at=now - dt.timedelta(days=400)
        )
        assert orders_anonymise_closed(older_than_days=90) == 1
        assert ConsentRecord.objects.get(pk=consent.pk).guardian_name == ""
