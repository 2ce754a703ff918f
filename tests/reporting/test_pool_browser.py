"""Stalls helping each other, on phones in Debian's Chromium: a district officer opens the pool
and proposes a transfer from A to B; B's officer accepts it and receives the items."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model

from reporting.models import Transfer
from tenants.models import Membership
from tests.conftest import host_of, make_user
from tests.gianhang import browser
from tests.gianhang.browser import PageAudit, needs_chromium
from tests.reporting.transfer_support import FixedWishes, place, shoes_in, stock_of, use_wishes

pytestmark = [pytest.mark.browser, pytest.mark.slow, needs_chromium]

# The workspace tests' live server (every host) and Debian's Chromium.
live_server_port = browser.live_server_port
chromium = browser.chromium

PASSWORD = "mat-khau-dai-123"
TIMEOUT = 30_000
PHONE = {"viewport": {"width": 360, "height": 640}, "is_mobile": True, "has_touch": True}


def _sign_in(page, address: str, username: str) -> None:
    page.goto(address)
    page.get_by_label("Tên đăng nhập (email)").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()


def test_a_district_officer_proposes_from_the_pool_and_b_receives_on_a_phone(
    live_stall_factory, live_server_port, chromium, monkeypatch
):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    a = place(live_stall_factory(name="Đoàn trường Hàng Dư"), 10.40, 106.20)
    b = place(live_stall_factory(name="Đoàn trường Đang Cần"), 10.43, 106.24)
    use_wishes(monkeypatch, FixedWishes({b.slug: [("giay-dep", "32", None, 12)]}))
    shoes_in(a, quantity=40)
    district = a.unit.parent
    district_officer = make_user(
        f"huyen-{a.slug}@example.vn", unit=district, role=Membership.Role.DISTRICT_OFFICER
    )
    officer_b = make_user(
        f"canbo-{b.slug}@example.vn", unit=b.unit, role=Membership.Role.SCHOOL_OFFICER
    )
    port = live_server_port
    audit = PageAudit("pool-phone")
    try:
        # 1. The district officer signs in on the public host and opens the pool.
        district_phone = chromium.new_context(locale="vi-VN", **PHONE)
        page = district_phone.new_page()
        page.set_default_timeout(TIMEOUT)
        _sign_in(page, f"http://localhost:{port}/dang-nhap/", district_officer.username)
        page.get_by_role("link", name="Kho chung: hàng dư và nơi đang cần").click()
        page.get_by_role("heading", name=re.compile("Kho chung của")).wait_for()
        audit(page, "kho-chung")
        match = page.locator("#matches li").filter(has_text=f"{a.name} → {b.name}")
        assert match.count() == 1
        assert match.get_by_label("Số lượng").input_value() == "12"
        match.get_by_label("Số lượng").fill("10")
        match.get_by_role("button", name="Đề nghị chuyển").click()
        page.locator(".r-messages").get_by_text("Đã đề nghị chuyển 10 món").wait_for()
        assert page.locator("#transfers").get_by_text("Đã đề nghị").count() == 1
        audit(page, "da-de-nghi")
        district_phone.close()
        assert stock_of(a) == {"Giày bata trắng": 30}

        # 2. B's officer, on a phone, accepts and then receives the items.
        phone = chromium.new_context(locale="vi-VN", **PHONE)
        page = phone.new_page()
        page.set_default_timeout(TIMEOUT)
        _sign_in(page, f"http://{host_of(b)}:{port}/dang-nhap/", officer_b.username)
        page.get_by_role("heading", name="Việc cần làm").wait_for()
        page.locator(".tiles").get_by_role("link", name=re.compile("chờ mình nhận")).click()
        card = page.locator("#incoming li").filter(has_text=a.name)
        card.get_by_text("Giày bata trắng (cỡ 32) × 10").wait_for()
        audit(page, "chuyen-hang")
        card.get_by_role("button", name="Đồng ý nhận").click()
        page.locator(".messages").get_by_text("Đã đồng ý nhận").wait_for()
        card = page.locator("#incoming li").filter(has_text=a.name)
        card.get_by_role("button", name="Đã nhận hàng").click()
        page.locator(".messages").get_by_text("Đã nhận hàng").wait_for()
        assert page.locator("#incoming li").filter(has_text=a.name).get_by_text("Đã nhận").count()
        audit(page, "da-nhan")

        # 3. The items are on B's storefront.
        page.goto(f"http://{host_of(b)}:{port}/")
        page.get_by_text("Giày bata trắng").first.wait_for()
        phone.close()

        transfer = Transfer.objects.get(from_stall=a, to_stall=b)
        assert transfer.state == Transfer.State.RECEIVED
        assert stock_of(b) == {"Giày bata trắng": 10}
        assert audit.problems == []
    finally:
        Transfer.objects.filter(from_stall__in=[a, b]).delete()
        get_user_model().objects.filter(pk=district_officer.pk).delete()
