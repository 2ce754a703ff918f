"""Retention: personal data of closed orders is blanked after the configured days."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.conf import settings
from django.db.models import Count, Sum
from django.utils import timezone

from catalog.models import Order, OrderLine, StockEntry
from catalog.personal_data import RECIPIENT_FIELDS, orders_anonymise_closed
from catalog.services import order_transition
from privacy.models import ConsentRecord, SubjectKind
from privacy.services import consent_record
from privacy.tasks import retention_run_task
from tests.conftest import in_stall

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
PATH_TO_DELIVERED = ["confirmed", "packed", "routed", "out_for_delivery", "delivered"]


def _deliver(stall, order):
    with in_stall(stall):
        for state in PATH_TO_DELIVERED:
            order = order_transition(order=order, to_state=state)
    return order


def _report_facts():
    """What reporting counts from a stall's orders: none of it may change."""
    return {
        "by_state": dict(Order.objects.values_list("state").annotate(n=Count("pk"))),
        "by_delivery": dict(Order.objects.values_list("delivery").annotate(n=Count("pk"))),
        "by_commune": dict(Order.objects.values_list("commune_id").annotate(n=Count("pk"))),
        "by_day": dict(Order.objects.values_list("placed_at__date").annotate(n=Count("pk"))),
        "minors": Order.objects.filter(recipient_is_minor=True).count(),
        "items": OrderLine.objects.aggregate(n=Sum("quantity"))["n"],
        "ledger": dict(StockEntry.objects.values_list("kind").annotate(n=Sum("quantity"))),
        "handouts": StockEntry.objects.filter(kind="handout").count(),
    }


def _closed_orders(stall, order_factory):
    with time_machine.travel(T0, tick=False):
        delivered = _deliver(stall, order_factory(stall, name="Lê Văn Giao", quantity=2))
        minor = order_factory(
            stall,
            name="Bé Canary",
            recipient_is_minor=True,
            guardian_name="Mẹ Canary",
            guardian_phone="+84988000111",
        )
        with in_stall(stall):
            consent_record(
                subject_kind=SubjectKind.RECIPIENT,
                subject_id=minor.pk,
                subject_is_minor=True,
                guardian_name="Mẹ Canary",
                guardian_phone="+84988000111",
            )
            cancelled = order_transition(order=minor, to_state="cancelled")
    return delivered, cancelled


def test_closed_orders_keep_no_personal_data_after_retention(stall_a, order_factory):
    delivered, cancelled = _closed_orders(stall_a, order_factory)
    with time_machine.travel(T0 + dt.timedelta(days=91), tick=False), in_stall(stall_a):
        assert orders_anonymise_closed(older_than_days=90) == 2
        for order in Order.objects.filter(pk__in=[delivered.pk, cancelled.pk]):
            assert all(getattr(order, field) == "" for field in RECIPIENT_FIELDS), order.pk
            assert order.anonymised_at == timezone.now()
        consent = ConsentRecord.objects.get(subject_id=cancelled.pk)
        assert (consent.guardian_name, consent.guardian_phone) == ("", "")
        assert "Canary" not in str(list(Order.objects.values()))


def test_report_facts_are_the_same_after_retention(stall_a, order_factory):
    _closed_orders(stall_a, order_factory)
    with in_stall(stall_a):
        before = _report_facts()
    with time_machine.travel(T0 + dt.timedelta(days=91), tick=False), in_stall(stall_a):
        orders_anonymise_closed(older_than_days=90)
        assert _report_facts() == before


def test_orders_closed_fewer_days_ago_are_kept(stall_a, order_factory):
    delivered, _cancelled = _closed_orders(stall_a, order_factory)
    with time_machine.travel(T0 + dt.timedelta(days=89), tick=False), in_stall(stall_a):
        assert orders_anonymise_closed(older_than_days=90) == 0
        assert Order.objects.get(pk=delivered.pk).recipient_name == "Lê Văn Giao"


def test_open_orders_are_never_anonymised(stall_a, order_factory):
    with time_machine.travel(T0, tick=False):
        open_order = order_factory(stall_a, name="Đang Chờ")
    with time_machine.travel(T0 + dt.timedelta(days=400), tick=False), in_stall(stall_a):
        assert orders_anonymise_closed(older_than_days=90) == 0
        assert Order.objects.get(pk=open_order.pk).recipient_name == "Đang Chờ"


def test_running_retention_twice_changes_nothing_the_second_time(stall_a, order_factory):
    _closed_orders(stall_a, order_factory)
    with time_machine.travel(T0 + dt.timedelta(days=91), tick=False), in_stall(stall_a):
        orders_anonymise_closed(older_than_days=90)
        stamps = list(Order.objects.order_by("pk").values_list("anonymised_at", flat=True))
    with time_machine.travel(T0 + dt.timedelta(days=95), tick=False), in_stall(stall_a):
        assert orders_anonymise_closed(older_than_days=90) == 0
        assert list(Order.objects.order_by("pk").values_list("anonymised_at", flat=True)) == stamps


def test_retention_days_come_from_settings(stall_a, order_factory, settings):
    settings.GIANHANG_RETENTION_DAYS = 30
    _closed_orders(stall_a, order_factory)
    with time_machine.travel(T0 + dt.timedelta(days=31), tick=False), in_stall(stall_a):
        assert orders_anonymise_closed() == 2


def test_retention_of_one_stall_leaves_another_alone(stall_a, stall_b, order_factory):
    _closed_orders(stall_a, order_factory)
    _closed_orders(stall_b, order_factory)
    with time_machine.travel(T0 + dt.timedelta(days=91), tick=False):
        with in_stall(stall_a):
            retention_run_task()
        with in_stall(stall_b):
            assert Order.objects.filter(anonymised_at__isnull=True).count() == 2


def test_the_retention_job_is_on_the_beat_schedule():
    from gianhang.celery import app

    entries = [
        e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == retention_run_task.name
    ]
    assert entries, "retention job missing from CELERY_BEAT_SCHEDULE"
    app.loader.import_default_modules()
    assert retention_run_task.name in app.tasks
