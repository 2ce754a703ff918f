"""Every delivery action, through its page, with the order in every state: never a 500,
every answer a page, every message Vietnamese."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest
from django.utils import timezone

from catalog.models import Order
from logistics.batches import batch_build
from logistics.models import Parcel, Route, RunStop
from logistics.routing import order_route
from logistics.runs import route_link_token, run_for_new_stops, run_plan, volunteer_signup
from tests.conftest import in_stall
from tests.logistics.factories import (
    far_commune,
    order_make,
    school_commune,
    stall_place,
    volunteer_make,
)

pytestmark = pytest.mark.django_db
State = Order.State


def _vietnamese(text: str) -> bool:
    """True if the text has a letter only Vietnamese (of our two languages) writes."""
    return any(ch in "đĐ" or unicodedata.decomposition(ch) for ch in text if ch.isalpha())


def _setup(stall, state: str) -> dict:
    stall_place(stall)
    with in_stall(stall):
        near = order_make(area=school_commune(), state=State.PACKED, name="Võ Thị Sáu")
        other = order_make(area=school_commune(), state=State.PACKED, name="Lê Văn Tám")
        for order in (near, other):
            order_route(order_id=order.pk)
        run = run_for_new_stops()
        volunteer_signup(volunteer=volunteer_make(name="Ngô Bảo Châu"), run=run)
        volunteer_signup(volunteer=volunteer_make(name="Lý Thu Thảo"), run=run)
        run_plan(run=run, seconds=0)
        far = order_make(area=far_commune(), state=State.PACKED, delivery="post", name="Phan Bội")
        batch = batch_build()
        # The order is put in the state under test directly, as stale or racing data would
        # leave it: the services must refuse whatever does not fit, whatever the pages show.
        Order.objects.filter(pk__in=[near.pk, far.pk]).update(state=state)
        route = Route.objects.get(run=run)
        return {
            "run": run,
            "route": route,
            "stop": RunStop.objects.get(order=near),
            "near": near,
            "far": far,
            "batch": batch,
            "parcel": Parcel.objects.get(order=far),
            "token": route_link_token(route=route),
        }


def _actions(c: dict) -> list[tuple[str, str, str, dict]]:
    run, route, stop, batch, parcel = c["run"], c["route"], c["stop"], c["batch"], c["parcel"]
    token = c["token"]
    today = timezone.localdate()
    return [
        ("officer", "get", f"/giao-nhan/chuyen/{run.pk}/", {}),
        ("officer", "post", f"/giao-nhan/diem/{stop.pk}/chuyen-tuyen/", {"route": ""}),
        ("officer", "post", f"/giao-nhan/diem/{stop.pk}/chuyen-tuyen/", {"route": route.pk}),
        ("volunteer", "get", f"/giao/{token}/", {}),
        ("volunteer", "post", f"/giao/{token}/diem/{stop.pk}/", {"outcome": "delivered"}),
        (
            "volunteer",
            "post",
            f"/giao/{token}/diem/{stop.pk}/",
            {"outcome": "failed", "reason": "nobody_home"},
        ),
        ("officer", "get", f"/giao-nhan/tuyen/{route.pk}/phieu.pdf", {}),
        ("officer", "get", f"/giao-nhan/chuyen/{run.pk}/chia-tuyen/", {}),
        ("officer", "post", f"/giao-nhan/chuyen/{run.pk}/chia-tuyen/", {"confirm": "1"}),
        ("officer", "post", f"/giao-nhan/chuyen/{run.pk}/bat-dau/", {}),
        ("officer", "post", "/giao-nhan/lo/gom/", {}),
        ("officer", "get", f"/giao-nhan/lo/{batch.pk}/bang-ke.pdf", {}),
        ("officer", "get", f"/giao-nhan/lo/{batch.pk}/bang-ke.csv", {}),
        ("officer", "get", f"/giao-nhan/lo/{batch.pk}/nhan.pdf", {}),
        (
            "officer",
            "post",
            f"/giao-nhan/buu-kien/{parcel.pk}/ma-van-don/",
            {"tracking_number": "EB123456789VN"},
        ),
        ("officer", "post", f"/giao-nhan/buu-kien/{parcel.pk}/da-nhan/", {}),
        ("officer", "post", f"/giao-nhan/lo/{batch.pk}/san-sang/", {}),
        (
            "officer",
            "post",
            f"/giao-nhan/lo/{batch.pk}/giao-buu-dien/",
            {"receipt_number": "BN-001", "handed_over_on": f"{today - dt.timedelta(days=1)}"},
        ),
        (
            "officer",
            "post",
            f"/giao-nhan/buu-kien/{parcel.pk}/ma-van-don/",
            {"tracking_number": "EB123456789VN"},
        ),
        ("officer", "post", f"/giao-nhan/buu-kien/{parcel.pk}/da-nhan/", {}),
        ("officer", "post", f"/giao-nhan/buu-kien/{parcel.pk}/hoan/", {"reason": "Sai địa chỉ"}),
        ("officer", "post", f"/giao-nhan/lo/{batch.pk}/dong/", {}),
        ("officer", "get", f"/giao-nhan/lo/{batch.pk}/", {}),
        ("officer", "get", "/giao-nhan/", {}),
        # Last: changing how an order goes takes it off its route or out of its batch.
        (
            "officer",
            "post",
            f"/giao-nhan/don/{c['near'].pk}/cach-giao/",
            {"delivery": "post", "run": run.pk},
        ),
        ("officer", "post", f"/giao-nhan/don/{c['far'].pk}/cach-giao/", {"delivery": "volunteer"}),
    ]


@pytest.mark.parametrize("state", list(State.values))
def test_every_action_answers_a_page_with_a_vietnamese_message(
    stall_a, officer_factory, client_for, state
):
    context = _setup(stall_a, state)
    clients = {
        "officer": client_for(stall_a, officer_factory(stall_a)),
        "volunteer": client_for(stall_a),
    }
    for who, method, url, data in _actions(context):
        client = clients[who]
        # The test client re-raises any exception a view lets out: a 500 fails here.
        response = getattr(client, method)(url, data, follow=True)
        where = f"{state}: {method.upper()} {url}"
        assert response.status_code in (200, 403), where
        if response.status_code == 403:  # a volunteer link revoked by the re-plan above
            assert who == "volunteer", where
            assert "Đường dẫn không dùng được" in response.content.decode(), where
            continue
        if response["Content-Type"].startswith("text/html"):
            body = response.content.decode()
            assert "Server Error" not in body, where
            assert "Traceback" not in body, where
            messages = [str(m) for m in response.context["messages"]]
            if method == "post":  # every action says what it did or why it did not
                assert messages, where
            for message in messages:
                assert _vietnamese(message), f"{where}: {message}"
    with in_stall(stall_a):
        near = Order.objects.get(pk=context["near"].pk)
        far = Order.objects.get(pk=context["far"].pk)
        if state in (State.CANCELLED, State.DELIVERED):
            # Nothing moves a finished order, and a cancelled one is on no route or batch.
            assert (near.state, far.state) == (state, state)
        if state == State.CANCELLED:
            assert not RunStop.objects.filter(
                order=near, is_current=True, route__isnull=False
            ).exists()
            assert not RunStop.objects.filter(order=near).exclude(outcome="").exists()
