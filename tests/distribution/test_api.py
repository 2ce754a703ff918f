"""The distribution API: asking in a round, reading one's request, wishes and sets."""

from __future__ import annotations

import pytest

from distribution.models import Request, TextbookSeries, TextbookSubject
from distribution.textbooks import textbook_intake
from privacy.models import AccessLog
from tests.catalog.factories import item_make
from tests.conftest import in_stall
from tests.distribution.factories import round_make

pytestmark = pytest.mark.django_db

COMMUNE = "28327"


def _recipient(phone: str) -> dict:
    return {
        "name": "Võ Thị Thu",
        "phone": phone,
        "commune_code": COMMUNE,
        "address_line": "Ấp 4",
        "consent": True,
    }


def test_asking_in_a_round_through_the_api(stall_a, client_for):
    with in_stall(stall_a):
        round_ = round_make(items=[(item_make(title="Xe đạp", quantity=2), 2)])
        round_item = round_.items.get()
    client = client_for(stall_a)
    listed = client.get("/api/v1/rounds/").json()
    assert listed["results"][0]["items"] == [
        {"id": round_item.pk, "title": "Xe đạp", "quantity": 2}
    ]
    url = f"/api/v1/rounds/{round_.pk}/requests/"
    made = client.post(
        url,
        {**_recipient("0912000111"), "round_item": round_item.pk},
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["state"] == "waiting"
    assert "phone" not in body
    assert "name" not in body
    again = client.post(
        url,
        {**_recipient("0912000111"), "round_item": round_item.pk},
        content_type="application/json",
    )
    assert again.status_code == 409
    assert again.json()["code"] == "duplicate"
    status = client.get(f"/api/v1/round-requests/{body['code']}/?phone_last4=0111")
    assert status.status_code == 200
    assert status.json()["code"] == body["code"]
    assert client.get(f"/api/v1/round-requests/{body['code']}/?phone_last4=9999").status_code == 404


def test_the_officer_list_of_requests_needs_an_officer_and_is_logged(
    stall_a, client_for, officer_factory
):
    with in_stall(stall_a):
        round_ = round_make(items=[(item_make(title="Xe đạp", quantity=1), 1)])
        round_item_id = round_.items.get().pk
    url = f"/api/v1/officer/rounds/{round_.pk}/requests/"
    client_for(stall_a).post(
        f"/api/v1/rounds/{round_.pk}/requests/",
        {**_recipient("0912000222"), "round_item": round_item_id},
        content_type="application/json",
    )
    assert client_for(stall_a).get(url).status_code in (401, 403)
    officer = client_for(stall_a, officer_factory(stall_a))
    with in_stall(stall_a):
        before = AccessLog.objects.count()
    rows = officer.get(url).json()["results"]
    assert rows[0]["phone"] == "+84912000222"
    with in_stall(stall_a):
        assert AccessLog.objects.count() > before
        assert Request.objects.count() == 1


def test_wishes_and_sets_through_the_api(stall_a, client_for):
    client = client_for(stall_a)
    wish = client.post(
        "/api/v1/wishes/",
        {"category": "giay-dep", "size": "37", "phone": "0912000333", "consent": True},
        content_type="application/json",
    )
    assert wish.status_code == 201, wish.content
    assert "phone" not in wish.json()
    needed = client.get("/api/v1/wishes/needed/").json()
    assert needed == [
        {"count": 1, "category": "Giày dép", "grade": None, "subject": "", "sizes": "37"}
    ]
    with in_stall(stall_a):
        series = TextbookSeries.objects.get(slug="canh-dieu")
        subjects = list(TextbookSubject.objects.filter(grade=2).order_by("position"))
        textbook_intake(series=series, quantities={s.pk: 1 for s in subjects[:2]})
    shown = client.get("/api/v1/sets/?grade=2&series=canh-dieu").json()
    assert [t["in_stock"] for t in shown["titles"]].count(True) == 2
    asked = client.post(
        "/api/v1/sets/",
        {**_recipient("0912000444"), "grade": 2, "series": "canh-dieu"},
        content_type="application/json",
    )
    assert asked.status_code == 201, asked.content
    assert asked.json()["titles_given"] == 2
    assert len(asked.json()["wish_codes"]) == len(subjects) - 2
