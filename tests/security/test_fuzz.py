"""The project's own fuzz suite: every API body and every public and staff form, fed nasty input.

For each request: never a 5xx; under /api/ every error is JSON with a ``detail``; a refusal
writes no row; and whatever was stored is clean text (no NUL, no zero-width or bidi
control, NFC). ``GIANHANG_FUZZ_EXAMPLES`` sets the examples per target (default 25);
``GIANHANG_FUZZ_RANDOM=1`` explores new inputs instead of the fixed, repeatable ones.
"""

from __future__ import annotations

import json
import os
import unicodedata

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog.models import Donation, Item, Order, OrderEvent, StockEntry
from catalog.services import order_place
from reporting.models import Target
from tenants.models import Membership
from tests.catalog.factories import commune_current, item_make, recipient_make
from tests.conftest import _district, in_stall, make_user

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=int(os.environ.get("GIANHANG_FUZZ_EXAMPLES", "25")),
    deadline=None,
    derandomize=os.environ.get("GIANHANG_FUZZ_RANDOM") != "1",
    database=None,
    suppress_health_check=list(HealthCheck),
)

# --- The corpus -------------------------------------------------------------------------------

NASTY = [
    "",
    " ",
    "\x00",
    "An\x00",
    "\u202eTrần Văn Bình",
    "\u200b\u200b\u200b",
    "\ufeff\u2060",
    "\u2066x\u2069",
    "x" * 10_000,
    "🎒👨‍👩‍👧‍👦",
    "'; DROP TABLE catalog_order; --",
    "1' OR '1'='1",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "{{ 7*7 }}{% debug %}",
    "%s%n%x",
    "../../etc/passwd",
    "\r\n\r\n",
    "Nguyễn Thị Hòa",
    "Nguye\u0303\u0302n",  # decomposed
    "0",
    "-1",
    "2147483647",
    "2147483648",
    "9" * 40,
    "1e309",
    "NaN",
    "null",
    "true",
]
SURROGATES = ["\ud800", "Bình\udfff"]  # only JSON can carry them ("\ud800" escapes)

text_plain = st.one_of(
    st.sampled_from(NASTY),
    st.text(st.characters(exclude_categories=["Cs"]), max_size=40),
    st.builds(
        lambda a, b: a + b,
        st.sampled_from(NASTY),
        st.text(st.characters(exclude_categories=["Cs"]), max_size=8),
    ),
)
text_json = st.one_of(text_plain, st.sampled_from(SURROGATES))
bounds = st.sampled_from(
    [0, -1, 1, 4, 12, 13, 20, 21, 100, 101, 974, 2**31 - 1, 2**31, 2**63, -(2**63), 10**30]
)
numbers = st.one_of(bounds, st.integers(), st.floats(allow_nan=False, allow_infinity=False))
json_value = st.one_of(
    text_json,
    numbers,
    st.none(),
    st.booleans(),
    st.lists(st.one_of(st.integers(), text_json), max_size=3),
    st.dictionaries(st.text(max_size=5), st.one_of(st.integers(), text_json), max_size=2),
)
raw_json = st.sampled_from(
    ["[" * 5000, '{"a":' * 3000, "null", "[]", '"x"', "{", '{"lines": NaN}', "\x00", ""]
)


def fuzzed(valid: dict, value=json_value) -> st.SearchStrategy[dict]:
    """A valid body with any field replaced by nasty values, or left out."""
    fields = st.fixed_dictionaries({k: st.one_of(st.just(v), value) for k, v in valid.items()})
    return st.tuples(fields, st.sets(st.sampled_from(sorted(valid)))).map(
        lambda pair: {k: v for k, v in pair[0].items() if k not in pair[1]}
    )


def api_body(valid: dict) -> st.SearchStrategy:
    return st.one_of(fuzzed(valid).map(lambda body: json.dumps(body)), raw_json)


def form_body(valid: dict) -> st.SearchStrategy[dict]:
    return fuzzed(valid, value=text_plain)


