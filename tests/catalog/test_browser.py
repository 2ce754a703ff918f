"""A real Chromium on a phone-sized screen places an order and follows it."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
from django.db import connections

from tests.catalog.factories import commune_current, item_make
from tests.conftest import host_of, in_stall

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="Debian's Chromium is not installed (apt-get install chromium)",
    ),
]


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def stall_server(live_stall_factory):
    """The real WSGI app on a loopback port, serving committed stalls (no test transaction)."""
    from gianhang.wsgi import application

    server = ThreadedWSGIServer(("127.0.0.1", 0), _QuietHandler)
    server.set_app(application)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()
    connections.close_all()


@pytest.fixture
def shop(live_stall_factory):
    """A committed stall with two items; made before the browser (whose loop forbids ORM)."""
    stall = live_stall_factory()
    with in_stall(stall):
        item_make(title="Áo sơ mi trắng", quantity=3, size_kind="clothing", size="M")
        item_make(title="Giày bata", quantity=2, category="giay-dep", size_kind="shoe", size="37")
    commune = commune_current()
    return host_of(stall), commune.parent_id, commune.pk


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield chromium
        chromium.close()


def test_recipient_orders_on_a_phone_and_follows_the_order(shop, stall_server, browser):
    host, province_id, commune_id = shop
    base = f"http://{host}:{stall_server}"
    ARTIFACTS.mkdir(exist_ok=True)
    phone = {
        "viewport": {"width": 360, "height": 740},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
        "locale": "vi-VN",
    }

    page = browser.new_context(**phone).new_page()
    page.goto(base + "/")
    page.screenshot(path=ARTIFACTS / "storefront-1-home.png", full_page=True)
    page.get_by_role("link", name=re.compile("Áo sơ mi trắng")).first.click()
    page.get_by_role("button", name="Thêm vào giỏ").click()
    page.get_by_role("link", name="Đặt hàng").click()

    page.get_by_label("Họ tên người nhận").fill("Võ Thị Thu")
    page.get_by_label("Số điện thoại di động").fill("0908 123 456")
    # The small script redraws the commune list on change (the button does it without JS).
    page.get_by_label("Tỉnh/Thành phố").select_option(str(province_id))
    page.wait_for_selector(f"#id_commune option[value='{commune_id}']", state="attached")
    assert page.get_by_label("Họ tên người nhận").input_value() == "Võ Thị Thu"
    page.get_by_label("Xã/Phường/Đặc khu").select_option(str(commune_id))
    page.get_by_label("Số nhà, đường, ấp/khu phố").fill("Ấp Tân Hòa, tổ 2")
    page.get_by_label(re.compile("Tôi đồng ý")).check()
    page.screenshot(path=ARTIFACTS / "storefront-2-checkout.png", full_page=True)
    page.get_by_role("button", name="Gửi đơn").click()

    code = page.locator("#order-code").inner_text().strip()
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}", code)
    page.screenshot(path=ARTIFACTS / "storefront-3-placed.png", full_page=True)

    # Another phone (no session): the code and the last 4 digits open the tracking page.
    other = browser.new_context(**phone).new_page()
    other.goto(base + "/theo-doi/")
    other.get_by_label("Mã đơn").fill(code.lower())
    other.get_by_label("4 số cuối điện thoại").fill("3456")
    other.get_by_role("button", name="Xem đơn").click()
    assert code in other.content()
    assert other.locator(".history li").count() == 2
    assert "Đã xác nhận" in other.locator(".state").inner_text()
    assert "Võ Thị Thu" not in other.content()
    other.screenshot(path=ARTIFACTS / "storefront-4-tracking.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
