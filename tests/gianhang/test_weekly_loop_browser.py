"""The stall's weekly loop through the workspace only, in Debian's Chromium, on a phone and a
desktop: log in from the public home, add items with photos, take orders from the storefront,
confirm and pack, sign volunteers up, plan Saturday and print the sheet, a volunteer marks the
stops on the phone page, far orders go to the post office in a batch, log out."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from PIL import Image

from catalog.models import Order
from logistics.models import PostalBatch
from tenants.models import Membership
from tests.conftest import host_of, in_stall, make_user
from tests.gianhang.browser import PageAudit, needs_chromium
from tests.logistics.factories import far_commune, school_commune, stall_place

pytestmark = [pytest.mark.browser, pytest.mark.slow, needs_chromium]

PASSWORD = "mat-khau-dai-123"
SCREEN_NAMES = {"phone": "Điện Thoại", "desktop": "Máy Tính"}
TIMEOUT = 30_000
VIEWPORTS = {
    "phone": {"viewport": {"width": 360, "height": 640}, "is_mobile": True, "has_touch": True},
    "desktop": {"viewport": {"width": 1280, "height": 800}},
}


def _photo(path, colour) -> str:
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), colour).save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue())
    return str(path)


def _nav(page, label: str) -> None:
    page.locator(".staff-nav").get_by_role("link", name=label, exact=True).click()


def _said(page, text: str) -> None:
    """Wait for the page's message (success or error) that contains ``text``."""
    page.locator(".messages").get_by_text(text).wait_for()


def _tick_all(page) -> int:
    boxes = page.locator(".order-cards input[type=checkbox]")
    for i in range(boxes.count()):
        boxes.nth(i).check()
    return boxes.count()


def _order_from_storefront(context, public, stall_name, item, phone, commune, province=None):
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    page.goto(public)
    page.get_by_role("link", name=stall_name).first.click()
    page.get_by_role("link", name=re.compile(item)).first.click()
    page.get_by_role("button", name="Thêm vào giỏ").click()
    page.get_by_role("link", name="Đặt hàng").click()
    page.get_by_label("Họ tên người nhận").fill("Người nhận " + phone[-3:])
    page.get_by_label("Số điện thoại di động").fill(phone)
    if province is not None:
        page.get_by_label("Tỉnh/Thành phố").select_option(str(province))
    page.wait_for_selector(f"#id_commune option[value='{commune}']", state="attached")
    page.get_by_label("Xã/Phường/Đặc khu").select_option(str(commune))
    page.get_by_label("Số nhà, đường, ấp/khu phố").fill("Ấp Tân Hòa, tổ 2")
    page.get_by_label(re.compile("Tôi đồng ý")).check()
    page.get_by_role("button", name="Gửi đơn").click()
    code = page.locator("#order-code").inner_text().strip()
    page.close()
    return code