# --- What every answer must satisfy ------------------------------------------------------------

_TEXT_FIELDS = [
    (Order, ["recipient_name", "address_line", "guardian_name"], ["note"]),
    (Item, ["title", "subject"], ["description"]),
    (Donation, ["donor_name"], ["note"]),
    (StockEntry, [], ["note"]),
]


def _tenant_counts(stall) -> dict:
    with in_stall(stall):
        return {
            m.__name__: m.objects.count() for m in (Order, OrderEvent, Item, StockEntry, Donation)
        }


def _stored_text_is_clean(stall) -> None:
    from core.text import text_clean

    with in_stall(stall):
        for model, single, multi in _TEXT_FIELDS:
            names = [f for f in single + multi if hasattr(model, f)]
            for row in model.objects.values(*names):
                for name, value in row.items():
                    if not value:
                        continue
                    assert "\x00" not in value
                    assert not any(unicodedata.category(ch) in ("Cf", "Cs") for ch in value)
                    assert unicodedata.is_normalized("NFC", value)
                    if name in single:
                        assert text_clean(value) == value, (model.__name__, name, value)


def check(response, *, refused_if, before: dict, after: dict) -> None:
    status = response.status_code
    assert status < 500, response.content[:500]
    path = response.wsgi_request.path
    if path.startswith("/api/") and status >= 400:
        assert response["Content-Type"].startswith("application/json"), path
        assert isinstance(response.json().get("detail"), str), response.content[:300]
    if refused_if(status):
        assert after == before, (path, status)
    if not path.startswith("/api/") and status == 200:
        assert b"Traceback" not in response.content


def _api_refused(status: int) -> bool:
    return status >= 400


def _page_refused(status: int) -> bool:
    return status != 302  # pages save and redirect; any other answer saved nothing


@pytest.fixture
def stall_open(stall_a, settings):
    """A stall with stock, and limits wide enough for the fuzzer to reach the code."""
    settings.GIANHANG_ORDER_LIMIT_PER_IP = 100_000
    settings.GIANHANG_ORDER_LIMIT_PER_PHONE = 100_000
    settings.GIANHANG_TRACKING_LIMIT_PER_IP = 100_000
    settings.GIANHANG_TRACKING_LIMIT_PER_CODE = 100_000
    with in_stall(stall_a):
        item = item_make(quantity=100_000)
        order = order_place(
            stall=stall_a, lines={item.pk: 1}, recipient=recipient_make(phone="0909998877")
        )
    stall_a.fuzz_item, stall_a.fuzz_order = item, order
    return stall_a


# --- Public API --------------------------------------------------------------------------------


def test_fuzz_order_body(stall_open, client_for):
    client = client_for(stall_open)
    valid = {
        "lines": [{"item": stall_open.fuzz_item.pk, "quantity": 1}],
        "name": "Trần Văn Bình",
        "phone": "0912345678",
        "commune_code": "28327",
        "legacy_address": "",
        "address_line": "Ấp 4",
        "note": "",
        "consent": True,
        "recipient_is_minor": False,
        "guardian_name": "",
        "guardian_phone": "",
    }

    statuses = set()

    @FUZZ
    @given(raw=st.one_of(st.just(json.dumps(valid)), api_body(valid)))
    def run(raw):
        before = _tenant_counts(stall_open)
        response = client.post("/api/v1/orders/", raw, content_type="application/json")
        check(response, refused_if=_api_refused, before=before, after=_tenant_counts(stall_open))
        _stored_text_is_clean(stall_open)
        statuses.add(response.status_code)

    run()
    assert {201, 400} <= statuses  # the fuzzer reached both the refusals and the orders


