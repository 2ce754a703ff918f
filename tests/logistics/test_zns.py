"""Zalo notifications (ZNS) against the local fake Zalo: template messages, tokens, SMS fallback."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine
from django.test import override_settings

from catalog.models import Order
from logistics.fakes import fakes_start
from logistics.fakes.zalo import FakeZalo
from logistics.models import MessageOptOut, Notification
from logistics.notifications import TransientSendError, notification_queue, notification_send
from logistics.zns import TokenStore
from tests.conftest import in_stall
from tests.logistics.factories import order_make, school_commune

pytestmark = pytest.mark.django_db
State = Order.State
TEMPLATES = {
    "confirmed": "300101",
    "out_for_delivery": "300102",
    "delivered": "300103",
    "failed": "300104",
}


def zalo_settings(fake: FakeZalo) -> dict:
    """What an operator puts in the environment, pointed at the fake."""
    return {
        "GIANHANG_SMS_BACKEND": "zalo",
        "GIANHANG_ZALO_API_URL": fake.url,
        "GIANHANG_ZALO_OAUTH_URL": fake.url,
        "GIANHANG_ZALO_APP_ID": fake.app_id,
        "GIANHANG_ZALO_APP_SECRET": fake.secret_key,
        "GIANHANG_ZALO_REFRESH_TOKEN": "fake-refresh-0",
        "GIANHANG_ZALO_TEMPLATES": TEMPLATES,
        "GIANHANG_ZALO_FALLBACK": "webhook",
        "GIANHANG_SMS_WEBHOOK_URL": f"{fake.url}/sms",
        "GIANHANG_SMS_WEBHOOK_SECRET": "bi-mat",
    }


@pytest.fixture
def fake():
    zalo = FakeZalo(templates=set(TEMPLATES.values())).start()
    with override_settings(**zalo_settings(zalo)):
        TokenStore().forget()
        yield zalo
        TokenStore().forget()
    zalo.stop()


def _send(stall, *, phone: str | None = None, to_state: str = State.CONFIRMED) -> Notification:
    with in_stall(stall):
        order = order_make(area=school_commune(), state=to_state, phone=phone)
        note = notification_queue(order=order, to_state=to_state)
        notification_send(notification_id=note.pk)
        note.refresh_from_db()
        return note


def test_a_step_goes_out_as_the_steps_zns_template_to_the_phone_in_zalos_form(stall_a, fake):
    note = _send(stall_a, phone="+84912345678")
    assert note.status == Notification.Status.SENT
    assert note.channel == Notification.Channel.ZNS
    [call] = fake.accepted
    assert call.phone == "84912345678"
    assert call.template_id == TEMPLATES["confirmed"]
    with in_stall(stall_a):
        code = note.order.code
    assert call.template_data["order_code"] == code
    assert call.template_data["stall_name"] == stall_a.name[:30].rstrip()
    assert f"ma={code}" in call.template_data["tracking_url"]
    assert call.tracking_id.endswith(f":{note.pk}")
    assert note.provider_id.startswith("zns-")
    assert fake.sms == []


def test_a_phone_without_zalo_gets_one_sms_segment_with_the_tracking_link(stall_a, fake):
    fake.no_zalo.add("84912000111")
    note = _send(stall_a, phone="+84912000111")
    assert note.status == Notification.Status.SENT
    assert note.channel == Notification.Channel.SMS
    assert note.zalo_error.startswith("-118")
    [sms] = fake.sms
    assert sms["to"] == "+84912000111"
    assert len(sms["text"]) <= 160
    assert sms["text"].isascii()  # GSM-7: one segment of 160, not UCS-2's 70
    assert "/theo-doi/?ma=" in sms["text"]


def test_a_refused_template_falls_back_to_sms(stall_a, fake):
    fake.refused_templates.add(TEMPLATES["delivered"])
    note = _send(stall_a, to_state=State.DELIVERED)
    assert note.channel == Notification.Channel.SMS
    assert note.zalo_error.startswith("-131")
    assert len(fake.sms) == 1


def test_a_step_without_a_template_goes_by_sms(stall_a, fake):
    note = _send(stall_a, to_state=State.CANCELLED)
    assert note.channel == Notification.Channel.SMS
    assert fake.calls == []
    assert len(fake.sms) == 1


def test_an_expired_token_is_refreshed_once_and_the_message_sent_once(stall_a, fake):
    _send(stall_a)
    assert fake.refreshes == 1
    fake.expire_access_tokens()
    note = _send(stall_a)
    assert note.channel == Notification.Channel.ZNS
    assert fake.refreshes == 2
    assert [c.answer for c in fake.calls] == [0, -124, 0]
    # Zalo replaced the refresh token; the store kept the new one for the next refresh.
    store = TokenStore()
    assert store.redis.get(store._key("refresh")) == fake.refresh_token


def test_a_token_close_to_its_expiry_is_refreshed_before_sending(stall_a, fake):
    fake.expires_in = 900
    with time_machine.travel(dt.datetime(2026, 11, 7, 8, 0, tzinfo=dt.UTC), tick=True):
        _send(stall_a)
    with time_machine.travel(dt.datetime(2026, 11, 7, 8, 6, tzinfo=dt.UTC), tick=True):
        _send(stall_a)
    assert fake.refreshes == 2
    assert [c.answer for c in fake.calls] == [0, 0]  # never sent with a dying token


def test_a_token_that_cannot_be_refreshed_sends_by_sms_and_says_why(stall_a, fake):
    fake.refresh_token = "revoked-on-zalos-side"
    note = _send(stall_a)
    assert note.channel == Notification.Channel.SMS
    assert "OAuth -14014" in note.zalo_error
    assert len(fake.sms) == 1


def test_a_zalo_server_error_keeps_the_message_pending_and_the_retry_sends_it_once(stall_a, fake):
    fake.fail_next(1, status=502)
    with in_stall(stall_a):
        order = order_make(area=school_commune(), state=State.CONFIRMED)
        note = notification_queue(order=order, to_state=State.CONFIRMED)
        with pytest.raises(TransientSendError):
            notification_send(notification_id=note.pk)
        note.refresh_from_db()
        assert (note.status, note.attempts, note.channel) == ("pending", 1, "")
        assert notification_send(notification_id=note.pk).status == Notification.Status.SENT
        assert notification_send(notification_id=note.pk) is None
    assert [c.answer for c in fake.calls] == [502, 0]
    assert fake.sms == []


def test_a_busy_sms_gateway_after_zalos_refusal_retries_sms_only(stall_a, fake):
    fake.no_zalo.add("84912000222")
    fake.fail_next_sms(1)
    with in_stall(stall_a):
        order = order_make(area=school_commune(), state=State.CONFIRMED, phone="+84912000222")
        note = notification_queue(order=order, to_state=State.CONFIRMED)
        with pytest.raises(TransientSendError):
            notification_send(notification_id=note.pk)
        note.refresh_from_db()
        assert note.channel == Notification.Channel.SMS
        assert notification_send(notification_id=note.pk).channel == Notification.Channel.SMS
    assert len(fake.calls) == 1  # Zalo was asked once
    assert len(fake.sms) == 1


def test_an_officer_records_an_opt_out_and_nothing_more_is_sent(
    stall_a, fake, officer_factory, client_for
):
    with in_stall(stall_a):
        order = order_make(area=school_commune(), state=State.CONFIRMED, phone="+84912000333")
        first = notification_queue(order=order, to_state=State.CONFIRMED)
    client = client_for(stall_a, officer_factory(stall_a))
    page = client.get("/giao-nhan/tin-nhan/")
    assert "Người nhận không muốn nhận tin" in page.content.decode()
    response = client.post(f"/giao-nhan/tin-nhan/{first.pk}/ngung-nhan/", follow=True)
    assert "không nhận tin nữa" in response.content.decode()
    with in_stall(stall_a):
        first.refresh_from_db()
        assert first.status == Notification.Status.OPTED_OUT
        assert notification_send(notification_id=first.pk) is None
        # A later order of the same phone: its messages are kept, marked, never sent.
        again = order_make(area=school_commune(), state=State.DELIVERED, phone="+84912000333")
        note = notification_queue(order=again, to_state=State.DELIVERED)
        assert note.status == Notification.Status.OPTED_OUT
        assert notification_send(notification_id=note.pk) is None
        assert MessageOptOut.objects.count() == 1
        assert "+84912000333" not in json.dumps(list(MessageOptOut.objects.values()), default=str)
    assert fake.calls == []
    assert fake.sms == []


def test_the_outbox_shows_officers_the_channel_and_zalos_refusal(
    stall_a, fake, officer_factory, client_for
):
    fake.no_zalo.add("84912000444")
    _send(stall_a, phone="+84912000444")
    _send(stall_a, phone="+84912000555")
    page = client_for(stall_a, officer_factory(stall_a)).get("/giao-nhan/tin-nhan/")
    html = page.content.decode()
    assert "Zalo không gửi được: -118" in html
    assert ">SMS<" in html or "SMS<br>" in html
    assert "Zalo<br>" in html


def test_the_demos_fakes_take_every_message_kind_and_send_nothing_out(stall_a):
    env, servers = fakes_start()
    try:
        values = {
            **env,
            "GIANHANG_ZALO_TEMPLATES": dict(
                pair.split("=") for pair in env["GIANHANG_ZALO_TEMPLATES"].split(",")
            ),
        }
        with override_settings(**values):
            TokenStore().forget()
            for state in (State.CONFIRMED, State.HANDED_TO_POST, State.CANCELLED):
                note = _send(stall_a, to_state=state)
                assert note.channel == Notification.Channel.ZNS
            assert values["GIANHANG_ZALO_API_URL"].startswith("http://127.0.0.1:")
            assert values["GIANHANG_GHN_API_URL"].startswith("http://127.0.0.1:")
            TokenStore().forget()
        zalo = servers[0]
        assert len(zalo.accepted) == 3
    finally:
        for server in servers:
            server.stop()
