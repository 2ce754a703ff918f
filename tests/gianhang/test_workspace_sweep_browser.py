"""Every workspace page on a 360 px phone, in Vietnamese and in English, and an officer giving
a colleague a temporary password, all in Debian's Chromium through the real login form."""

from __future__ import annotations

import re

import pytest

from tenants.models import Membership
from tests.conftest import host_of, make_user
from tests.gianhang.browser import ARTIFACTS, PageAudit, needs_chromium
from tests.gianhang.staff_pages import stall_fill

pytestmark = [pytest.mark.browser, pytest.mark.slow, needs_chromium]

PASSWORD = "mat-khau-dai-123"
NEW_PASSWORD = "Hoa-sen-tim-2026"
TIMEOUT = 30_000
PHONE = {"viewport": {"width": 360, "height": 640}, "is_mobile": True, "has_touch": True}


def _sign_in(page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/dang-nhap/")
    page.get_by_label("Tên đăng nhập (email)").fill(username)
    page.get_by_label("Mật khẩu", exact=True).fill(password)
    page.get_by_role("button", name="Đăng nhập").click()


def test_every_workspace_page_fits_a_phone_in_both_languages(
    live_stall_factory, live_server_port, chromium, monkeypatch
):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    stall = live_stall_factory(name="Đoàn trường Quét Trang")
    filled = stall_fill(stall)
    officer = make_user(
        f"canbo-{stall.slug}@example.vn", unit=stall.unit, role=Membership.Role.SCHOOL_OFFICER
    )
    base = f"http://{host_of(stall)}:{live_server_port}"
    context = chromium.new_context(locale="vi-VN", **PHONE)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    _sign_in(page, base, officer.username, PASSWORD)
    page.get_by_role("heading", name="Việc cần làm").wait_for()

    audit = PageAudit("sweep-vi")
    for n, url in enumerate(filled.pages):
        page.goto(base + url)
        audit(page, f"trang-{n:02d}")
    assert audit.problems == []

    # The language switch at the foot of every page, as a person would use it.
    page.goto(f"{base}/can-bo/")
    page.locator("form.lang").get_by_role("button", name="English").click()
    page.get_by_role("heading", name="To do").wait_for()
    problems = []
    for n, url in enumerate(filled.pages):
        page.goto(base + url)
        page.wait_for_load_state()
        width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if width[0] > width[1]:
            problems.append(f"{url}: scrolls sideways ({width[0]} > {width[1]} px)")
        if page.locator("html").get_attribute("lang") != "en":
            problems.append(f"{url}: not in English")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=ARTIFACTS / f"sweep-en-{n:02d}.png", full_page=True)
    assert problems == []
    context.close()


def test_an_officer_gives_a_colleague_a_temporary_password_who_then_sets_their_own(
    live_stall_factory, live_server_port, chromium, monkeypatch
):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    stall = live_stall_factory(name="Đoàn trường Mật Khẩu Tạm")
    officer = make_user(
        f"canbo-{stall.slug}@example.vn", unit=stall.unit, role=Membership.Role.SCHOOL_OFFICER
    )
    colleague = make_user(
        f"ban-{stall.slug}@example.vn", unit=stall.unit, role=Membership.Role.SCHOOL_OFFICER
    )
    base = f"http://{host_of(stall)}:{live_server_port}"
    audit = PageAudit("mat-khau-tam")

    context = chromium.new_context(locale="vi-VN", **PHONE)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    _sign_in(page, base, officer.username, PASSWORD)
    page.locator(".staff-nav").get_by_role("link", name="Cài đặt", exact=True).click()
    page.get_by_role("link", name="Cán bộ và mật khẩu tạm").click()
    audit(page, "can-bo")
    row = page.locator(".officer-rows li").filter(has_text=colleague.username)
    row.get_by_role("link", name="Cấp mật khẩu tạm").click()
    audit(page, "xac-nhan")
    page.get_by_role("button", name="Cấp mật khẩu tạm").click()
    temporary = page.locator("#mat-khau-tam").inner_text().strip()
    audit(page, "mat-khau")
    assert audit.problems == []
    assert len(temporary) >= 12
    context.close()

    # The colleague, on their own phone: the temporary password, then one of their own.
    theirs = chromium.new_context(locale="vi-VN", **PHONE)
    page = theirs.new_page()
    page.set_default_timeout(TIMEOUT)
    _sign_in(page, base, colleague.username, temporary)
    page.get_by_role("heading", name="Đặt mật khẩu mới").wait_for()
    page.get_by_label("Mật khẩu mới", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Nhập lại mật khẩu mới").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Lưu mật khẩu mới").click()
    page.get_by_role("heading", name="Việc cần làm").wait_for()
    assert re.search(r"/can-bo/$", page.url)
    page.get_by_role("button", name="Đăng xuất").first.click()
    _sign_in(page, base, colleague.username, NEW_PASSWORD)
    page.get_by_role("heading", name="Việc cần làm").wait_for()
    theirs.close()
