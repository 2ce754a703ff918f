"""The volunteers' route page without signal, in Debian's Chromium at 360×640: marks made
offline wait on the phone ("chưa gửi") and reach the server once each when it comes back."""

from __future__ import annotations

import json
import os
import re
import uuid

import pytest

from catalog.models import Order, OrderEvent
from logistics.models import Route, RunStop, StopMark
from logistics.routing import order_route
from logistics.runs import route_link_token, run_for_new_stops, run_plan, volunteer_signup
from tests.conftest import host_of, in_stall
from tests.logistics.factories import order_make, school_commune, stall_place, volunteer_make
from tests.logistics.test_volunteer_browser import server  # noqa: F401 - the live server fixture

CHROMIUM = "/usr/bin/chromium"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"{CHROMIUM} is not installed"),
]
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
PHONE = {"viewport": {"width": 360, "height": 640}, "locale": "vi-VN"}


def _route_with_stops(stall, n: int) -> tuple[str, list[RunStop]]:
    with in_stall(stall):
        orders = [
            order_make(area=school_commune(), state=Order.State.PACKED, name=f"Lâm Thị Cúc {i}")
            for i in range(n)
        ]
        for order in orders:
            order_route(order_id=order.pk)
        run = run_for_new_stops()
        volunteer_signup(volunteer=volunteer_make(name="Tạ Minh Nhật"), run=run)
        volunteer_signup(volunteer=volunteer_make(name="Hồ Gia Hân"), run=run)
        run_plan(run=run, seconds=0)
        route = Route.objects.get(run=run)
        stops = list(route.stops.select_related("order").order_by("position"))
        return route_link_token(route=route), stops


def _open_ready(context, url: str):
    page = context.new_page()
    page.goto(url)
    page.wait_for_selector("html[data-offline-ready='1']", timeout=20000)
    return page


def test_marks_made_offline_survive_a_reload_and_arrive_once_each(live_stall_factory, server):  # noqa: F811
    from playwright.sync_api import expect, sync_playwright

    stall = stall_place(live_stall_factory())
    token, stops = _route_with_stops(stall, 4)
    names = [s.order.recipient_name for s in stops]
    url = f"http://{host_of(stall)}:{server}/giao/{token}/"
    marks_sent: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            context = browser.new_context(**PHONE)
            page = _open_ready(context, url)
            page.on(
                "requestfinished",
                lambda r: marks_sent.append(r.url) if r.url.endswith("/danh-dau/") else None,
            )
            context.set_offline(True)
            for stop in stops[:2]:
                page.locator(f"#diem-{stop.pk}").get_by_role("button", name="Đã giao").click()
            third = page.locator(f"#diem-{stops[2].pk}")
            third.locator("select").select_option("nobody_home")
            third.get_by_role("button", name="Không giao được").click()
            counter = page.locator("#chua-gui")
            expect(counter).to_contain_text("Chưa gửi: 3 điểm")
            expect(page.locator(f"#diem-{stops[0].pk}")).to_contain_text("Đã giao (chưa gửi)")

            page.reload()  # still no signal: the page comes from the phone
            assert names[3] in page.locator(f"#diem-{stops[3].pk}").inner_text()
            assert page.evaluate("navigator.serviceWorker.controller !== null")
            # The worker's own requests are offline too (a page it never kept is not there):
            # so the reloaded route came from the phone, not from the server.
            reach = "fetch('/giao/chua-luu/').then(() => 'server', () => 'no signal')"
            assert page.evaluate(reach) == "no signal"
            expect(page.locator("#chua-gui")).to_contain_text("Chưa gửi: 3 điểm")
            expect(page.locator(f"#diem-{stops[2].pk}")).to_contain_text("chưa gửi")
            assert marks_sent == []  # nothing reached the server while offline

            context.set_offline(False)
            expect(page.locator("#chua-gui")).to_be_hidden(timeout=30000)
            expect(page.locator(f"#diem-{stops[2].pk}")).to_contain_text(
                "Không giao được: Không có ai ở nhà"
            )
            expect(page.locator(f"#diem-{stops[0].pk} .lg-mark")).to_have_text("Đã giao")
            page.reload()  # online again: the server's page says the same
            expect(page.locator(f"#diem-{stops[1].pk} .badge")).to_contain_text("Đã giao")
            assert (
                page.locator(f"#diem-{stops[3].pk}").get_by_role("button", name="Đã giao").count()
            )
            context.close()
        finally:
            browser.close()
    assert len(marks_sent) == 3
    with in_stall(stall):
        assert StopMark.objects.count() == 3
        outcomes = dict(RunStop.objects.values_list("pk", "outcome"))
        assert [outcomes[s.pk] for s in stops] == ["delivered", "delivered", "failed", ""]
        for stop in stops[:2]:
            assert OrderEvent.objects.filter(order=stop.order, to_state="delivered").count() == 1


