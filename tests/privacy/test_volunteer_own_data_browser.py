"""On two phones without JavaScript: an officer passes a volunteer their personal link, the
volunteer reads and downloads their data and asks for deletion, the officer carries it out."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from catalog.models import Order
from logistics.models import Route, Volunteer
from logistics.routing import order_route
from logistics.runs import route_link_token, run_for_new_stops, run_plan, volunteer_signup
from tenants.models import Membership
from tests.conftest import host_of, in_stall, make_user
from tests.logistics.factories import order_make, school_commune, stall_place, volunteer_make
from tests.logistics.test_volunteer_browser import CHROMIUM, server  # noqa: F401 - fixture

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"{CHROMIUM} is not installed"),
]

PHONE = {"viewport": {"width": 360, "height": 640}, "java_script_enabled": False, "locale": "vi-VN"}


def _fits_a_phone(page) -> None:
    """Nothing runs off a 360 px screen; every button and button-like link is ≥ 44 px tall."""
    for element in page.locator("main *").all():
        box = element.bounding_box()
        assert box is None or box["x"] + box["width"] <= 360, (element.inner_text()[:60], box)
    for target in page.locator("main button, main a.button").all():
        box = target.bounding_box()
        assert box is not None
        assert box["height"] >= 44, (target.inner_text(), box)
        assert box["x"] + box["width"] <= 360, (target.inner_text(), box)


def test_a_volunteer_gets_their_data_and_its_deletion_on_a_phone(
    live_stall_factory,
    server,  # noqa: F811
    tmp_path,
):
    from playwright.sync_api import expect, sync_playwright

    stall = stall_place(live_stall_factory())
    officer = make_user(
        f"canbo-dl-{stall.slug}@example.vn", unit=stall.unit, role=Membership.Role.SCHOOL_OFFICER
    )
    with in_stall(stall):
        order = order_make(area=school_commune(), state=Order.State.PACKED, name="Lý Thị Nhận")
        order_route(order_id=order.pk)
        run = run_for_new_stops()
        volunteer = volunteer_make(name="Quách Gia Bảo Ngọc")
        volunteer_signup(volunteer=volunteer, run=run)
        volunteer_signup(volunteer=volunteer_make(name="Tôn Nữ Bạn Đi Cùng"), run=run)
        run_plan(run=run, seconds=0)
        route_url = f"/giao/{route_link_token(route=Route.objects.get(run=run))}/"
    base = f"http://{host_of(stall)}:{server}"
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--no-first-run"]
        )
        try:
            desk = browser.new_context(**PHONE).new_page()
            desk.set_default_timeout(30000)
            desk.goto(f"{base}/dang-nhap/?next=/can-bo/tinh-nguyen-vien/")
            desk.fill("#id_username", officer.username)
            desk.fill("#id_password", "mat-khau-dai-123")
            desk.get_by_role("button", name="Đăng nhập").click()
            row = desk.locator("li", has_text="Quách Gia Bảo Ngọc")
            row.get_by_role("link", name="Dữ liệu cá nhân").click()
            expect(
                desk.get_by_role("heading", name="Dữ liệu cá nhân của đoàn viên")
            ).to_be_visible()
            link = desk.locator("#own-link").input_value()
            _fits_a_phone(desk)
            desk.screenshot(path=str(tmp_path / "officer-volunteer-data.png"), full_page=True)
            assert link.startswith(f"{base}/bao-mat/doan-vien/")

            phone = browser.new_context(accept_downloads=True, **PHONE).new_page()
            phone.set_default_timeout(30000)
            # From the route page, before the personal link: how to get one.
            phone.goto(base + route_url)
            phone.get_by_role("link", name="Dữ liệu của bạn").click()
            expect(phone.get_by_text("đường dẫn riêng cán bộ Đoàn trường")).to_be_visible()
            phone.goto(link)
            expect(phone.get_by_role("heading", name="Dữ liệu của bạn")).to_be_visible()
            expect(phone.locator("main")).to_contain_text("Quách Gia Bảo Ngọc")
            expect(phone.locator("main")).to_contain_text("Trần Văn Hải")  # the guardian
            expect(phone.locator("main")).not_to_contain_text("Tôn Nữ Bạn Đi Cùng")
            _fits_a_phone(phone)
            phone.screenshot(path=str(tmp_path / "volunteer-own-data.png"), full_page=True)
            with phone.expect_download() as download:
                phone.get_by_role("link", name="Tải bản sao (JSON)").click()
            copy = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
            assert copy["name"] == "Quách Gia Bảo Ngọc"
            # Back on the route page later, the same phone finds its data again.
            phone.goto(base + route_url)
            phone.get_by_role("link", name="Dữ liệu của bạn").click()
            expect(phone.locator("main")).to_contain_text("Quách Gia Bảo Ngọc")
            phone.get_by_role("button", name="Yêu cầu xóa dữ liệu của tôi").click()
            expect(phone.locator(".msg-success")).to_contain_text("Đã gửi yêu cầu")

            desk.goto(f"{base}/can-bo/bao-mat/yeu-cau/")
            request_row = desk.locator("tr", has_text=f"#{volunteer.pk}")
            request_row.get_by_role("button", name="Xóa dữ liệu ngay").click()
            expect(desk.locator(".msg-success")).to_contain_text("Đã xử lý yêu cầu")

            phone.goto(link)
            expect(phone.get_by_role("heading", name="Đường dẫn không dùng được")).to_be_visible()
            expect(phone.locator("main")).not_to_contain_text("Quách Gia Bảo Ngọc")
        finally:
            browser.close()
    with in_stall(stall):
        gone = Volunteer.objects.get(pk=volunteer.pk)
        assert (gone.name, gone.phone, gone.guardian_phone) == ("", "", "")
