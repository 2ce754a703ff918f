"""Recipient SMS outbox: one message per step, record-only and webhook backends."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.test import override_settings

from catalog.models import Order, OrderEvent
from logistics.models import Notification
from logistics.notifications import TransientSendError, notification_queue, notification_send
from tests.conftest import in_stall
from tests.logistics.factories import order_make, school_commune

pytestmark = pytest.mark.django_db
State = Order.State


class Gateway:
    """A small local SMS gateway that records what it receives and answers a set status."""

    def __init__(self, status: int = 200):
        self.status = status
        self.received: list[tuple[dict, str]] = []
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's naming
                body = self.rfile.read(int(self.headers["Content-Length"]))
                gateway.received.append((body, self.headers["X-Gianhang-Signature"]))
                self.send_response(gateway.status)
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/sms"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def gateway():
    g = Gateway()
    yield g
    g.close()


def _confirmed(stall) -> Order:
    order = order_make(area=school_commune(), state=State.CONFIRMED)
    return order


def test_a_step_queues_one_short_vietnamese_text_with_code_and_stall_name(stall_a):
    with in_stall(stall_a):
        order = _confirmed(stall_a)
        first = notification_queue(order=order, to_state=State.CONFIRMED)
        again = notification_queue(order=order, to_state=State.CONFIRMED)
        assert again is None
        assert Notification.objects.count() == 1
        assert order.code in first.text
        assert stall_a.name in first.text
        assert order.recipient_name not in first.text
        assert order.address_line not in first.text
        assert "xác nhận" in first.text


def test_steps_the_recipient_does_not_care_about_send_nothing(stall_a):
    with in_stall(stall_a):
        order = order_make(area=school_commune(), state=State.PACKED)
        assert notification_queue(order=order, to_state=State.PACKED) is None


def test_record_only_backend_keeps_the_message_for_officers(stall_a):
    with in_stall(stall_a):
        note = notification_queue(order=_confirmed(stall_a), to_state=State.CONFIRMED)
        sent = notification_send(notification_id=note.pk)
        assert sent.status == Notification.Status.RECORDED
        assert notification_send(notification_id=note.pk) is None  # never twice


def test_webhook_backend_posts_signed_json(stall_a, gateway):
    with (
        override_settings(
            GIANHANG_SMS_BACKEND="webhook",
            GIANHANG_SMS_WEBHOOK_URL=gateway.url,
            GIANHANG_SMS_WEBHOOK_SECRET="bi-mat",
        ),
        in_stall(stall_a),
    ):
        note = notification_queue(order=_confirmed(stall_a), to_state=State.CONFIRMED)
        sent = notification_send(notification_id=note.pk)
    assert sent.status == Notification.Status.SENT
    body, signature = gateway.received[0]
    assert json.loads(body)["text"] == note.text
    assert signature == hmac.new(b"bi-mat", body, hashlib.sha256).hexdigest()


def test_webhook_server_error_is_transient_and_kept_pending(stall_a, gateway):
    gateway.status = 503
    with (
        override_settings(GIANHANG_SMS_BACKEND="webhook", GIANHANG_SMS_WEBHOOK_URL=gateway.url),
        in_stall(stall_a),
    ):
        note = notification_queue(order=_confirmed(stall_a), to_state=State.CONFIRMED)
        with pytest.raises(TransientSendError):
            notification_send(notification_id=note.pk)
        note.refresh_from_db()
        assert note.status == Notification.Status.PENDING
        assert note.attempts == 1
        gateway.status = 200
        assert notification_send(notification_id=note.pk).status == Notification.Status.SENT


def test_webhook_refusal_fails_the_message_for_good(stall_a, gateway):
    gateway.status = 400
    with (
        override_settings(GIANHANG_SMS_BACKEND="webhook", GIANHANG_SMS_WEBHOOK_URL=gateway.url),
        in_stall(stall_a),
    ):
        note = notification_queue(order=_confirmed(stall_a), to_state=State.CONFIRMED)
        assert notification_send(notification_id=note.pk).status == Notification.Status.FAILED


def test_anonymised_order_gets_no_message(stall_a):
    with in_stall(stall_a):
        order = _confirmed(stall_a)
        Order.objects.filter(pk=order.pk).update(phone="")
        order.refresh_from_db()
        assert notification_queue(order=order, to_state=State.CONFIRMED) is None
        assert OrderEvent.objects.filter(order=order).exists()
