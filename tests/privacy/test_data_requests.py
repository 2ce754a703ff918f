"""Data-subject requests: a recipient sees, exports or deletes their data; officers process."""

from __future__ import annotations

import json

import pytest

from catalog.models import Item, Order
from privacy.models import AccessLog, DataRequest
from privacy.services import data_request_open, data_request_process
from tests.conftest import in_stall

PHONE = "+84912345678"


@pytest.fixture(autouse=True)
def _fresh_limits(stall_a, fresh_limits):
    """Rate-limit counters live in real Redis: start each test from zero."""
    fresh_limits(stall_a)


def _lookup(client, code="CNRY-0001", last4="5678", phone="0912345678"):
    return client.post("/bao-mat/du-lieu-cua-toi/", {"code": code, "last4": last4, "phone": phone})


def test_a_recipient_with_code_and_phone_sees_what_is_held(stall_a, order_factory, client_for):
    order_factory(stall_a, code="CNRY-0001", phone=PHONE)
    client = client_for(stall_a)
    response = _lookup(client)
    assert response.status_code == 302
    page = client.get(response["Location"])
    body = page.content.decode()
    assert "Nguyễn Thị Canary" in body
    assert "12 ấp Canary" in body
    assert PHONE in body
    assert "no-store" in page["Cache-Control"]
    with in_stall(stall_a):
        assert DataRequest.objects.filter(kind="access", state="done").count() == 1


@pytest.mark.parametrize(
    ("last4", "phone"), [("9999", "0912345678"), ("5678", "0912345999"), ("5678", "không phải số")]
)
def test_wrong_digits_show_nothing_and_say_what_to_check(
    stall_a, order_factory, client_for, last4, phone
):
    order_factory(stall_a, code="CNRY-0001", phone=PHONE)
    response = _lookup(client_for(stall_a), last4=last4, phone=phone)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Canary" not in body
    assert "không khớp" in body


def test_an_unknown_code_gets_the_same_answer_as_wrong_digits(stall_a, order_factory, client_for):
    order_factory(stall_a, code="CNRY-0001", phone=PHONE)
    wrong_digits = _lookup(client_for(stall_a), last4="0000").content.decode()
    unknown_code = _lookup(client_for(stall_a), code="WRNG-0001").content.decode()
    assert "không khớp" in wrong_digits
    assert "không khớp" in unknown_code


def test_lookups_with_wrong_digits_are_throttled_per_code(stall_a, order_factory, client_for):
    order_factory(stall_a, code="CNRY-0001", phone=PHONE)
    client = client_for(stall_a)
    statuses = [_lookup(client, last4=f"{n:04d}").status_code for n in range(5)]
    assert statuses == [200] * 5
    blocked = _lookup(client)  # even the right digits, once the code is throttled
    assert blocked.status_code == 429
    assert "quá nhiều lần" in blocked.content.decode()
    assert int(blocked["Retry-After"]) > 0


def test_lookups_are_throttled_per_address_across_codes(stall_a, client_for, settings):
    settings.GIANHANG_PRIVACY_LOOKUP_LIMIT_PER_IP = 10  # default 20 a minute (SECURITY.md)
    client = client_for(stall_a)
    statuses = [_lookup(client, code=f"G{n:03d}-0000").status_code for n in range(11)]
    assert statuses[:10] == [200] * 10
    assert statuses[10] == 429


def test_a_verified_session_does_not_open_data_on_another_stall(
    stall_a, stall_b, order_factory, client_for
):
    order_factory(stall_a, code="CNRY-0001", phone=PHONE)
    client = client_for(stall_a)
    _lookup(client)
    client_b = client_for(stall_b)
    client_b.cookies = client.cookies
    response = client_b.get("/bao-mat/du-lieu-cua-toi/xem/")
    assert response.status_code == 302
    assert b"Canary" not in response.content


def test_asking_for_deletion_twice_files_one_request(stall_a, order_factory, client_for):
    order_factory(stall_a, code="CNRY-0001", phone=PHONE)
    client = client_for(stall_a)
    _lookup(client)
    for _ in range(2):
        assert client.post("/bao-mat/du-lieu-cua-toi/xem/", {"kind": "delete"}).status_code == 302
    with in_stall(stall_a):
        assert DataRequest.objects.filter(kind="delete", state="pending").count() == 1


