"""District and province officers sign in from the public home and land on their dashboard."""

from __future__ import annotations

import pytest

from tenants.models import Membership
from tests.conftest import make_user
from tests.gianhang.browser import ARTIFACTS, needs_chromium

pytestmark = [pytest.mark.browser, needs_chromium]


@pytest.mark.parametrize("level", ["district", "province"])
def test_union_officer_lands_on_their_dashboard(
    level, live_stall_factory, live_server_port, chromium, monkeypatch
):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # ORM between browser steps
    stall = live_stall_factory()
    district = stall.unit.parent
    unit = district if level == "district" else district.parent
    role = (
        Membership.Role.DISTRICT_OFFICER
        if level == "district"
        else Membership.Role.PROVINCE_OFFICER
    )
    officer = make_user(f"{level}-{stall.slug}@example.vn", unit=unit, role=role)
    page = chromium.new_page(viewport={"width": 360, "height": 640}, locale="vi-VN")
    page.set_default_timeout(30_000)
    try:
        page.goto(f"http://localhost:{live_server_port}/")
        page.get_by_role("link", name="Cán bộ đăng nhập").first.click()
        page.get_by_label("Tên đăng nhập (email)").fill(officer.username)
        page.get_by_label("Mật khẩu").fill("mat-khau-dai-123")
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_url(f"**/bao-cao/don-vi/{unit.pk}/")
        assert unit.name in page.inner_text("main")
        width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert width[0] <= width[1]
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=ARTIFACTS / f"oversight-{level}-dashboard.png")
    finally:
        page.close()
        officer.delete()
