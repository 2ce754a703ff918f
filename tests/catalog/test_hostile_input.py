"""Careless and hostile input on the storefront and the stall API: 400s that say why, in
Vietnamese, as JSON under /api/; nothing stored on a refusal; nothing invisible stored."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.utils import translation

from catalog.models import Item, Order
from tests.catalog.factories import commune_current, item_make
from tests.conftest import host_of, in_stall

pytestmark = pytest.mark.django_db

ENGLISH_TELLS = ("Ensure", "valid", "field", "required", "Expected", "seconds", "does not exist")


def _order_body(item_id: int, **overrides) -> dict:
    body = {
        "lines": [{"item": item_id, "quantity": 1}],
        "name": "Trần Văn Bình",
        "phone": "0912345678",
        "commune_code": "28327",
        "address_line": "Ấp 4",
        "consent": True,
    }
    body.update(overrides)
    return body


def _post_json(client, url, body, **extra):
    raw = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return client.post(url, raw, content_type="application/json", **extra)


def _assert_vietnamese_json_error(response, status: int) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert isinstance(body.get("detail"), str)
    assert body["detail"]
    text = json.dumps(body, ensure_ascii=False)
    assert not any(tell in text for tell in ENGLISH_TELLS), text
    return body


def _orders_in(stall) -> int:
    with in_stall(stall):
        return Order.objects.count()


# --- JSON bodies ----------------------------------------------------------------------------


@pytest.mark.parametrize("nested", ["[" * 3000 + "]" * 3000, '{"a":' * 2000 + "1" + "}" * 2000])
def test_deeply_nested_json_is_refused_before_parsing(stall_a, client_for, nested):
    response = _post_json(client_for(stall_a), "/api/v1/orders/", nested)
    body = _assert_vietnamese_json_error(response, 400)
    assert "lồng nhau" in body["detail"]
    assert _orders_in(stall_a) == 0


def test_an_11_mb_body_answers_413_as_json(stall_a, client_for):
    response = _post_json(client_for(stall_a), "/api/v1/orders/", '"' + "a" * 11_000_000 + '"')
    _assert_vietnamese_json_error(response, 413)
    assert _orders_in(stall_a) == 0


@pytest.mark.parametrize(
    "raw", ['{"lines": NaN}', '{"consent": Infinity}', '{"q": 1e999}', b'{"name": "\xff"}']
)
def test_non_json_numbers_and_bad_utf8_are_400(stall_a, client_for, raw):
    _assert_vietnamese_json_error(_post_json(client_for(stall_a), "/api/v1/orders/", raw), 400)


def test_a_lone_surrogate_in_json_is_refused_not_stored(stall_a, client_for):
    with in_stall(stall_a):
        item = item_make()
    raw = json.dumps(_order_body(item.pk, name="Bình\ud800"))  # ensure_ascii: "\\ud800"
    _assert_vietnamese_json_error(_post_json(client_for(stall_a), "/api/v1/orders/", raw), 400)
    assert _orders_in(stall_a) == 0


def test_form_bodies_are_refused_on_json_endpoints(stall_a, client_for):
    with in_stall(stall_a):
        item = item_make()
    response = client_for(stall_a).post("/api/v1/orders/", {"lines": item.pk, "name": "An"})
    body = _assert_vietnamese_json_error(response, 415)
    assert "JSON" in body["detail"]


# --- Free text --------------------------------------------------------------------------------


def test_a_name_of_zero_width_spaces_is_refused_and_nothing_is_stored(stall_a, client_for):
    with in_stall(stall_a):
        item = item_make()
    body = _order_body(item.pk, name="\u200b\u200b\u200b", address_line="\u2060\ufeff")
    response = _post_json(client_for(stall_a), "/api/v1/orders/", body)
    errors = _assert_vietnamese_json_error(response, 400)
    assert "name" in errors
    assert "address_line" in errors
    assert _orders_in(stall_a) == 0


def test_bidi_overrides_are_removed_before_storing(stall_a, client_for):
    with in_stall(stall_a):
        item = item_make()
    body = _order_body(
        item.pk, name="\u202eTrần  Văn\u200b Bình\u202c", note="gọi\u2066 trước\x00\n\n\n\ngiao"
    )
    response = _post_json(client_for(stall_a), "/api/v1/orders/", body)
    assert response.status_code == 201, response.content
    with in_stall(stall_a):
        order = Order.objects.get(code=response.json()["code"])
    assert order.recipient_name == "Trần Văn Bình"
    assert order.note == "gọi trước\n\ngiao"


def test_checkout_page_refuses_an_invisible_name_and_keeps_the_rest(stall_a, client_for):
    with in_stall(stall_a):
        item = item_make(quantity=2)
    client = client_for(stall_a)
    assert client.post("/gio/", {"item": item.pk, "quantity": 1}).status_code == 302
    commune = commune_current()
    response = client.post(
        "/dat-hang/",
        {
            "name": "\u200b\u200c\u200d",
            "phone": "0907654321",
            "address_mode": "current",
            "province": str(commune.parent_id),
            "commune": str(commune.pk),
            "address_line": "Ấp Mỹ Hòa",
            "consent": "on",
            "place": "1",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Hãy nhập họ tên người nhận." in page
    assert "Ấp Mỹ Hòa" in page
    assert _orders_in(stall_a) == 0


# --- Query parameters ---------------------------------------------------------------------


@pytest.mark.parametrize("param", ["q", "danh-muc", "co", "lop", "trang"])
def test_nul_in_a_storefront_filter_is_a_400_page_with_a_sentence(stall_a, client_for, param):
    response = client_for(stall_a).get(f"/hang/?{param}=%00ao")
    assert response.status_code == 400
    page = response.content.decode()
    assert "ký tự không hợp lệ" in page
    assert "Traceback" not in page


@pytest.mark.parametrize("param", ["q", "category", "size"])
def test_nul_in_an_api_filter_is_a_json_400(stall_a, client_for, param):
    response = client_for(stall_a).get(f"/api/v1/items/?{param}=%00")
    _assert_vietnamese_json_error(response, 400)


@pytest.mark.parametrize(
    "query", ["lop=abc", "lop=13", "trang=-1", "trang=x", "danh-muc=%3Cscript%3E", "co=" + "9" * 9]
)
def test_invalid_storefront_filters_are_a_400_page(stall_a, client_for, query):
    response = client_for(stall_a).get(f"/hang/?{query}")
    assert response.status_code == 400
    assert "Bộ lọc" in response.content.decode()


def test_valid_and_empty_storefront_filters_still_list(stall_a, client_for):
    with in_stall(stall_a):
        item_make(title="Giày bata", category="giay-dep", size_kind="shoe", size="36")
    client = client_for(stall_a)
    for query in ("", "lop=&co=&danh-muc=&q=", "lop=5&trang=2", "danh-muc=giay-dep&co=36"):
        assert client.get(f"/hang/?{query}").status_code == 200, query


@pytest.mark.parametrize("query", ["offset=abc", "offset=-1", "limit=0", "limit=101", "limit=x"])
def test_bad_pagination_is_a_400_not_ignored(stall_a, client_for, query):
    response = client_for(stall_a).get(f"/api/v1/items/?{query}")
    body = _assert_vietnamese_json_error(response, 400)
    assert query.split("=")[0] in body


def test_empty_size_filter_means_no_filter(stall_a, client_for):
    with in_stall(stall_a):
        item_make(title="Áo")
    response = client_for(stall_a).get("/api/v1/items/?size=&category=")
    assert response.status_code == 200
    assert [row["title"] for row in response.json()["results"]] == ["Áo"]


# --- Messages -----------------------------------------------------------------------------


def test_drf_refusals_are_vietnamese(stall_a, client_for):
    with in_stall(stall_a):
        item = item_make()
    client = client_for(stall_a)
    cases = {
        "name": ("x" * 121, "không được quá 120 ký tự"),
        "lines": ([{"item": "abc", "quantity": 1}], "số nguyên hợp lệ"),
        "consent": (None, "không được để null"),
        "address_line": ("", "không được để trống"),
        "recipient_is_minor": ("có lẽ", "true hoặc false"),
    }
    for field, (value, expected) in cases.items():
        response = _post_json(client, "/api/v1/orders/", _order_body(item.pk, **{field: value}))
        body = _assert_vietnamese_json_error(response, 400)
        assert expected in json.dumps(body, ensure_ascii=False), (field, body)
    missing = _post_json(client, "/api/v1/orders/", {})
    assert "Trường này là bắt buộc." in json.dumps(missing.json(), ensure_ascii=False)


def test_429_counts_minutes_in_vietnamese(stall_a, client_for, settings):
    settings.GIANHANG_TRACKING_LIMIT_PER_IP = 2
    client = client_for(stall_a)
    for _ in range(2):
        assert client.get("/api/v1/orders/ABCD-1234/?phone_last4=1234").status_code == 404
    response = client.get("/api/v1/orders/ABCD-1234/?phone_last4=1234")
    body = _assert_vietnamese_json_error(response, 429)
    assert "phút" in body["detail"]
    assert "giây" not in body["detail"]
    assert int(response["Retry-After"]) > 0


def test_officer_api_speaks_vietnamese_and_bounds_ages(stall_a, client_for, officer_factory):
    client = client_for(stall_a, officer_factory(stall_a))
    item = {"title": "Áo", "category": "0", "condition": "good"}
    response = _post_json(client, "/api/v1/officer/items/", item)
    body = _assert_vietnamese_json_error(response, 400)
    assert "Không tìm thấy mục có slug là “0”." in body["category"]
    with in_stall(stall_a):
        category = item_make().category.slug
    aged = {**item, "category": category, "age_min": 3, "age_max": 974}
    body = _assert_vietnamese_json_error(_post_json(client, "/api/v1/officer/items/", aged), 400)
    assert "age_max" in body
    invisible = {**item, "category": category, "title": "\u200b\u202e"}
    body = _assert_vietnamese_json_error(
        _post_json(client, "/api/v1/officer/items/", invisible), 400
    )
    assert "title" in body
    with in_stall(stall_a):
        assert not Item.objects.filter(title="Áo").exists()


def test_officer_order_list_refuses_an_unknown_state(stall_a, client_for, officer_factory):
    client = client_for(stall_a, officer_factory(stall_a))
    _assert_vietnamese_json_error(client.get("/api/v1/officer/orders/?state=stolen"), 400)
    assert client.get("/api/v1/officer/orders/?state=placed").status_code == 200


# --- Errors outside DRF -------------------------------------------------------------------


def test_unknown_api_path_and_wrong_method_answer_json(stall_a, client_for):
    client = client_for(stall_a)
    _assert_vietnamese_json_error(client.get("/api/v1/khong-co/"), 404)
    body = _assert_vietnamese_json_error(client.delete("/api/v1/items/"), 405)
    assert "DELETE" in body["detail"]


def test_a_crash_under_api_answers_json_500(stall_a, monkeypatch):
    from catalog import selectors

    def broken():
        raise RuntimeError("boom")

    monkeypatch.setattr(selectors, "categories_active", broken)
    client = Client(HTTP_HOST=host_of(stall_a), raise_request_exception=False)
    body = _assert_vietnamese_json_error(client.get("/api/v1/categories/"), 500)
    assert "boom" not in body["detail"]


def test_schema_declares_json_only_bodies_and_bounds(stall_a, client_for):
    schema = client_for(stall_a).get("/api/schema/?format=json").json()
    paths = schema["paths"]
    for path in ("/api/v1/orders/", "/api/v1/officer/donations/"):
        assert list(paths[path]["post"]["requestBody"]["content"]) == ["application/json"]
    params = {p["name"]: p for p in paths["/api/v1/items/"]["get"]["parameters"]}
    assert params["offset"]["schema"] == {"type": "integer", "minimum": 0, "maximum": 1_000_000}
    assert params["limit"]["schema"] == {"type": "integer", "minimum": 1, "maximum": 100}
    states = {p["name"]: p for p in paths["/api/v1/officer/orders/"]["get"]["parameters"]}
    assert "placed" in json.dumps(states["state"])
    item = schema["components"]["schemas"]["ItemOfficerRequest"]["properties"]
    assert item["age_max"]["maximum"] == 100


def test_an_english_reader_gets_the_same_refusal_in_english(stall_a, client_for):
    try:
        response = _post_json(
            client_for(stall_a), "/api/v1/orders/", "[" * 3000, HTTP_ACCEPT_LANGUAGE="en"
        )
    finally:
        translation.activate("vi")  # the request left English active in this thread
    assert response.status_code == 400
    assert response.json()["detail"] == "The JSON data is nested too deeply."