def test_fuzz_tracking_and_cancel(stall_open, client_for):
    client = client_for(stall_open)
    code = stall_open.fuzz_order.code

    @FUZZ
    @given(
        code=st.one_of(st.just(code), text_plain.map(lambda s: s.replace("/", "")[:60])),
        last4=text_plain,
        raw=api_body({"phone_last4": "0000"}),
    )
    def run(code, last4, raw):
        from urllib.parse import quote

        path = f"/api/v1/orders/{quote(code, safe='') or 'x'}/"
        before = _tenant_counts(stall_open)
        check(
            client.get(path, {"phone_last4": last4}),
            refused_if=_api_refused,
            before=before,
            after=_tenant_counts(stall_open),
        )
        response = client.post(path + "cancel/", raw, content_type="application/json")
        check(response, refused_if=_api_refused, before=before, after=_tenant_counts(stall_open))

    run()


def test_fuzz_item_filters_on_api_and_page(stall_open, client_for):
    client = client_for(stall_open)
    api_keys = ["q", "category", "size", "grade", "limit", "offset"]
    page_keys = ["q", "danh-muc", "co", "lop", "trang"]

    @FUZZ
    @given(
        api=st.dictionaries(st.sampled_from(api_keys), text_plain, max_size=4),
        page=st.dictionaries(st.sampled_from(page_keys), text_plain, max_size=4),
    )
    def run(api, page):
        before = _tenant_counts(stall_open)
        for response in (client.get("/api/v1/items/", api), client.get("/hang/", page)):
            check(response, refused_if=_api_refused, before=before, after=before)

    run()


# --- Officer API -------------------------------------------------------------------------------


@pytest.fixture
def officer_client(stall_open, client_for, officer_factory):
    return client_for(stall_open, officer_factory(stall_open))  # the real login form


def test_fuzz_officer_item_bodies(stall_open, officer_client):
    item = stall_open.fuzz_item
    valid = {
        "title": "Áo khoác",
        "category": item.category.slug,
        "description": "",
        "condition": "good",
        "size_kind": "",
        "size": "",
        "gender": "any",
        "age_min": 3,
        "age_max": 10,
        "grade": 5,
        "subject": "",
        "is_listed": True,
    }

    @FUZZ
    @given(
        create=api_body(valid),
        patch=api_body(valid),
        stock=api_body({"kind": "intake", "quantity": 1, "note": ""}),
    )
    def run(create, patch, stock):
        for method, path, raw in (
            ("post", "/api/v1/officer/items/", create),
            ("patch", f"/api/v1/officer/items/{item.pk}/", patch),
            ("post", f"/api/v1/officer/items/{item.pk}/stock/", stock),
        ):
            before = _tenant_counts(stall_open)
            with in_stall(stall_open):
                snapshot = list(Item.objects.filter(pk=item.pk).values())
            response = getattr(officer_client, method)(path, raw, content_type="application/json")
            check(
                response, refused_if=_api_refused, before=before, after=_tenant_counts(stall_open)
            )
            if response.status_code >= 400:
                with in_stall(stall_open):
                    assert list(Item.objects.filter(pk=item.pk).values()) == snapshot
        _stored_text_is_clean(stall_open)

    run()


def test_fuzz_officer_orders_and_donations(stall_open, officer_client):
    order, item = stall_open.fuzz_order, stall_open.fuzz_item

    @FUZZ
    @given(
        transition=api_body({"to_state": "packed", "public_note": ""}),
        donation=api_body(
            {
                "donor_name": "Chi đoàn 12A1",
                "received_on": "2026-11-01",
                "note": "",
                "lines": [{"item": item.pk, "quantity": 2}],
            }
        ),
        state=text_plain,
    )
    def run(transition, donation, state):
        before = _tenant_counts(stall_open)
        check(
            officer_client.get("/api/v1/officer/orders/", {"state": state}),
            refused_if=_api_refused,
            before=before,
            after=_tenant_counts(stall_open),
        )
        for path, raw in (
            (f"/api/v1/officer/orders/{order.pk}/transition/", transition),
            ("/api/v1/officer/donations/", donation),
        ):
            before = _tenant_counts(stall_open)
            response = officer_client.post(path, raw, content_type="application/json")
            check(
                response, refused_if=_api_refused, before=before, after=_tenant_counts(stall_open)
            )
        _stored_text_is_clean(stall_open)

    run()