def test_a_bad_request_kind_is_refused_politely(stall_a, order_factory, client_for):
    order_factory(stall_a, code="CNRY-0001", phone=PHONE)
    client = client_for(stall_a)
    _lookup(client)
    response = client.post("/bao-mat/du-lieu-cua-toi/xem/", {"kind": "drop-table"}, follow=True)
    assert response.status_code == 200
    assert "Yêu cầu không hợp lệ" in response.content.decode()
    with in_stall(stall_a):
        assert not DataRequest.objects.exclude(kind="access").exists()


def test_processing_a_deletion_cancels_an_open_order_and_blanks_it(
    stall_a, order_factory, officer_factory, client_for
):
    order = order_factory(stall_a, code="CNRY-0001", phone=PHONE, quantity=2)
    officer = officer_factory(stall_a)
    with in_stall(stall_a):
        request = data_request_open(subject_id=order.pk, kind="delete")
    response = client_for(stall_a, officer).post(f"/can-bo/bao-mat/yeu-cau/{request.pk}/")
    assert response.status_code == 302
    with in_stall(stall_a):
        order.refresh_from_db()
        request.refresh_from_db()
        assert order.state == Order.State.CANCELLED
        assert order.anonymised_at is not None
        assert (order.recipient_name, order.phone, order.address_line) == ("", "", "")
        assert Item.objects.get(pk=order.lines.get().item_id).available == 10  # back on shelf
        assert (request.state, request.processed_by_id) == ("done", officer.pk)
        assert AccessLog.objects.filter(action="delete", object_id=str(order.pk)).exists()


def test_a_request_processed_twice_is_done_once(
    stall_a, order_factory, officer_factory, client_for
):
    order = order_factory(stall_a, code="CNRY-0001", phone=PHONE)
    officer = officer_factory(stall_a)
    with in_stall(stall_a):
        request = data_request_open(subject_id=order.pk, kind="export")
        data_request_process(data_request=request, officer=officer)
    response = client_for(stall_a, officer).post(
        f"/can-bo/bao-mat/yeu-cau/{request.pk}/", follow=True
    )
    assert response.status_code == 200
    assert "đã được xử lý rồi" in response.content.decode()


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_an_officer_export_holds_the_data_and_is_logged(
    stall_a, order_factory, officer_factory, client_for, fmt
):
    order_factory(stall_a, code="CNRY-0001", phone=PHONE)
    officer = officer_factory(stall_a)
    response = client_for(stall_a, officer).get(f"/can-bo/bao-mat/don/CNRY-0001/xuat.{fmt}")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    body = response.content.decode("utf-8-sig")
    if fmt == "json":
        assert json.loads(body)["recipient_name"] == "Nguyễn Thị Canary"
    else:
        assert "Nguyễn Thị Canary" in body
    with in_stall(stall_a):
        entry = AccessLog.objects.get(action="export")
        assert (entry.user_id, entry.username, entry.object_id) == (
            officer.pk,
            officer.username,
            "CNRY-0001",
        )


def test_an_unknown_export_format_is_404_and_not_logged(
    stall_a, order_factory, officer_factory, client_for
):
    order_factory(stall_a, code="CNRY-0001", phone=PHONE)
    response = client_for(stall_a, officer_factory(stall_a)).get(
        "/can-bo/bao-mat/don/CNRY-0001/xuat.xml"
    )
    assert response.status_code == 404
    with in_stall(stall_a):
        assert not AccessLog.objects.exists()


def test_only_school_officers_of_the_stall_may_export(stall_a, order_factory, client_for):
    from tenants.models import Membership
    from tests.conftest import make_user

    order_factory(stall_a, code="CNRY-0001", phone=PHONE)
    district = make_user(
        "huyen@example.vn", unit=stall_a.unit.parent, role=Membership.Role.DISTRICT_OFFICER
    )
    volunteer = make_user("doanvien@example.vn", unit=stall_a.unit, role=Membership.Role.VOLUNTEER)
    for user in (district, volunteer):
        response = client_for(stall_a, user).get("/can-bo/bao-mat/don/CNRY-0001/xuat.json")
        assert response.status_code == 403
        assert b"Canary" not in response.content
    assert client_for(stall_a).get("/can-bo/bao-mat/don/CNRY-0001/xuat.json").status_code == 302
