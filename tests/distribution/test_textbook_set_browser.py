"""A textbook set through the pages in Debian's Chromium on a 360×640 phone: an officer takes
in eight grade-6 books of one series; a recipient asks for the grade-6 set and gets the
eight titles, with the rest as wishes."""

from __future__ import annotations

import re

import pytest

from distribution.models import SetRequest, TextbookSubject, Wish
from tenants.models import Membership
from tests.conftest import host_of, in_stall, make_user
from tests.gianhang.browser import PageAudit, needs_chromium
from tests.logistics.factories import school_commune, stall_place

pytestmark = [pytest.mark.browser, pytest.mark.slow, needs_chromium]

PASSWORD = "mat-khau-dai-123"
TIMEOUT = 30_000
PHONE = {"viewport": {"width": 360, "height": 640}, "is_mobile": True, "has_touch": True}
SERIES = "Kết nối tri thức với cuộc sống"


def test_an_officer_takes_in_eight_books_and_a_recipient_asks_for_the_set(
    live_stall_factory, live_server_port, chromium, monkeypatch
):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    stall = stall_place(live_stall_factory(name="Đoàn trường Bộ Sách"))
    officer = make_user(
        f"canbo-{stall.slug}@example.vn", unit=stall.unit, role=Membership.Role.SCHOOL_OFFICER
    )
    with in_stall(stall):
        subjects = list(
            TextbookSubject.objects.filter(grade=6)
            .order_by("position", "name")
            .values_list("name", flat=True)
        )
    taken, missing = subjects[:8], subjects[8:]
    assert missing, "grade 6 has more than eight titles"
    stall_url = f"http://{host_of(stall)}:{live_server_port}/"
    audit = PageAudit("bo-sach")
    context = chromium.new_context(locale="vi-VN", **PHONE)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)

    # The officer signs in through the form and takes in one copy of eight titles.
    page.goto(stall_url)
    page.get_by_role("link", name="Cán bộ đăng nhập").first.click()
    page.get_by_label("Tên đăng nhập (email)").fill(officer.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_role("heading", name="Việc cần làm").wait_for()
    page.locator(".staff-nav").get_by_role("link", name="Sách giáo khoa", exact=True).click()
    page.get_by_label("Lớp").select_option("6")
    page.get_by_label("Bộ sách").select_option(label=SERIES)
    page.get_by_role("button", name="Chọn").click()
    audit(page, "nhap-sach")
    for name in taken:
        page.get_by_label(name, exact=True).fill("1")
    page.get_by_role("button", name="Nhập kho").click()
    page.locator(".messages").get_by_text("Đã nhập 8 cuốn (8 đầu sách) lớp 6").wait_for()
    context.close()

    # A recipient on a phone finds the set from the stall's home and asks for all of it.
    context = chromium.new_context(locale="vi-VN", **PHONE)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    page.goto(stall_url)
    page.get_by_role("link", name="Bộ sách", exact=True).click()
    page.get_by_label("Lớp").select_option("6")
    page.get_by_label("Bộ sách").select_option(label=SERIES)
    page.get_by_role("button", name="Xem bộ sách").click()
    page.get_by_text("Gian hàng có 8/").wait_for()
    audit(page, "bo-sach-lop-6")
    commune = school_commune()
    page.get_by_label("Họ tên người nhận").fill("Phạm Thị Lan")
    page.get_by_label("Số điện thoại di động").fill("0912 345 606")
    page.get_by_label("Tỉnh/Thành phố").select_option(str(commune.parent_id))
    page.get_by_role("button", name="Cập nhật danh sách").click()  # no JavaScript needed
    page.get_by_label("Xã/Phường/Đặc khu").select_option(str(commune.pk))
    page.get_by_label("Số nhà, đường, ấp/khu phố").fill("Ấp Tân Hòa, tổ 2")
    page.get_by_label(re.compile("Tôi đồng ý")).check()
    page.get_by_role("button", name="Xin cả bộ sách").click()
    page.get_by_role("heading", name="Đã gửi yêu cầu bộ sách").wait_for()
    audit(page, "da-xin-bo-sach")

    given = page.locator(".set-given li").all_inner_texts()
    wished = page.locator(".set-wishes li").all_inner_texts()
    assert sorted(given) == sorted(f"{name} 6 – {SERIES}" for name in taken)
    assert sorted(re.sub(r" \(.*\)$", "", w) for w in wished) == sorted(missing)
    code = page.locator("#order-code").inner_text().strip()
    context.close()

    with in_stall(stall):
        asked = SetRequest.objects.get()
        assert asked.order.code == code
        assert asked.titles_given == 8
        assert asked.titles_total == len(subjects)
        assert sorted(Wish.objects.values_list("subject", flat=True)) == sorted(missing)
    assert audit.problems == [], "\n".join(audit.problems)
