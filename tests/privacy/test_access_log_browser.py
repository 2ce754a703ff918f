"""An officer on a phone prints a route sheet and finds the print in the stall's access log."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from catalog.models import Order
from logistics.models import Route
from logistics.routing import order_route
from logistics.runs import run_for_new_stops, run_plan, volunteer_signup
from tenants.models import Membership
from tests.conftest import host_of, in_stall, make_user
from tests.logistics.factories import order_make, school_commune, stall_place, volunteer_make
from tests.logistics.test_volunteer_browser import CHROMIUM, server  # noqa: F401 - fixture

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"{CHROMIUM} is not installed"),
]


def test_printing_a_route_sheet_shows_up_in_the_access_log(live_stall_factory, server):  # noqa: F811
    from playwright.sync_api import expect, sync_playwright

    stall = stall_place(live_stall_factory())
    officer = make_user(
        f"canbo-in-{stall.slug}@example.vn", unit=stall.unit, role=Membership.Role.SCHOOL_OFFICER
    )
    with in_stall(stall):
        order = order_make(area=school_commune(), state=Order.State.PACKED, name="Võ Thị Bích Ngọc")
        order_route(order_id=order.pk)
        run = run_for_new_stops()
        volunteer_signup(volunteer=volunteer_make(name="Đoàn Minh Khôi"), run=run)
        volunteer_signup(volunteer=volunteer_make(name="Lâm Thu Trang"), run=run)
        run_plan(run=run, seconds=0)
        route = Route.objects.get(run=run)
    base = f"http://{host_of(stall)}:{server}"
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"],
        )
        try:
            # A phone set to Vietnamese, like the officers'.
            page = browser.new_page(viewport={"width": 360, "height": 640}, locale="vi-VN")
            page.set_default_timeout(30000)
            page.goto(f"{base}/giao-nhan/chuyen/{run.pk}/")
            # Not signed in: the real login form, then back to the run.
            page.fill("input[name=username]", officer.username)
            page.fill("input[name=password]", "mat-khau-dai-123")
            page.click("main button[type=submit], main input[type=submit]")
            page.wait_for_url(f"**/giao-nhan/chuyen/{run.pk}/")
            link = page.get_by_role("link", name="In phiếu (PDF)").first
            expect(link).to_be_visible(timeout=15000)
            # The browser fetches the PDF the link points to, with the officer's session.
            body = page.evaluate(
                """async (url) => {
                    const r = await fetch(url, {credentials: "same-origin"});
                    return [r.status, Array.from(new Uint8Array(await r.arrayBuffer()))];
                }""",
                link.get_attribute("href"),
            )
            assert body[0] == 200
            pdf = ARTIFACTS / "privacy-route-sheet.pdf"
            pdf.write_bytes(bytes(body[1]))
            text = "\n".join(page.extract_text() for page in PdfReader(str(pdf)).pages)
            assert "Võ Thị Bích Ngọc" in text

            page.goto(f"{base}/can-bo/bao-mat/nhat-ky/")
            row = page.locator("tr", has_text=f"/giao-nhan/tuyen/{route.pk}/phieu.pdf")
            expect(row).to_be_visible(timeout=15000)
            assert officer.username in row.inner_text()
            assert "Xuất" in row.inner_text()
            page.screenshot(path=str(ARTIFACTS / "privacy-access-log-360.png"), full_page=True)
        finally:
            browser.close()
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "60",
            "-f",
            "1",
            "-l",
            "1",
            str(pdf),
            str(ARTIFACTS / "privacy-route-sheet"),
        ],
        check=False,
    )