# --- Public forms ------------------------------------------------------------------------------


def test_fuzz_checkout_and_tracking_forms(stall_open, client_for):
    client = client_for(stall_open)
    commune = commune_current()
    item = stall_open.fuzz_item
    checkout = {
        "name": "Lê Thị Mai",
        "phone": "0907654321",
        "address_mode": "current",
        "province": str(commune.parent_id),
        "commune": str(commune.pk),
        "address_line": "Ấp Mỹ Hòa",
        "note": "",
        "is_minor": "",
        "guardian_name": "",
        "guardian_phone": "",
        "consent": "on",
        "place": "1",
    }

    @FUZZ
    @given(
        data=form_body(checkout),
        track=form_body({"code": stall_open.fuzz_order.code, "phone_last4": "8877"}),
        lookup=form_body({"code": stall_open.fuzz_order.code, "last4": "8877", "phone": "0"}),
        basket=form_body({"item": str(item.pk), "quantity": "1"}),
    )
    def run(data, track, lookup, basket):
        before = _tenant_counts(stall_open)
        check(client.post("/gio/", basket), refused_if=lambda s: False, before=before, after=before)
        client.post("/gio/", {"item": item.pk, "quantity": 1})
        response = client.post("/dat-hang/", data)
        check(response, refused_if=_page_refused, before=before, after=_tenant_counts(stall_open))
        for path, body in (("/theo-doi/", track), ("/bao-mat/du-lieu-cua-toi/", lookup)):
            before = _tenant_counts(stall_open)
            response = client.post(path, body)
            check(
                response, refused_if=lambda s: True, before=before, after=_tenant_counts(stall_open)
            )
        _stored_text_is_clean(stall_open)

    run()


# --- Staff forms ---------------------------------------------------------------------------------


def test_fuzz_staff_item_form_and_delivery_override(stall_open, officer_client):
    item = stall_open.fuzz_item
    valid = {
        "category": str(item.category.pk),
        "title": "Sách Toán 5",
        "description": "",
        "condition": "good",
        "size_kind": "",
        "size": "",
        "gender": "any",
        "age_min": "",
        "age_max": "",
        "grade": "5",
        "subject": "Toán",
        "is_listed": "on",
        "photos-TOTAL_FORMS": "0",
        "photos-INITIAL_FORMS": "0",
    }

    @FUZZ
    @given(
        data=form_body(valid),
        override=form_body({"delivery": "post", "run": ""}),
    )
    def run(data, override):
        before = _tenant_counts(stall_open)
        response = officer_client.post("/quan-tri/catalog/item/add/", data)
        check(response, refused_if=_page_refused, before=before, after=_tenant_counts(stall_open))
        response = officer_client.post(
            f"/giao-nhan/don/{stall_open.fuzz_order.pk}/cach-giao/", override
        )
        assert response.status_code < 500
        _stored_text_is_clean(stall_open)

    run()


def test_fuzz_district_target_form(db, client_for):
    district = _district()
    officer = make_user(
        "fuzz-huyen@example.vn", unit=district, role=Membership.Role.DISTRICT_OFFICER
    )
    client = client_for(None, officer)
    path = f"/bao-cao/don-vi/{district.pk}/muc-tieu/"
    valid = {
        "kind": Target.Kind.choices[0][0],
        "title": "Mục tiêu học kỳ",
        "period_start": "2026-09-01",
        "period_end": "2026-12-31",
        "value": "100",
    }
    assert client.get(path).status_code == 200

    @FUZZ
    @given(data=form_body(valid))
    def run(data):
        connection.set_schema_to_public()
        before = {"Target": Target.objects.count()}
        response = client.post(path, data)
        check(
            response,
            refused_if=_page_refused,
            before=before,
            after={"Target": Target.objects.count()},
        )
        for title in Target.objects.values_list("title", flat=True):
            assert title == title.strip()
            assert not any(unicodedata.category(ch) in ("Cf", "Cc") for ch in title)

    run()
