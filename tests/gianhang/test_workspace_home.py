"""The "Việc cần làm" home: counts of what needs an officer now, each a link to the work."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from catalog.models import Order
from logistics.batches import batch_build, batch_mark_ready
from logistics.models import Route
from logistics.routing import order_route
from logistics.runs import run_for_new_stops, run_plan, volunteer_signup
from privacy.models import AccessLog
from tests.conftest import in_stall
from tests.logistics.factories import (
    far_commune,
    item_make,
    order_make,
    school_commune,
    stall_place,
    volunteer_make,
)

pytestmark = pytest.mark.django_db


def _count(body: str, label: str) -> int:
    match = re.search(r'<span class="n">(\d+)</span>' + re.escape(label), body)
    assert match, label
    return int(match.group(1))


def test_home_counts_orders_to_confirm_and_pack_and_out_of_stock_wanted(
    stall_a, client_for, officer_factory
):
    stall_place(stall_a)
    with in_stall(stall_a):
        order_make(state=Order.State.PLACED)
        order_make(state=Order.State.PLACED)
        order_make(state=Order.State.CONFIRMED)
        gone = item_make(available=1, title="Cặp sách")
        order_make(state=Order.State.PLACED, item=gone)  # takes the last one
    body = client_for(stall_a, user=officer_factory(stall_a)).get("/can-bo/").content.decode()
    assert _count(body, "Đơn chờ xác nhận") == 3
    assert _count(body, "Đơn chờ đóng gói") == 1
    assert _count(body, "Món hết hàng mà người nhận đang cần") == 1
    assert 'href="/can-bo/don-hang/?trang-thai=placed"' in body


def test_home_counts_far_orders_and_a_batch_ready_to_hand_over(
    stall_a, client_for, officer_factory
):
    stall_place(stall_a)
    with in_stall(stall_a):
        order_make(area=far_commune(), state=Order.State.PACKED, delivery=Order.Delivery.POST)
        order_make(area=far_commune(), state=Order.State.PACKED, delivery=Order.Delivery.POST)
    client = client_for(stall_a, user=officer_factory(stall_a))
    body = client.get("/can-bo/").content.decode()
    assert _count(body, "Đơn xa chờ gom lô bưu điện") == 2
    assert _count(body, "Lô sẵn sàng giao bưu điện") == 0
    with in_stall(stall_a):
        batch_mark_ready(batch=batch_build())
    body = client.get("/can-bo/").content.decode()
    assert _count(body, "Đơn xa chờ gom lô bưu điện") == 0
    assert _count(body, "Lô sẵn sàng giao bưu điện") == 1


def test_home_is_for_this_stalls_officers_only(stall_a, stall_b, client_for, officer_factory):
    assert client_for(stall_a).get("/can-bo/")["Location"].startswith("/dang-nhap/")
    assert client_for(stall_b, user=officer_factory(stall_a)).get("/can-bo/").status_code in (
        302,
        403,
    )


def test_navigation_reaches_every_section_and_marks_the_current_one(
    stall_a, client_for, officer_factory
):
    client = client_for(stall_a, user=officer_factory(stall_a))
    body = client.get("/can-bo/hang/").content.decode()
    nav = body.split('class="staff-nav', 1)[1].split("</nav>", 1)[0]
    for label in (
        "Việc cần làm", "Đơn hàng", "Hàng &amp; kho", "Quyên góp", "Giao nhận",
        "Tình nguyện viên", "Bảo mật", "Cài đặt", "Đăng xuất", "Đợt phát", "Cần tìm",
        "Sách giáo khoa",
    ):  # fmt: skip
        assert label in nav
    assert re.search(r'aria-current="page">Hàng &amp; kho<', nav)
    for url in re.findall(r'href="(/[^"]+)"', nav):
        assert client.get(url).status_code == 200, url


def test_home_says_whether_this_saturdays_route_sheets_were_printed(
    stall_a, client_for, officer_factory
):
    stall_place(stall_a)
    with in_stall(stall_a):
        for i in range(2):
            order_route(
                order_id=order_make(
                    area=school_commune(), state=Order.State.PACKED, name=f"Người nhận {i}"
                ).pk
            )
        run = run_for_new_stops()
    client = client_for(stall_a, user=officer_factory(stall_a))
    home = client.get("/can-bo/").content.decode()
    assert "Chưa chia tuyến" in home
    assert "phiếu tuyến" not in home
    with in_stall(stall_a):
        for name in ("Ngô Bảo Châu", "Lý Thu Thảo"):
            volunteer_signup(volunteer=volunteer_make(name=name), run=run)
        run_plan(run=run, seconds=0)
        route = Route.objects.get(run=run)
    home = client.get("/can-bo/").content.decode()
    assert "Chưa in phiếu tuyến" in home
    assert "Đã in phiếu tuyến" not in home
    # Printing the sheet from the run page is what counts.
    run_page = client.get(f"/giao-nhan/chuyen/{run.pk}/").content.decode()
    assert f"/giao-nhan/tuyen/{route.pk}/phieu.pdf" in run_page
    assert client.get(f"/giao-nhan/tuyen/{route.pk}/phieu.pdf").status_code == 200
    with in_stall(stall_a):
        printed = AccessLog.objects.get(object_type="logistics.route", object_id=str(route.pk))
    at = timezone.localtime(printed.at)
    home = client.get("/can-bo/").content.decode()
    assert f"Đã in phiếu tuyến lúc {at:%H:%M %d/%m} (1/1 tuyến)" in home
    assert "Chưa in phiếu tuyến" not in home


def test_home_counts_rounds_to_draw_and_waiting_wishes(stall_a, client_for, officer_factory):
    from catalog.models import Category
    from distribution.services import round_close
    from distribution.wishes import wish_leave
    from tests.distribution.factories import round_make, round_window_end

    with in_stall(stall_a):
        round_ = round_make(items=[(item_make(available=2, title="Xe đạp"), 2)])
        round_window_end(round_)
        round_close(round_=round_)
        for n in range(2):
            wish_leave(phone=f"09123456{n:02d}", category=Category.objects.get(slug="giay-dep"))
    body = client_for(stall_a, user=officer_factory(stall_a)).get("/can-bo/").content.decode()
    assert _count(body, "Đợt phát chờ bốc thăm") == 1
    assert _count(body, "Mong muốn đang chờ món") == 2
