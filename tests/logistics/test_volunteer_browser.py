"""The volunteers' phone page in a real Chromium: mark one stop delivered, one failed."""

from __future__ import annotations

import os
import threading

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
from django.db import connections

from catalog.models import Order
from logistics.models import Route, RunStop
from logistics.routing import order_route
from logistics.runs import route_link_token, run_for_new_stops, run_plan, volunteer_signup
from tests.conftest import host_of, in_stall
from tests.logistics.factories import order_make, school_commune, stall_place, volunteer_make

CHROMIUM = "/usr/bin/chromium"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"{CHROMIUM} is not installed"),
]


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    from django.contrib.staticfiles.handlers import StaticFilesHandler

    httpd = ThreadedWSGIServer(("127.0.0.1", 0), QuietHandler, allow_reuse_address=False)
    httpd.set_app(StaticFilesHandler(WSGIHandler()))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd.server_address[1]
    httpd.shutdown()
    httpd.server_close()
    connections.close_all()


def test_volunteer_marks_stops_on_a_phone(live_stall_factory, server):
    from playwright.sync_api import sync_playwright

    stall = stall_place(live_stall_factory())
    with in_stall(stall):
        orders = [
            order_make(area=school_commune(), state=Order.State.PACKED, name=f"Châu Ngọc Quỳnh {i}")
            for i in range(2)
        ]
        for order in orders:
            order_route(order_id=order.pk)
        run = run_for_new_stops()
        volunteer_signup(volunteer=volunteer_make(name="Tạ Minh Nhật"), run=run)
        volunteer_signup(volunteer=volunteer_make(name="Hồ Gia Hân"), run=run)
        run_plan(run=run, seconds=0)
        route = Route.objects.get(run=run)
        token = route_link_token(route=route)
        first, second = route.stops.select_related("order").order_by("position")
        first_name = first.order.recipient_name  # no database calls inside Playwright's loop
    url = f"http://{host_of(stall)}:{server}/giao/{token}/"
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        try:
            page = browser.new_page(
                viewport={"width": 360, "height": 640}, java_script_enabled=False
            )
            page.goto(url)
            stop_one = page.locator(f"#diem-{first.pk}")
            assert first_name in stop_one.inner_text()
            stop_one.get_by_role("button", name="Đã giao").click()
            page.wait_for_load_state()
            assert "Đã giao" in page.locator(f"#diem-{first.pk} .badge").inner_text()
            stop_two = page.locator(f"#diem-{second.pk}")
            stop_two.locator("select").select_option("nobody_home")
            stop_two.get_by_role("button", name="Không giao được").click()
            page.wait_for_load_state()
            assert "Không có ai ở nhà" in page.locator(f"#diem-{second.pk}").inner_text()
        finally:
            browser.close()
    with in_stall(stall):
        assert RunStop.objects.get(pk=first.pk).outcome == "delivered"
        assert RunStop.objects.get(pk=second.pk).reason == "nobody_home"
        assert Order.objects.get(pk=first.order_id).state == Order.State.DELIVERED


def test_a_cancelled_stop_reads_do_not_deliver_on_a_phone(live_stall_factory, server, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    from catalog.services import order_transition

    stall = stall_place(live_stall_factory())
    with in_stall(stall):
        orders = [
            order_make(area=school_commune(), state=Order.State.PACKED, name=f"Đinh Thị Hoa {i}")
            for i in range(2)
        ]
        for order in orders:
            order_route(order_id=order.pk)
        run = run_for_new_stops()
        volunteer_signup(volunteer=volunteer_make(name="Tạ Minh Nhật"), run=run)
        volunteer_signup(volunteer=volunteer_make(name="Hồ Gia Hân"), run=run)
        run_plan(run=run, seconds=0)
        order_transition(order=Order.objects.get(pk=orders[0].pk), to_state=Order.State.CANCELLED)
        route = Route.objects.get(run=run)
        token = route_link_token(route=route)
        gone = RunStop.objects.get(order=orders[0])
        kept = RunStop.objects.get(order=orders[1])
    url = f"http://{host_of(stall)}:{server}/giao/{token}/"
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--no-first-run"]
        )
        try:
            page = browser.new_page(
                viewport={"width": 360, "height": 640},
                java_script_enabled=False,
                locale="vi-VN",
            )
            page.goto(url)
            cancelled = page.locator(f"#diem-{gone.pk}")
            expect(cancelled).to_contain_text("Đơn đã hủy, không giao", timeout=15000)
            expect(cancelled.get_by_role("button")).to_have_count(0)
            expect(cancelled).not_to_contain_text("Đinh Thị Hoa")
            expect(
                page.locator(f"#diem-{kept.pk}").get_by_role("button", name="Đã giao")
            ).to_be_visible(timeout=15000)
            page.screenshot(path=str(tmp_path / "volunteer-cancelled-stop.png"), full_page=True)
        finally:
            browser.close()
    with in_stall(stall):
        assert Order.objects.get(pk=orders[0].pk).state == Order.State.CANCELLED


def test_officer_confirms_before_planning_again_on_a_phone(live_stall_factory, server, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    from logistics.runs import stop_mark
    from tenants.models import Membership
    from tests.conftest import make_user

    stall = stall_place(live_stall_factory())
    officer = make_user(
        f"canbo-{stall.slug}@example.vn", unit=stall.unit, role=Membership.Role.SCHOOL_OFFICER
    )
    with in_stall(stall):
        orders = [
            order_make(area=school_commune(), state=Order.State.PACKED, name=f"Mai Anh Thư {i}")
            for i in range(3)
        ]
        for order in orders:
            order_route(order_id=order.pk)
        run = run_for_new_stops()
        volunteer_signup(volunteer=volunteer_make(name="Tạ Minh Nhật"), run=run)
        volunteer_signup(volunteer=volunteer_make(name="Hồ Gia Hân"), run=run)
        run_plan(run=run, seconds=0)
        done = RunStop.objects.filter(run=run).order_by("position").first()
        stop_mark(stop=done, outcome=RunStop.Outcome.DELIVERED)
        place = (done.route_id, done.position)
    base = f"http://{host_of(stall)}:{server}"
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--no-first-run"]
        )
        try:
            page = browser.new_page(
                viewport={"width": 360, "height": 640},
                java_script_enabled=False,
                locale="vi-VN",
            )
            page.goto(f"{base}/accounts/login/?next=/giao-nhan/chuyen/{run.pk}/")
            page.fill("#id_username", officer.username)
            page.fill("#id_password", "mat-khau-dai-123")
            page.get_by_role("button", name="Đăng nhập").click()
            page.get_by_role("link", name="Chia tuyến lại").click()
            expect(page.get_by_text("sẽ không dùng được nữa")).to_be_visible(timeout=15000)
            page.screenshot(path=str(tmp_path / "replan-confirm.png"), full_page=True)
            page.get_by_role("button", name="Chia tuyến lại").click()
            expect(page.locator(".msg-success")).to_contain_text("Đã chia tuyến", timeout=15000)
            expect(page.get_by_text("3 điểm · 3 đã xếp tuyến · 1 đã giao")).to_be_visible(
                timeout=15000
            )
            page.screenshot(path=str(tmp_path / "run-replanned.png"), full_page=True)
        finally:
            browser.close()
    with in_stall(stall):
        done.refresh_from_db()
        assert (done.route_id, done.position, done.outcome) == (*place, "delivered")
