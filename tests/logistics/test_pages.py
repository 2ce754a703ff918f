"""Officers' delivery pages and the volunteers' phone page, through the real URLs."""

from __future__ import annotations

import io

import pytest
from django.test import override_settings
from django.utils import timezone
from pypdf import PdfReader

from catalog.models import Order
from logistics.batches import batch_build, batch_mark_ready
from logistics.models import Parcel, PostalBatch, Route, RunStop
from logistics.routing import order_route
from logistics.runs import route_link_token, run_for_new_stops, run_plan, volunteer_signup
from tests.conftest import in_stall
from tests.logistics.factories import (
    far_commune,
    order_make,
    school_commune,
    stall_place,
    volunteer_make,
)

pytestmark = pytest.mark.django_db
State = Order.State


def _planned_route(stall, n: int = 2) -> tuple[Route, list[Order]]:
    stall_place(stall)
    with in_stall(stall):
        orders = [
            order_make(area=school_commune(), state=State.PACKED, name=f"Huỳnh Thị Diễm {i}")
            for i in range(n)
        ]
        for order in orders:
            order_route(order_id=order.pk)
        run = run_for_new_stops()
        volunteer_signup(volunteer=volunteer_make(name="Ngô Bảo Châu"), run=run)
        volunteer_signup(volunteer=volunteer_make(name="Lý Thu Thảo"), run=run)
        run_plan(run=run, seconds=0)
        return Route.objects.get(run=run), orders


def _token(stall, route) -> str:
    with in_stall(stall):
        return route_link_token(route=route)


def test_officer_sees_the_run_with_its_routes(stall_a, officer_factory, client_for):
    route, orders = _planned_route(stall_a)
    client = client_for(stall_a, officer_factory(stall_a))
    response = client.get(f"/giao-nhan/chuyen/{route.run_id}/")
    assert response.status_code == 200
    assert orders[0].recipient_name in response.content.decode()


def test_officer_of_another_stall_is_refused(stall_a, stall_b, officer_factory, client_for):
    route, _orders = _planned_route(stall_a)
    client = client_for(stall_a, officer_factory(stall_b))
    assert client.get(f"/giao-nhan/chuyen/{route.run_id}/").status_code == 403
    assert client.get(f"/giao-nhan/tuyen/{route.pk}/phieu.pdf").status_code == 403


def test_anonymous_visitor_is_sent_to_login(stall_a, client_for):
    response = client_for(stall_a).get("/giao-nhan/")
    assert response.status_code == 302
    assert "/dang-nhap/" in response["Location"]