def test_the_same_stop_marked_on_two_phones_gives_one_delivery(live_stall_factory, server):  # noqa: F811
    from playwright.sync_api import expect, sync_playwright

    stall = stall_place(live_stall_factory())
    token, stops = _route_with_stops(stall, 2)
    url = f"http://{host_of(stall)}:{server}/giao/{token}/"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            phones = [browser.new_context(**PHONE) for _ in range(2)]
            pages = [_open_ready(phone, url) for phone in phones]
            for phone, page in zip(phones, pages, strict=True):
                phone.set_offline(True)
                page.locator(f"#diem-{stops[0].pk}").get_by_role("button", name="Đã giao").click()
                expect(page.locator("#chua-gui")).to_contain_text("Chưa gửi: 1 điểm")
            for phone in phones:
                phone.set_offline(False)
            for page in pages:
                expect(page.locator("#chua-gui")).to_be_hidden(timeout=30000)
                expect(page.locator(f"#diem-{stops[0].pk} .lg-mark")).to_have_text("Đã giao")
            for phone in phones:
                phone.close()
        finally:
            browser.close()
    with in_stall(stall):
        assert StopMark.objects.filter(stop_id=stops[0].pk).count() == 2
        assert RunStop.objects.get(pk=stops[0].pk).outcome == "delivered"
        assert OrderEvent.objects.filter(order=stops[0].order, to_state="delivered").count() == 1


@pytest.mark.django_db
def test_a_mark_sent_twice_is_applied_once_and_answered_the_same(stall_a, client_for):
    stall_place(stall_a)
    token, stops = _route_with_stops(stall_a, 1)
    client = client_for(stall_a)
    mark = {"mark_id": str(uuid.uuid4()), "stop_id": stops[0].pk, "outcome": "delivered"}
    first = client.post(
        f"/giao/{token}/danh-dau/", json.dumps(mark), content_type="application/json"
    )
    again = client.post(
        f"/giao/{token}/danh-dau/", json.dumps(mark), content_type="application/json"
    )
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()
    with in_stall(stall_a):
        assert StopMark.objects.count() == 1
        assert OrderEvent.objects.filter(order=stops[0].order, to_state="delivered").count() == 1


@pytest.mark.django_db
def test_bad_marks_get_a_vietnamese_answer_not_an_error_page(stall_a, client_for):
    stall_place(stall_a)
    token, stops = _route_with_stops(stall_a, 1)
    client = client_for(stall_a)
    path = f"/giao/{token}/danh-dau/"
    garbage = client.post(path, "{not json", content_type="application/json")
    assert garbage.status_code == 400
    assert "không hợp lệ" in garbage.json()["message"]
    no_reason = {"mark_id": str(uuid.uuid4()), "stop_id": stops[0].pk, "outcome": "failed"}
    refused = client.post(path, json.dumps(no_reason), content_type="application/json")
    assert refused.status_code == 409
    assert "lý do" in refused.json()["message"]
    elsewhere = {"mark_id": str(uuid.uuid4()), "stop_id": 999999, "outcome": "delivered"}
    assert (
        client.post(path, json.dumps(elsewhere), content_type="application/json").status_code == 409
    )
    revoked = client.post(
        "/giao/khong-hop-le/danh-dau/", json.dumps(elsewhere), content_type="application/json"
    )
    assert revoked.status_code == 403


@pytest.mark.django_db
def test_the_service_worker_is_served_for_the_route_pages(stall_a, client_for):
    response = client_for(stall_a).get("/giao/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert re.search(r"/giao/", response.content.decode())
