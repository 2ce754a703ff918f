"""Officers' order pages: the board by state, bulk steps, one order's page, packing slips."""

from __future__ import annotations

import pytest

from catalog.models import Order
from catalog.services import order_place, order_transition
from tests.catalog.factories import item_make, recipient_make
from tests.conftest import in_stall

pytestmark = pytest.mark.django_db

BOARD = "/can-bo/don-hang/"


def _placed(stall, **recipient):
    with in_stall(stall):
        return order_place(
            stall=stall, lines={item_make().pk: 1}, recipient=recipient_make(**recipient)
        )


def test_order_board_shows_tabs_with_counts_by_state(stall_a, client_for, officer_factory):
    order = _placed(stall_a, name="Trần Văn Bé")
    body = client_for(stall_a, user=officer_factory(stall_a)).get(BOARD).content.decode()
    state = Order.State(order.state).label
    assert f"{state} (1)" in body
    assert "Đã đóng gói (0)" in body


def test_board_cards_show_code_recipient_and_lines(stall_a, client_for, officer_factory):
    order = _placed(stall_a, name="Trần Văn Bé")
    client = client_for(stall_a, user=officer_factory(stall_a))
    body = client.get(f"{BOARD}?trang-thai={order.state}").content.decode()
    assert order.code in body
    assert "Trần Văn Bé" in body
    assert "Áo thử" in body


def test_bulk_step_moves_each_order_and_names_those_that_cannot(
    stall_a, client_for, officer_factory
):
    ready = _placed(stall_a)
    gone = _placed(stall_a)
    with in_stall(stall_a):
        if ready.state == "placed":
            order_transition(order=ready, to_state="confirmed")
        order_transition(order=gone, to_state="cancelled")
    client = client_for(stall_a, user=officer_factory(stall_a))
    response = client.post(
        f"{BOARD}buoc/",
        {"from": "confirmed", "to": "packed", "id": [ready.pk, gone.pk]},
        follow=True,
    )
    body = response.content.decode()
    assert "Đã chuyển 1 đơn sang “Đã đóng gói”" in body
    assert gone.code in body
    assert "không thể chuyển" in body
    with in_stall(stall_a):
        assert Order.objects.get(pk=ready.pk).state == "packed"
        assert Order.objects.get(pk=gone.pk).state == "cancelled"


def test_a_step_the_board_does_not_offer_is_refused(stall_a, client_for, officer_factory):
    order = _placed(stall_a)
    client = client_for(stall_a, user=officer_factory(stall_a))
    response = client.post(
        f"{BOARD}buoc/", {"from": "placed", "to": "delivered", "id": [order.pk]}, follow=True
    )
    assert "Bước này không làm được ở đây" in response.content.decode()
    with in_stall(stall_a):
        assert Order.objects.get(pk=order.pk).state == order.state


def test_order_page_shows_lines_history_and_delivery_in_vietnamese(
    stall_a, client_for, officer_factory
):
    order = _placed(stall_a, name="Lê Thị Mai")
    with in_stall(stall_a):
        if order.state == "placed":
            order_transition(order=order, to_state="confirmed")
    client = client_for(stall_a, user=officer_factory(stall_a))
    body = client.get(f"{BOARD}{order.code}/").content.decode()
    assert "Lê Thị Mai" in body
    assert "Áo thử" in body
    assert "Đã đặt → Đã xác nhận" in body
    assert "placed" not in body.split("<main>")[1].split("</main>")[0].replace('value="', "")
    response = client.post(f"{BOARD}{order.code}/buoc/", {"to": "packed"}, follow=True)
    assert "Đã đóng gói" in response.content.decode()
    with in_stall(stall_a):
        assert Order.objects.get(pk=order.pk).state == "packed"


def test_unknown_order_code_is_a_vietnamese_404(stall_a, client_for, officer_factory):
    response = client_for(stall_a, user=officer_factory(stall_a)).get(f"{BOARD}KHONG-CO/")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()


def test_packing_slip_prints_items_and_address_for_officers_only(
    stall_a, client_for, officer_factory
):
    with in_stall(stall_a):
        order = order_place(
            stall=stall_a,
            lines={item_make(title="Áo dài trắng").pk: 1},
            recipient=recipient_make(name="Phạm Thị Lan"),
        )
    url = f"/can-bo/phieu-dong-goi/?id={order.pk}"
    assert client_for(stall_a).get(url).status_code == 302  # to login
    body = client_for(stall_a, user=officer_factory(stall_a)).get(url).content.decode()
    assert "Áo dài trắng" in body
    assert "Phạm Thị Lan" in body
    assert order.code in body


def test_another_stalls_officer_sees_no_orders(stall_a, stall_b, client_for, officer_factory):
    order = _placed(stall_a, name="Võ Thị Sáu")
    client = client_for(stall_b, user=officer_factory(stall_a))
    for url in (BOARD, f"{BOARD}{order.code}/"):
        response = client.get(url)
        assert response.status_code in (302, 403)
        assert "Võ Thị Sáu" not in response.content.decode()
