"""Recipient texts carry the tracking link and fit one GSM-7 segment where the gateway needs it."""

from __future__ import annotations

import pytest
from django.test import override_settings

from catalog.models import Order
from logistics.notifications import GSM7_BASIC, SEGMENT, message_text, notification_queue
from tests.conftest import host_of, in_stall
from tests.logistics.factories import order_make, school_commune

pytestmark = pytest.mark.django_db
State = Order.State
STEPS = [
    State.CONFIRMED,
    State.OUT_FOR_DELIVERY,
    State.HANDED_TO_POST,
    State.DELIVERED,
    State.FAILED,
    State.CANCELLED,
]


def test_the_confirmation_text_carries_the_stalls_tracking_link_with_the_code(stall_a):
    with in_stall(stall_a):
        order = order_make(area=school_commune(), state=State.CONFIRMED)
        note = notification_queue(order=order, to_state=State.CONFIRMED)
    link = f"http://{host_of(stall_a)}/theo-doi/?ma={order.code}"
    assert link in note.text
    assert "Tra cứu đơn bằng mã này" not in note.text
    assert "xác nhận" in note.text  # the outbox (record backend) keeps tone marks


@pytest.mark.parametrize("step", STEPS)
def test_a_gateway_text_is_one_gsm7_segment_with_the_stall_name(stall_a, step):
    with override_settings(GIANHANG_SMS_BACKEND="webhook"), in_stall(stall_a):
        order = order_make(area=school_commune(), state=step)
        note = notification_queue(order=order, to_state=step)
    assert len(note.text) <= SEGMENT
    assert set(note.text) <= GSM7_BASIC
    assert note.text.startswith("Doan truong A: Don ")
    assert f"?ma={order.code}" in note.text


@pytest.mark.parametrize("step", STEPS)
def test_a_long_stall_name_is_shortened_so_the_link_still_fits(step):
    order = Order(code="ABCD-1234")
    name = "Đoàn Thanh niên Cộng sản Hồ Chí Minh Trường Trung học Phổ thông Nguyễn Đình Chiểu"
    link = "https://thpt-nguyen-dinh-chieu.gianhang0dong.vn/theo-doi/?ma=ABCD-1234"
    text = message_text(order=order, to_state=step, stall_name=name, link=link, gsm7=True)
    assert len(text) <= SEGMENT
    assert set(text) <= GSM7_BASIC
    assert text.endswith(link)
    assert text.startswith("Doan Thanh nien")


def test_without_a_gsm7_gateway_the_text_keeps_its_tone_marks():
    order = Order(code="ABCD-1234")
    text = message_text(
        order=order,
        to_state=State.DELIVERED,
        stall_name="Đoàn trường",
        link="http://x/",
        gsm7=False,
    )
    assert text == "Đoàn trường: Đơn ABCD-1234 đã giao xong. Cảm ơn bạn! Xem đơn: http://x/"
