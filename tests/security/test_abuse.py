"""Abuse resistance on the real order and tracking paths: bursts, guessing, new phones."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from catalog.models import Item, Order
from catalog.services import order_place
from privacy.models import ConsentRecord
from tenants.models import Stall
from tests.catalog.factories import item_make, recipient_make
from tests.conftest import host_of, in_stall
from tests.support.races import race


def _body(item_id: int, phone: str) -> str:
    return json.dumps(
        {
            "lines": [{"item": item_id, "quantity": 1}],
            "name": "Trần Thị Burst",
            "phone": phone,
            "commune_code": "28327",
            "address_line": "Ấp 4",
            "consent": True,
        }
    )


# The PostgreSQL server allows 100 connections in all: 20 threads, each with its own
# connection, fire the 100 requests together (released by one barrier, 5 each, no pause).
WORKERS = 20


def _burst(host: str, bodies: list[str], ips: list[str]) -> list[int]:
    """POST every body to /api/v1/orders/ at once from WORKERS threads; return statuses."""
    statuses: list = [0] * len(bodies)

    def work(worker: int) -> None:
        for n in range(worker, len(bodies), WORKERS):
            client = Client(HTTP_HOST=host, REMOTE_ADDR=ips[n])
            statuses[n] = client.post(
                "/api/v1/orders/", bodies[n], content_type="application/json"
            ).status_code

    for worker, outcome in enumerate(race(WORKERS, work, timeout=300)):
        if isinstance(outcome, Exception):
            statuses[worker] = repr(outcome)  # shows up as a wrong status below
    return statuses


def test_100_threads_at_once_on_the_order_limiter_let_only_the_limit_through(
    stall_a, settings, fresh_limits
):
    """The limiter step of the order path, 100 truly simultaneous callers (Redis only)."""
    from types import SimpleNamespace

    from django.db import connection

    from catalog.limits import order_attempt_allowed

    settings.GIANHANG_ORDER_LIMIT_PER_PHONE = 7
    fresh_limits(stall_a)

    def work(n: int):
        connection.set_tenant(stall_a)  # sets the schema name only: no database needed
        request = SimpleNamespace(META={"REMOTE_ADDR": f"10.1.{n}.1"})
        return order_attempt_allowed(request=request, phone="+84912000888")

    verdicts = race(100, work, timeout=60)
    assert sum(v.allowed for v in verdicts) == 7
    assert sorted(v.count for v in verdicts) == list(range(1, 101))  # no count was lost
    fresh_limits(stall_a)


@pytest.fixture
def roomy_stall(live_stall_factory, fresh_limits):
    """A stall whose own per-recipient limits are far away: only the rate limits bite."""
    stall = live_stall_factory()
    Stall.objects.filter(pk=stall.pk).update(max_items_per_period=1000, max_same_item=1000)
    stall.refresh_from_db()
    fresh_limits(stall)
    with in_stall(stall):
        item = item_make(quantity=500)
    yield stall, item
    fresh_limits(stall)


@pytest.mark.slow
def test_a_burst_of_100_parallel_orders_from_one_phone_lets_only_the_limit_through(
    roomy_stall, settings
):
    settings.GIANHANG_ORDER_LIMIT_PER_PHONE = 7
    settings.GIANHANG_ORDER_LIMIT_PER_IP = 1000
    stall, item = roomy_stall
    ips = [f"10.0.{n // 250}.{n % 250 + 1}" for n in range(100)]  # many addresses, one phone
    statuses = _burst(host_of(stall), [_body(item.pk, "0912000777")] * 100, ips)
    assert statuses.count(201) == 7, statuses
    assert statuses.count(429) == 93, statuses
    with in_stall(stall):
        assert Order.objects.count() == 7
        assert Item.objects.get(pk=item.pk).available == 500 - 7


@pytest.mark.slow
def test_a_burst_of_100_parallel_orders_from_one_address_lets_only_the_limit_through(
    roomy_stall, settings
):
    settings.GIANHANG_ORDER_LIMIT_PER_PHONE = 1000
    settings.GIANHANG_ORDER_LIMIT_PER_IP = 12
    stall, item = roomy_stall
    bodies = [_body(item.pk, f"0913{n:06d}") for n in range(100)]  # many phones, one IP
    statuses = _burst(host_of(stall), bodies, ["203.0.113.9"] * 100)
    assert statuses.count(201) == 12, statuses
    assert statuses.count(429) == 88, statuses
    with in_stall(stall):
        assert Order.objects.count() == 12


@pytest.fixture
def placed(stall_a, fresh_limits):
    fresh_limits(stall_a)
    with in_stall(stall_a):
        item = item_make(quantity=5)
        order = order_place(
            stall=stall_a, lines={item.pk: 1}, recipient=recipient_make(phone="0912345678")
        )
    yield order
    fresh_limits(stall_a)


def _track(client, code: str, last4: str):
    return client.get(f"/api/v1/orders/{code}/", {"phone_last4": last4})


def test_tracking_lookups_with_wrong_digits_are_throttled_per_address(
    placed, stall_a, client_for, settings
):
    settings.GIANHANG_TRACKING_LIMIT_PER_IP = 6
    client = client_for(stall_a)
    statuses = [_track(client, placed.code, f"{n:04d}").status_code for n in range(6)]
    assert statuses == [404] * 6
    blocked = _track(client, placed.code, "5678")  # the right digits, too late
    assert blocked.status_code == 429
    assert "quá nhiều" in blocked.json()["detail"]
    assert "Nguyễn" not in blocked.content.decode()


def test_guessing_one_codes_digits_from_many_addresses_is_throttled(placed, stall_a, settings):
    settings.GIANHANG_TRACKING_LIMIT_PER_CODE = 5
    host = host_of(stall_a)
    statuses = [
        _track(
            Client(HTTP_HOST=host, REMOTE_ADDR=f"198.51.100.{n}"), placed.code, f"{n:04d}"
        ).status_code
        for n in range(1, 6)
    ]
    assert statuses == [404] * 5
    blocked = _track(Client(HTTP_HOST=host, REMOTE_ADDR="198.51.100.77"), placed.code, "5678")
    assert blocked.status_code == 429


def test_the_right_code_and_digits_find_the_order_without_personal_data(
    placed, stall_a, client_for
):
    response = _track(client_for(stall_a), placed.code, "5678")
    assert response.status_code == 200
    body = response.content.decode()
    assert placed.code in body
    assert "0912345678" not in body
    assert "+84912345678" not in body


def test_tracking_codes_are_random_and_not_sequential(stall_a, fresh_limits):
    fresh_limits(stall_a)
    with in_stall(stall_a):
        item = item_make(quantity=20)
        codes = [
            order_place(stall=stall_a, lines={item.pk: 1}, recipient=recipient_make()).code
            for _ in range(8)
        ]
    assert len(set(codes)) == 8
    assert codes != sorted(codes)  # the chance of 8 random codes in order is 1 in 40,320
    assert all(len(code.replace("-", "")) == 8 for code in codes)


def test_a_stall_that_asks_for_it_holds_orders_from_new_phones_for_an_officer(stall_a):
    Stall.objects.filter(pk=stall_a.pk).update(confirm_new_phones=True)
    stall_a.refresh_from_db()
    with in_stall(stall_a):
        shirt, hat = item_make(quantity=5), item_make(quantity=5)
        first = order_place(
            stall=stall_a, lines={shirt.pk: 1}, recipient=recipient_make(phone="0912000111")
        )
        again = order_place(
            stall=stall_a, lines={hat.pk: 1}, recipient=recipient_make(phone="0912000111")
        )
    assert first.state == Order.State.PLACED  # new phone: waits for an officer
    assert again.state == Order.State.CONFIRMED  # the stall knows this phone now


def test_without_the_setting_new_phones_are_confirmed_at_once(stall_a):
    with in_stall(stall_a):
        item = item_make(quantity=5)
        order = order_place(
            stall=stall_a, lines={item.pk: 1}, recipient=recipient_make(phone="0912000222")
        )
    assert order.state == Order.State.CONFIRMED


def test_placing_an_order_records_the_consent_and_the_guardians(stall_a):
    with in_stall(stall_a):
        item = item_make(quantity=5)
        order = order_place(
            stall=stall_a,
            lines={item.pk: 1},
            recipient=recipient_make(
                is_minor=True, guardian_name="Lê Thị Mẹ", guardian_phone="0988000111"
            ),
        )
        consent = ConsentRecord.objects.get(subject_kind="recipient", subject_id=order.pk)
    assert consent.notice_version == order.consent_version
    assert consent.subject_is_minor
    assert consent.guardian_name == "Lê Thị Mẹ"
    assert consent.guardian_phone == "+84988000111"
    assert consent.guardian_accepted_at


def test_login_is_locked_after_repeated_failures_even_with_the_right_password(
    stall_a, officer_factory, client_for
):
    officer = officer_factory(stall_a)
    client = client_for(stall_a)
    for _ in range(5):
        client.post("/accounts/login/", {"username": officer.username, "password": "sai-roi"})
    response = client.post(
        "/accounts/login/", {"username": officer.username, "password": "mat-khau-dai-123"}
    )
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