def test_route_sheet_is_a_pdf_with_the_recipients(stall_a, officer_factory, client_for):
    route, orders = _planned_route(stall_a)
    client = client_for(stall_a, officer_factory(stall_a))
    response = client.get(f"/giao-nhan/tuyen/{route.pk}/phieu.pdf")
    assert response["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert orders[0].recipient_name in text


def test_volunteer_link_shows_the_stops_and_marks_one_delivered(stall_a, client_for):
    route, orders = _planned_route(stall_a)
    token = _token(stall_a, route)
    client = client_for(stall_a)
    page = client.get(f"/giao/{token}/")
    assert page.status_code == 200
    assert orders[0].phone in page.content.decode()
    with in_stall(stall_a):
        stop = RunStop.objects.get(route=route, position=1)
    response = client.post(f"/giao/{token}/diem/{stop.pk}/", {"outcome": "delivered"})
    assert response.status_code == 302
    with in_stall(stall_a):
        assert Order.objects.get(pk=stop.order_id).state == State.DELIVERED


def test_wrong_link_gets_a_clear_page_and_changes_nothing(stall_a, client_for):
    route, _orders = _planned_route(stall_a)
    token = _token(stall_a, route)
    with in_stall(stall_a):
        stop = RunStop.objects.get(route=route, position=1)
    client = client_for(stall_a)
    bad = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    assert client.get(f"/giao/{bad}/").status_code == 403
    response = client.post(f"/giao/{bad}/diem/{stop.pk}/", {"outcome": "delivered"})
    assert response.status_code == 403
    assert "Đường dẫn" in response.content.decode()
    with in_stall(stall_a):
        assert RunStop.objects.get(pk=stop.pk).outcome == ""


def test_expired_link_is_refused(stall_a, client_for):
    route, _orders = _planned_route(stall_a)
    token = _token(stall_a, route)
    with override_settings(LOGISTICS_ROUTE_LINK_MAX_AGE=-1):
        response = client_for(stall_a).get(f"/giao/{token}/")
    assert response.status_code == 403


def test_link_of_a_replanned_route_no_longer_works(stall_a, client_for):
    route, _orders = _planned_route(stall_a)
    token = _token(stall_a, route)
    with in_stall(stall_a):
        run_plan(run=route.run, seconds=0)
    assert client_for(stall_a).get(f"/giao/{token}/").status_code == 403


def test_link_of_one_stall_opens_nothing_on_another(stall_a, stall_b, client_for):
    route, _orders = _planned_route(stall_a)
    token = _token(stall_a, route)
    assert client_for(stall_b).get(f"/giao/{token}/").status_code == 403


def test_volunteer_cannot_mark_a_stop_of_another_route(stall_a, client_for):
    route, _orders = _planned_route(stall_a, n=1)
    with in_stall(stall_a):
        other = order_make(area=school_commune(), state=State.PACKED)
        foreign = RunStop.objects.create(order=other, run=route.run)
    token = _token(stall_a, route)
    response = client_for(stall_a).post(
        f"/giao/{token}/diem/{foreign.pk}/", {"outcome": "delivered"}, follow=True
    )
    assert response.status_code == 200
    assert "không còn trong tuyến của bạn" in response.content.decode()
    with in_stall(stall_a):
        foreign.refresh_from_db()
        other.refresh_from_db()
        assert foreign.outcome == ""
        assert other.state == State.PACKED


def test_failed_without_reason_on_the_phone_page_changes_nothing(stall_a, client_for):
    route, _orders = _planned_route(stall_a, n=1)
    token = _token(stall_a, route)
    with in_stall(stall_a):
        stop = RunStop.objects.get(route=route)
    response = client_for(stall_a).post(
        f"/giao/{token}/diem/{stop.pk}/", {"outcome": "failed", "reason": ""}, follow=True
    )
    assert "lý do" in response.content.decode()
    with in_stall(stall_a):
        assert RunStop.objects.get(pk=stop.pk).outcome == ""


def _ready_batch(stall) -> PostalBatch:
    stall_place(stall)
    with in_stall(stall):
        for _i in range(2):
            order_make(area=far_commune(), state=State.PACKED, delivery="post")
        return batch_mark_ready(batch=batch_build())


def test_handing_a_batch_over_twice_on_the_page_is_refused(stall_a, officer_factory, client_for):
    batch = _ready_batch(stall_a)
    client = client_for(stall_a, officer_factory(stall_a))
    url = f"/giao-nhan/lo/{batch.pk}/giao-buu-dien/"
    day = timezone.localdate().isoformat()
    client.post(url, {"receipt_number": "BD-1", "handed_over_on": day})
    response = client.post(url, {"receipt_number": "BD-2", "handed_over_on": day}, follow=True)
    assert response.status_code == 200
    assert "đã giao cho bưu điện" in response.content.decode()
    with in_stall(stall_a):
        assert PostalBatch.objects.get(pk=batch.pk).receipt_number == "BD-1"


def test_hand_over_with_a_bad_date_is_a_message_not_an_error(stall_a, officer_factory, client_for):
    batch = _ready_batch(stall_a)
    client = client_for(stall_a, officer_factory(stall_a))
    response = client.post(
        f"/giao-nhan/lo/{batch.pk}/giao-buu-dien/",
        {"receipt_number": "BD-1", "handed_over_on": "31/02/2025"},
        follow=True,
    )
    assert response.status_code == 200
    with in_stall(stall_a):
        assert PostalBatch.objects.get(pk=batch.pk).state == PostalBatch.State.READY


def test_tracking_csv_upload_reports_bad_lines(stall_a, officer_factory, client_for):
    batch = _ready_batch(stall_a)
    client = client_for(stall_a, officer_factory(stall_a))
    client.post(
        f"/giao-nhan/lo/{batch.pk}/giao-buu-dien/",
        {"receipt_number": "BD-1", "handed_over_on": timezone.localdate().isoformat()},
    )
    with in_stall(stall_a):
        code = Parcel.objects.filter(batch=batch).first().order.code
    upload = io.BytesIO(f"{code},EE123456789VN\nKHONGCO,EE000000000VN\n".encode())
    upload.name = "ma.csv"
    response = client.post(f"/giao-nhan/lo/{batch.pk}/ma-van-don/", {"file": upload}, follow=True)
    body = response.content.decode()
    assert "Dòng 2" in body
    assert "KHONGCO" in body
    with in_stall(stall_a):
        assert Parcel.objects.get(order__code=code).tracking_number == "EE123456789VN"


def test_batch_documents_download(stall_a, officer_factory, client_for):
    batch = _ready_batch(stall_a)
    client = client_for(stall_a, officer_factory(stall_a))
    for kind, mime in (
        ("bang-ke.pdf", "application/pdf"),
        ("nhan.pdf", "application/pdf"),
        ("bang-ke.csv", "text/csv"),
    ):
        response = client.get(f"/giao-nhan/lo/{batch.pk}/{kind}")
        assert response.status_code == 200
        assert response["Content-Type"].startswith(mime)
    assert client.get(f"/giao-nhan/lo/{batch.pk}/khac.exe").status_code == 404


def test_overview_and_outbox_pages_open(stall_a, officer_factory, client_for):
    client = client_for(stall_a, officer_factory(stall_a))
    for url in (
        "/giao-nhan/",
        "/giao-nhan/lo/",
        "/giao-nhan/tin-nhan/",
        "/giao-nhan/chuyen/sap-toi/",
    ):
        assert client.get(url, follow=True).status_code == 200


def test_officer_resends_a_returned_order_by_post_from_the_batches_page(
    stall_a, officer_factory, client_for
):
    from logistics.batches import BatchHandOver, parcel_return

    batch = _ready_batch(stall_a)
    with in_stall(stall_a):
        BatchHandOver(batch, receipt_number="BD-9", handed_over_on=timezone.localdate()).execute()
        parcel = Parcel.objects.filter(batch=batch).first()
        parcel_return(parcel=parcel, reason="Không có người nhận")
    client = client_for(stall_a, officer_factory(stall_a))
    page = client.get("/giao-nhan/lo/")
    assert parcel.order.code in page.content.decode()
    client.post(f"/giao-nhan/don/{parcel.order_id}/cach-giao/", {"delivery": "post"})
    with in_stall(stall_a):
        order = Order.objects.get(pk=parcel.order_id)
        assert order.state == State.PACKED
        assert order.delivery_overridden


def test_override_with_a_made_up_choice_is_refused_without_change(
    stall_a, officer_factory, client_for
):
    stall_place(stall_a)
    with in_stall(stall_a):
        order = order_make(area=school_commune(), state=State.CONFIRMED)
    client = client_for(stall_a, officer_factory(stall_a))
    response = client.post(
        f"/giao-nhan/don/{order.pk}/cach-giao/", {"delivery": "bay"}, follow=True
    )
    assert response.status_code == 200
    with in_stall(stall_a):
        assert Order.objects.get(pk=order.pk).delivery == ""