@pytest.mark.parametrize("screen", ["phone", "desktop"])
def test_weekly_loop_through_the_workspace(
    screen,
    live_stall_factory,
    live_server_port,
    chromium,
    worker_factory,
    tmp_path,
    monkeypatch,
):
    # Playwright's sync API keeps an event loop on this thread; the ORM calls here are
    # plain synchronous ones between browser steps.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    stall = stall_place(live_stall_factory(name=f"Đoàn trường Vòng Tuần {SCREEN_NAMES[screen]}"))
    officer = make_user(
        f"canbo-{stall.slug}@example.vn", unit=stall.unit, role=Membership.Role.SCHOOL_OFFICER
    )
    near, far = school_commune(), far_commune()
    worker_factory()
    photos = [_photo(tmp_path / f"{n}.jpg", c) for n, c in enumerate(("red", "green", "blue"))]
    public = f"http://localhost:{live_server_port}/"
    audit = PageAudit(f"loop-{screen}")

    context = chromium.new_context(locale="vi-VN", **VIEWPORTS[screen])
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)

    # 1. One way in: the public home's staff link, the login form, the stall's workspace.
    page.goto(public)
    page.get_by_role("link", name="Cán bộ đăng nhập").first.click()
    audit(page, "dang-nhap")
    page.get_by_label("Tên đăng nhập (email)").fill(officer.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_role("heading", name="Việc cần làm").wait_for()
    assert page.url.startswith(f"http://{host_of(stall)}:{live_server_port}/can-bo/")
    audit(page, "viec-can-lam")

    # Officers confirm orders from new phones themselves (so the board has work to do).
    _nav(page, "Cài đặt")
    audit(page, "cai-dat")
    page.get_by_label("Cán bộ duyệt đơn của số điện thoại mới").check()
    page.get_by_role("button", name="Lưu cài đặt").click()
    _said(page, "Đã lưu cài đặt của gian hàng")

    # 2. Three items, each with its photo and stock, from one form.
    _nav(page, "Hàng & kho")
    audit(page, "hang")
    page.get_by_role("link", name="Thêm món mới").first.click()
    titles = ["Áo đồng phục", "Cặp sách", "Bộ sách Toán 6"]
    for n, title in enumerate(titles):
        page.get_by_label("Ảnh", exact=True).set_input_files(photos[n])
        page.get_by_label("Tên món").fill(title)
        page.get_by_label("Danh mục").select_option(index=n + 1)
        page.get_by_label("Số lượng nhập kho").fill("4")
        if n == 0:
            audit(page, "them-mon")
        last = n == len(titles) - 1
        page.get_by_role("button", name="Lưu món" if last else "Lưu và thêm món khác").click()
        _said(page, f"Đã thêm “{title}” với 4 món trong kho")
    for title in titles:
        assert page.locator(".item-rows").get_by_text(title).count() == 1
    audit(page, "hang-da-them")

    # 3. Orders arrive from the storefront: two near the school, one far away.
    shopper = chromium.new_context(locale="vi-VN", **VIEWPORTS["phone"])
    codes = [
        _order_from_storefront(shopper, public, stall.name, titles[0], "0908 111 201", near.pk),
        _order_from_storefront(shopper, public, stall.name, titles[1], "0908 111 202", near.pk),
        _order_from_storefront(
            shopper, public, stall.name, titles[2], "0908 111 203", far.pk, province=far.parent_id
        ),
    ]
    shopper.close()

    # 4. Confirm, then pack, in bulk from the board.
    _nav(page, "Đơn hàng")
    audit(page, "don-hang")
    page.get_by_role("link", name=re.compile(r"^Đã đặt \(3\)")).click()
    assert _tick_all(page) == 3
    page.get_by_role("button", name="Xác nhận").click()
    _said(page, "Đã chuyển 3 đơn sang “Đã xác nhận”")
    page.get_by_role("link", name=re.compile(r"^Đã xác nhận \(3\)")).click()
    page.locator(".order-cards").get_by_role("link", name=codes[0]).click()
    audit(page, "don")
    page.go_back()
    _tick_all(page)
    page.get_by_role("button", name="Đánh dấu đã đóng gói").click()
    _said(page, "Đã chuyển 3 đơn sang “Đã đóng gói”")
    audit(page, "don-da-dong-goi")

    # 5. Saturday: the router (a real worker) has put the near orders on the coming run.
    _nav(page, "Giao nhận")
    audit(page, "giao-nhan")
    page.locator(".lg-tabs").get_by_role("link", name="Chuyến thứ Bảy").click()
    for _attempt in range(60):
        if (
            page.get_by_text("Người nhận 201").count()
            and page.get_by_text("Người nhận 202").count()
        ):
            break
        page.wait_for_timeout(1000)
        page.reload()
    else:
        pytest.fail("the near orders never reached the Saturday run")

    _nav(page, "Tình nguyện viên")
    for name, phone in (("Trần Văn Đức", "0912 000 101"), ("Lê Thị Dung", "0912 000 102")):
        page.locator("#id_name").fill(name)
        page.locator("#id_chi_doan").fill("10A1")
        page.locator("#id_phone").fill(phone)
        page.locator("#id_guardian_name").fill("Phụ huynh " + name)
        page.locator("#id_guardian_phone").fill("0912 000 199")
        page.locator("#id_consent").check()
        page.get_by_role("button", name="Thêm", exact=True).click()
        _said(page, f"Đã thêm đoàn viên {name}")
    audit(page, "tinh-nguyen-vien")
    for _n in range(2):
        _nav(page, "Tình nguyện viên")
        page.get_by_role("button", name=re.compile("^Đăng ký đi giao")).first.click()
        _said(page, "Đã ghi đăng ký")

    page.get_by_role("button", name=re.compile("Chia tuyến")).click()
    _said(page, "Đã chia tuyến")
    audit(page, "chuyen-thu-bay")
    sheet = page.get_by_role("link", name="In phiếu (PDF)").first.get_attribute("href")
    # Fetched by the page itself (the test's own HTTP client cannot resolve *.localhost).
    pdf = page.evaluate(
        """async (href) => {
            const r = await fetch(href);
            const head = new Uint8Array(await r.arrayBuffer()).slice(0, 4);
            return [r.status, r.headers.get('content-type'), String.fromCharCode(...head)];
        }""",
        sheet,
    )
    assert pdf == [200, "application/pdf", "%PDF"]
    volunteer_link = page.locator("input[id^=link-]").first.input_value()
    page.get_by_role("button", name="Bắt đầu giao").click()

    # 6. A volunteer's phone, no login: the link the officer sent, each stop marked.
    volunteer = chromium.new_context(locale="vi-VN", **VIEWPORTS["phone"])
    phone_page = volunteer.new_page()
    phone_page.set_default_timeout(TIMEOUT)
    phone_page.goto(volunteer_link)
    audit(phone_page, "doan-vien")
    for _stop in range(2):
        phone_page.get_by_role("button", name="Đã giao", exact=True).first.click()
        phone_page.wait_for_load_state()
    assert phone_page.get_by_role("button", name="Đã giao", exact=True).count() == 0
    # The phone sends its marks in the background: nothing is left "chưa gửi" on it.
    phone_page.wait_for_selector("#chua-gui", state="hidden")
    phone_page.wait_for_function(
        "localStorage.length === 0 || Object.keys(localStorage).every(k => localStorage.getItem(k) === '[]')"
    )
    volunteer.close()

    # 7. The far order: a postal batch, handed over with a receipt number, closed.
    _nav(page, "Giao nhận")
    page.locator(".lg-tabs").get_by_role("link", name="Lô bưu điện").click()
    audit(page, "lo-buu-dien")
    page.get_by_role("button", name="Gom lô ngay").click()
    page.get_by_role("button", name=re.compile("sẵn sàng gửi")).click()
    page.locator("#id_receipt_number").fill("BD-0042")
    page.locator("#id_handed_over_on").fill(dt.date.today().isoformat())
    page.get_by_role("button", name="Ghi nhận đã giao bưu điện").click()
    audit(page, "lo-da-giao")
    page.get_by_role("button", name="Đóng lô").click()

    _nav(page, "Việc cần làm")
    audit(page, "viec-can-lam-cuoi")

    # 8. Log out: the workspace closes behind the officer.
    page.locator(".staff-nav").get_by_role("button", name="Đăng xuất").click()
    page.goto(f"http://{host_of(stall)}:{live_server_port}/can-bo/")
    assert "/dang-nhap/" in page.url
    context.close()

    with in_stall(stall):
        states = dict(Order.objects.values_list("code", "state"))
        assert states[codes[0]] == Order.State.DELIVERED
        assert states[codes[1]] == Order.State.DELIVERED
        assert states[codes[2]] == Order.State.HANDED_TO_POST
        batch = PostalBatch.objects.get()
        assert batch.receipt_number == "BD-0042"
        assert batch.state == PostalBatch.State.CLOSED
    if not audit.axe_available:
        pytest.skip("axe-core is not installed (make install needs npm); other checks passed")
    assert audit.problems == [], "\n".join(audit.problems)
