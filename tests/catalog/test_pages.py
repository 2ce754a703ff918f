"""Storefront pages: list, search, basket, checkout, tracking; weight and query counts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import Order
from tests.catalog.factories import commune_current, item_make
from tests.conftest import in_stall

pytestmark = pytest.mark.django_db


def _list_queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/hang/")
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_list_page_runs_the_same_queries_for_3_or_20_items(stall_a, client_for):
    from catalog.photos import item_photo_add
    from tests.catalog.test_photos import jpeg_upload

    client = client_for(stall_a)
    with in_stall(stall_a):
        for n in range(3):
            item_photo_add(item=item_make(title=f"Áo {n}"), upload=jpeg_upload())
    few = _list_queries(client)
    with in_stall(stall_a):
        for n in range(17):
            item_photo_add(
                item=item_make(title=f"Quần {n}", grade=n % 12 + 1), upload=jpeg_upload()
            )
    assert _list_queries(client) == few


def test_list_page_weighs_under_60_kb_with_its_css(stall_a, client_for):
    with in_stall(stall_a):
        for n in range(24):
            item_make(
                title=f"Áo sơ mi trắng học sinh cỡ lớn số {n}",
                size_kind="clothing",
                size="M",
                description="Còn mới, sạch sẽ. " * 10,
            )
    response = client_for(stall_a).get("/hang/")
    html = response.content
    css = re.findall(rb'href="/static/([^"]+\.css)"', html)
    js = re.findall(rb'src="/static/([^"]+\.js)"', html)
    assert css, "the page links its stylesheets"
    weight = len(html) + sum(Path(finders.find(p.decode())).stat().st_size for p in css + js)
    assert weight < 60 * 1024, weight


def test_search_ignores_accents_and_case(stall_a, client_for):
    with in_stall(stall_a):
        item_make(title="Giày bata trắng", category="giay-dep")
        item_make(title="Áo khoác gió")
    body = client_for(stall_a).get("/hang/", {"q": "GIAY"}).content.decode()
    assert "Giày bata trắng" in body
    assert "Áo khoác gió" not in body


def test_search_understands_sach_lop_6(stall_a, client_for):
    with in_stall(stall_a):
        item_make(title="Ngữ văn 6 tập 1", category="sach-tap-vo", grade=6, subject="Ngữ văn")
        item_make(title="Ngữ văn 7 tập 1", category="sach-tap-vo", grade=7, subject="Ngữ văn")
    body = client_for(stall_a).get("/hang/", {"q": "sách lớp 6"}).content.decode()
    assert "Ngữ văn 6 tập 1" in body
    assert "Ngữ văn 7 tập 1" not in body


def test_filters_by_category_and_size(stall_a, client_for):
    with in_stall(stall_a):
        item_make(title="Dép tổ ong 38", category="giay-dep", size_kind="shoe", size="38")
        item_make(title="Dép tổ ong 40", category="giay-dep", size_kind="shoe", size="40")
        item_make(title="Áo thun M", size_kind="clothing", size="M")
    body = client_for(stall_a).get("/hang/", {"danh-muc": "giay-dep", "co": "38"}).content.decode()
    assert "Dép tổ ong 38" in body
    assert "Dép tổ ong 40" not in body
    assert "Áo thun M" not in body


def test_bad_filter_values_answer_400_with_a_sentence(stall_a, client_for):
    response = client_for(stall_a).get("/hang/", {"lop": "abc", "trang": "-9", "co": "x" * 50})
    assert response.status_code == 400
    assert "Bộ lọc không hợp lệ" in response.content.decode()


def test_pages_are_vietnamese_by_default_and_switch_to_english(stall_a, client_for):
    client = client_for(stall_a)
    assert "Hàng tặng miễn phí" in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert 'lang="en"' in client.get("/").content.decode()


def _checkout_data(**overrides) -> dict:
    commune = commune_current()
    data = {
        "name": "Lê Thị Mai",
        "phone": "0907654321",
        "address_mode": "current",
        "province": str(commune.parent_id),
        "commune": str(commune.pk),
        "address_line": "Ấp Mỹ Hòa",
        "consent": "on",
        "place": "1",
    }
    data.update(overrides)
    return data


def _basket_with(client, item) -> None:
    response = client.post("/gio/", {"item": item.pk, "quantity": 1})
    assert response.status_code == 302


def test_checkout_places_the_order_and_shows_its_code(stall_a, client_for):
    with in_stall(stall_a):
        item = item_make(quantity=2)
    client = client_for(stall_a)
    _basket_with(client, item)
    response = client.post("/dat-hang/", _checkout_data(), follow=True)
    with in_stall(stall_a):
        order = Order.objects.get()
    assert order.code in response.content.decode()
    assert order.phone == "+84907654321"
    assert order.consent_version
    assert client.get("/gio/").context["lines"] == []


def test_checkout_errors_sit_beside_fields_and_keep_what_was_typed(stall_a, client_for):
    with in_stall(stall_a):
        item = item_make()
    client = client_for(stall_a)
    _basket_with(client, item)
    response = client.post(
        "/dat-hang/", _checkout_data(phone="12345", consent="", note="Giao buổi chiều")
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="phone-error"' in body
    assert "Số điện thoại chưa đúng" in body
    assert 'id="consent-error"' in body
    assert 'value="Lê Thị Mai"' in body
    assert "Giao buổi chiều" in body
    assert 'value="12345"' in body
    with in_stall(stall_a):
        assert Order.objects.count() == 0


def test_minor_needs_a_guardian(stall_a, client_for):
    with in_stall(stall_a):
        item = item_make()
    client = client_for(stall_a)
    _basket_with(client, item)
    body = client.post("/dat-hang/", _checkout_data(is_minor="on")).content.decode()
    assert 'id="guardian_name-error"' in body
    assert 'id="guardian_phone-error"' in body


def test_choosing_a_province_lists_its_communes_without_javascript(stall_a, client_for):
    commune = commune_current()
    client = client_for(stall_a)
    response = client.post(
        "/dat-hang/",
        {
            "name": "Lê Thị Mai",
            "address_mode": "current",
            "province": str(commune.parent_id),
            "refresh": "1",
        },
    )
    body = response.content.decode()
    assert commune.name in body
    assert 'value="Lê Thị Mai"' in body
    assert "errorlist" not in body
    assert "-error" not in body


def test_old_address_with_district_is_converted(stall_a, client_for):
    from tenants.models import AdminArea

    with in_stall(stall_a):
        item = item_make()
    legacy = AdminArea.objects.get(era="legacy", level="commune", code="28348")  # Tân Hòa Tây
    district = legacy.parent
    client = client_for(stall_a)
    _basket_with(client, item)
    client.post(
        "/dat-hang/",
        _checkout_data(
            address_mode="legacy",
            province="",
            commune="",
            legacy_province=str(district.parent_id),
            legacy_district=str(district.pk),
            legacy_commune=str(legacy.pk),
        ),
    )
    with in_stall(stall_a):
        order = Order.objects.get()
    assert order.commune.code == "28327"
    assert "Tân Hòa Tây" in order.legacy_address
    assert "Tân Phước" in order.legacy_address


def test_out_of_stock_at_checkout_says_het_hang_and_keeps_the_form(stall_a, client_for):
    from catalog.stock import stock_change

    with in_stall(stall_a):
        item = item_make(quantity=1)
    client = client_for(stall_a)
    _basket_with(client, item)
    with in_stall(stall_a):
        stock_change(item=item, kind="write_off", quantity=1)
    body = client.post("/dat-hang/", _checkout_data()).content.decode()
    assert "Hết hàng" in body
    assert 'value="Lê Thị Mai"' in body


def test_tracking_page_shows_history_with_code_and_last4(stall_a, client_for):
    with in_stall(stall_a):
        item = item_make()
    client = client_for(stall_a)
    _basket_with(client, item)
    client.post("/dat-hang/", _checkout_data())
    with in_stall(stall_a):
        code = Order.objects.get().code
    stranger = client_for(stall_a)
    assert stranger.get(f"/theo-doi/{code}/").status_code == 302
    wrong = stranger.post("/theo-doi/", {"code": code, "phone_last4": "0000"})
    assert "Không tìm thấy" in wrong.content.decode()
    found = stranger.post("/theo-doi/", {"code": code.lower(), "phone_last4": "4321"}, follow=True)
    body = found.content.decode()
    assert code in body
    assert "Đã xác nhận" in body
    assert "Lê Thị Mai" not in body
    assert "0907654321" not in body


def test_recipient_cancels_from_the_tracking_page(stall_a, client_for):
    with in_stall(stall_a):
        item = item_make(quantity=1)
    client = client_for(stall_a)
    _basket_with(client, item)
    client.post("/dat-hang/", _checkout_data())
    with in_stall(stall_a):
        code = Order.objects.get().code
    order_page = client.get(f"/theo-doi/{code}/").content.decode()
    assert f'href="/theo-doi/{code}/huy/"' in order_page  # a link to a page that asks
    asked = client.get(f"/theo-doi/{code}/huy/")
    assert asked.status_code == 200
    assert "Có, hủy đơn" in asked.content.decode()
    # A bare POST (one tap, an old page) only asks again: nothing is cancelled.
    again = client.post(f"/theo-doi/{code}/huy/")
    assert "Có, hủy đơn" in again.content.decode()
    with in_stall(stall_a):
        assert Order.objects.get().state == "confirmed"
    done = client.post(f"/theo-doi/{code}/huy/", {"confirm": "1"}, follow=True)
    assert f"Đã hủy đơn {code}" in done.content.decode()
    with in_stall(stall_a):
        assert Order.objects.get().state == "cancelled"
        item.refresh_from_db()
        assert item.available == 1


def test_english_storefront_is_translated(stall_a, client_for):
    client = client_for(stall_a)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    body = client.get("/").content.decode()
    assert "Free donated goods" in body
    assert "Hàng tặng miễn phí" not in body
    checkout = client.post("/dat-hang/", {"place": "1", "phone": "123"}).content.decode()
    assert "Please enter the recipient&#x27;s full name." in checkout
