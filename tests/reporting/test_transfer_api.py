"""Transfers and the pool through the API: the same steps and the same walls as the pages."""

from __future__ import annotations

import json

import pytest

from catalog.models import Item
from reporting.models import Transfer
from tenants.models import Membership
from tests.catalog.factories import item_make
from tests.conftest import in_stall, make_user
from tests.reporting.transfer_support import (
    FixedWishes,
    other_district,
    place,
    shoes_in,
    stock_of,
    use_wishes,
)

pytestmark = pytest.mark.django_db


def _post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


@pytest.fixture
def three(stall_factory, monkeypatch):
    a = place(stall_factory(slug="truong-a", name="Đoàn trường A"), 10.40, 106.20)
    b = place(stall_factory(slug="truong-b", name="Đoàn trường B"), 10.43, 106.24)
    c = stall_factory(slug="truong-c", name="Đoàn trường C", parent=other_district())
    use_wishes(monkeypatch, FixedWishes({"truong-b": [("giay-dep", "32", None, 12)]}))
    shoes_in(a, quantity=40)
    with in_stall(b):
        item_make(title="Sách Toán riêng của B", quantity=7, category="sach-tap-vo", grade=6)
    return a, b, c


def test_a_proposes_and_b_takes_its_steps_through_the_api(three, client_for, officer_factory):
    a, b, c = three
    with in_stall(a):
        shoes = Item.objects.get()
    api_a = client_for(a, user=officer_factory(a))
    api_b = client_for(b, user=officer_factory(b))

    created = _post(
        api_a,
        "/api/v1/transfers/",
        {"to_stall": "truong-b", "lines": [{"item": shoes.pk, "quantity": 6}]},
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["from_stall"], body["to_stall"], body["state"]) == (
        "truong-a",
        "truong-b",
        "proposed",
    )
    assert body["lines"] == [
        {
            "description": "Giày bata trắng",
            "category": "giay-dep",
            "size": "32",
            "grade": None,
            "quantity": 6,
        }
    ]
    step = f"/api/v1/transfers/{body['id']}/step/"
    assert _post(api_a, step, {"step": "accept"}).status_code == 404  # the receiver's step
    assert _post(api_b, step, {"step": "send"}).status_code == 404  # the sender's step
    assert _post(api_b, step, {"step": "receive"}).status_code == 400  # not accepted yet
    assert _post(api_b, step, {"step": "accept"}).json()["state"] == "accepted"
    assert _post(api_a, step, {"step": "send"}).json()["state"] == "sent"
    assert _post(api_b, step, {"step": "receive"}).json()["state"] == "received"
    assert stock_of(b)["Giày bata trắng"] == 6
    assert [t["id"] for t in api_b.get("/api/v1/transfers/").json()] == [body["id"]]


def test_the_api_refuses_a_stall_of_another_district_and_more_than_the_shelf_holds(
    three, client_for, officer_factory
):
    a, _b, _c = three
    with in_stall(a):
        shoes = Item.objects.get()
    api_a = client_for(a, user=officer_factory(a))

    far = _post(
        api_a,
        "/api/v1/transfers/",
        {"to_stall": "truong-c", "lines": [{"item": shoes.pk, "quantity": 1}]},
    )
    too_many = _post(
        api_a,
        "/api/v1/transfers/",
        {"to_stall": "truong-b", "lines": [{"item": shoes.pk, "quantity": 41}]},
    )
    nonsense = _post(api_a, "/api/v1/transfers/", {"to_stall": "truong-b", "lines": "nhiều"})

    assert (far.status_code, too_many.status_code, nonsense.status_code) == (400, 400, 400)
    assert "không còn đủ" in json.dumps(too_many.json(), ensure_ascii=False)
    assert not Transfer.objects.exists()
    assert stock_of(a) == {"Giày bata trắng": 40}


def test_other_stalls_and_anonymous_callers_see_no_transfers(three, client_for, officer_factory):
    a, b, c = three
    with in_stall(a):
        shoes = Item.objects.get()
    api_a = client_for(a, user=officer_factory(a))
    created = _post(
        api_a,
        "/api/v1/transfers/",
        {"to_stall": "truong-b", "lines": [{"item": shoes.pk, "quantity": 2}]},
    ).json()

    api_c = client_for(c, user=officer_factory(c))
    assert api_c.get("/api/v1/transfers/").json() == []
    assert (
        _post(api_c, f"/api/v1/transfers/{created['id']}/step/", {"step": "cancel"}).status_code
        == 404
    )
    assert client_for(a).get("/api/v1/transfers/").status_code == 403


def test_the_pool_api_gives_counts_to_the_district_and_nothing_to_others(three, client_for):
    a, _b, c = three
    district = a.unit.parent
    officer = make_user("huyen@tanphuoc.vn", unit=district, role=Membership.Role.DISTRICT_OFFICER)

    body = client_for(None, user=officer).get(f"/api/v1/reports/units/{district.pk}/pool/").json()

    assert body["stalls"] == ["truong-a", "truong-b"]
    assert body["matches"][0]["from_stall"] == "truong-a"
    assert body["matches"][0]["to_stall"] == "truong-b"
    assert body["matches"][0]["quantity"] == 12
    assert {(r["category_slug"], r["stock"], r["wished"]) for r in body["rows"]} == {
        ("giay-dep", 40, 12),
        ("sach-tap-vo", 7, 0),
    }
    assert "Sách Toán riêng của B" not in json.dumps(body, ensure_ascii=False)
    stall_officer = make_user(
        "canbo-a@example.vn", unit=a.unit, role=Membership.Role.SCHOOL_OFFICER
    )
    assert (
        client_for(None, user=stall_officer)
        .get(f"/api/v1/reports/units/{district.pk}/pool/")
        .status_code
        == 403
    )


def test_the_schemas_describe_transfers_on_a_stall_and_the_pool_on_the_public_host(
    stall_a, client_for
):
    stall_schema = client_for(stall_a).get("/api/schema/", HTTP_ACCEPT="application/json").content
    public_schema = client_for(None).get("/api/schema/", HTTP_ACCEPT="application/json").content

    assert b"/api/v1/transfers/" in stall_schema
    assert b"/api/v1/transfers/{id}/step/" in stall_schema
    assert b"/pool/" not in stall_schema
    assert b"/api/v1/reports/units/{unit_id}/pool/" in public_schema
    assert b"/api/v1/transfers/" not in public_schema
