"""A Saturday run end to end through the pages: five orders, one cancelled, planned,
delivered in part, planned again and printed. Nothing cancelled reaches a volunteer."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from catalog.models import Order
from logistics.models import RunStop
from logistics.routing import orders_route_sweep
from tests.catalog.conftest import _fresh_rate_limits  # noqa: F401 - counters reused by name
from tests.catalog.factories import item_make
from tests.conftest import in_stall
from tests.logistics.factories import school_commune, stall_place, volunteer_make

pytestmark = pytest.mark.django_db

NAMES = ["Lê Thị Mai", "Trần Văn Hùng", "Phạm Thị Lan", "Đỗ Minh Khôi", "Huỳnh Ngọc Ánh"]


def _place_order(client, item, name: str, phone: str) -> str:
    commune = school_commune()
    assert client.post("/gio/", {"item": item.pk, "quantity": 1}).status_code == 302
    response = client.post(
        "/dat-hang/",
        {
            "name": name,
            "phone": phone,
            "address_mode": "current",
            "province": str(commune.parent_id),
            "commune": str(commune.pk),
            "address_line": "Ấp Mỹ Hòa",
            "consent": "on",
            "place": "1",
        },
        follow=True,
    )
    assert response.status_code == 200
    return client.session["just_placed"]


def _messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def _counts(body: str) -> tuple[int, ...]:
    match = re.search(
        r"(\d+) điểm · (\d+) đã xếp tuyến · (\d+) đã giao · (\d+) không giao được", body
    )
    assert match
    return tuple(int(x) for x in match.groups())


def _links(body: str) -> list[str]:
    return re.findall(r'value="https?://[^/"]+(/giao/[^"]+/)"', body)


def test_five_orders_one_cancelled_planned_delivered_replanned_and_printed(
    stall_a, officer_factory, client_for
):
    stall_place(stall_a)
    with in_stall(stall_a):
        item = item_make(quantity=10)
        pair = [volunteer_make(name="Ngô Bảo Châu"), volunteer_make(name="Lý Thu Thảo")]

    # Five recipients order from the storefront.
    recipients = [client_for(stall_a) for _ in NAMES]
    codes = [
        _place_order(client, item, name, f"09076543{i:02d}")
        for i, (client, name) in enumerate(zip(recipients, NAMES, strict=True))
    ]
    with in_stall(stall_a):
        assert orders_route_sweep() == 5  # the periodic job routes what the tasks would have

    # One recipient cancels from the tracking page, confirming on a second page.
    cancelled = codes[0]
    asked = recipients[0].get(f"/theo-doi/{cancelled}/huy/")
    assert "Có, hủy đơn" in asked.content.decode()
    done = recipients[0].post(f"/theo-doi/{cancelled}/huy/", {"confirm": "1"}, follow=True)
    assert f"Đã hủy đơn {cancelled}" in _messages(done)

    # The officer signs in through the login form, packs, signs the pair up and plans.
    officer = client_for(stall_a, officer_factory(stall_a))
    with in_stall(stall_a):
        ids = list(Order.objects.filter(code__in=codes).values_list("pk", flat=True))
    packed = officer.post(
        "/can-bo/don-hang/buoc/",
        {"from": Order.State.CONFIRMED, "to": Order.State.PACKED, "id": ids},
        follow=True,
    )
    assert packed.status_code == 200
    run_page = officer.get("/giao-nhan/chuyen/sap-toi/", follow=True)
    run_url = run_page.redirect_chain[-1][0]
    assert cancelled not in run_page.content.decode()
    for volunteer in pair:
        officer.post(f"{run_url}dang-ky/", {"volunteer": volunteer.pk})
    planned = officer.post(f"{run_url}chia-tuyen/", follow=True)
    assert "Đã chia tuyến" in _messages(planned)
    body = planned.content.decode()
    assert cancelled not in body
    assert _counts(body) == (4, 4, 0, 0)
    (old_link,) = _links(body)

    # On the phone page the pair delivers two stops and fails one.
    volunteer = client_for(stall_a)
    page = volunteer.get(old_link).content.decode()
    assert cancelled not in page
    stops = re.findall(r'id="diem-(\d+)"', page)
    assert len(stops) == 4
    for stop in stops[:2]:
        marked = volunteer.post(f"{old_link}diem/{stop}/", {"outcome": "delivered"}, follow=True)
        assert marked.status_code == 200
    volunteer.post(
        f"{old_link}diem/{stops[2]}/", {"outcome": "failed", "reason": "nobody_home"}, follow=True
    )
    with in_stall(stall_a):
        finished = {
            s.pk: (s.route_id, s.position, s.outcome)
            for s in RunStop.objects.filter(pk__in=stops[:3])
        }
    assert sorted(o for _r, _p, o in finished.values()) == ["delivered", "delivered", "failed"]

    # Planning again asks first, saying the links sent will stop working.
    confirm = officer.get(f"{run_url}chia-tuyen/").content.decode()
    assert "đường dẫn đã gửi cho đoàn viên sẽ không dùng được nữa" in confirm
    replanned = officer.post(f"{run_url}chia-tuyen/", {"confirm": "1"}, follow=True)
    assert "Đã chia tuyến" in _messages(replanned)
    body = replanned.content.decode()
    assert cancelled not in body
    total, on_routes, delivered, failed = _counts(body)
    rows = re.findall(r'<tr data-stop="(\d+)" data-outcome="(\w*)">', body)
    assert (total, on_routes, delivered, failed) == (4, 4, 2, 1)
    assert len(rows) == total
    assert [o for _s, o in rows].count("delivered") == delivered
    assert [o for _s, o in rows].count("failed") == failed
    assert "Chưa xếp tuyến (0)" in body
    with in_stall(stall_a):
        after = {
            s.pk: (s.route_id, s.position, s.outcome)
            for s in RunStop.objects.filter(pk__in=finished)
        }
        assert after == finished  # finished stops stayed where they were
        assert not RunStop.objects.filter(order__code=cancelled).exists()
        route_ids = set(
            RunStop.objects.filter(run__stops__pk=stops[0], route__isnull=False)
            .values_list("route_id", flat=True)
            .distinct()
        )

    # The printed sheets and every stop's phone page: 200, the cancelled order nowhere.
    assert volunteer.get(old_link).status_code == 403
    for route_id in route_ids:
        sheet = officer.get(f"/giao-nhan/tuyen/{route_id}/phieu.pdf")
        assert sheet.status_code == 200
        text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(sheet.content)).pages)
        assert cancelled not in text
        assert "+84" not in text
        assert "0907 654 301" in text or "0907 654 302" in text
    links = _links(body)
    with in_stall(stall_a):
        on_routes_now = list(RunStop.objects.filter(pk__in=[s for s, _o in rows]))
    pages = [volunteer.get(link) for link in links]
    assert all(p.status_code == 200 for p in pages)
    joined = "".join(p.content.decode() for p in pages)
    assert cancelled not in joined
    for stop in on_routes_now:
        assert f'id="diem-{stop.pk}"' in joined
