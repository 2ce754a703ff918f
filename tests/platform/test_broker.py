"""The worker's broker transport: an acknowledgement on a closed connection is a connection error."""

import logging
import uuid

import pytest
from django.conf import settings
from kombu import Connection, Exchange, Queue

from gianhang.broker import TRANSPORT


def _delivered_then_dropped(transport):
    """A message taken with late acknowledgement on a channel whose connection then closed.

    The state the worker is left in when closing its connection stops half-way (Redis gone):
    the channel has no pool and its transport no connection settings.
    """
    connection = Connection(settings.CELERY_BROKER_URL, transport=transport)
    queue = Queue(f"broker-test-{uuid.uuid4().hex}", Exchange("broker-test"), uuid.uuid4().hex)
    connection.Producer().publish(
        {"order": 1}, exchange=queue.exchange, routing_key=queue.routing_key, declare=[queue]
    )
    channel = connection.channel()
    message = queue(channel).get(no_ack=False)
    assert message is not None
    channel._disconnect_pools()
    channel.connection.client = None
    return connection, channel, queue, message


def test_settings_use_the_guarded_transport_for_redis():
    assert settings.CELERY_BROKER_URL.startswith("redis://")
    assert settings.CELERY_BROKER_TRANSPORT == TRANSPORT


def test_acknowledging_on_a_closed_connection_is_logged_not_fatal(caplog):
    connection, channel, queue, message = _delivered_then_dropped(TRANSPORT)
    with caplog.at_level(logging.CRITICAL):
        message.ack_log_error(logging.getLogger("tests.broker"), connection.connection_errors)
    assert "Couldn't ack" in caplog.text
    # Still counted as unacknowledged in Redis: delivered again after the visibility timeout.
    with Connection(settings.CELERY_BROKER_URL) as fresh:
        assert fresh.default_channel.client.hexists(channel.unacked_key, message.delivery_tag)
        fresh.default_channel.client.hdel(channel.unacked_key, message.delivery_tag)
        queue(fresh.default_channel).delete()
    channel.qos.restore_at_shutdown = False  # nothing left to put back when it is collected


def test_kombus_own_transport_crashes_there_which_is_why_the_guard_exists():
    connection, channel, queue, message = _delivered_then_dropped(None)
    with pytest.raises(AttributeError, match="hostname"):
        message.ack_log_error(logging.getLogger("tests.broker"), connection.connection_errors)
    with Connection(settings.CELERY_BROKER_URL) as fresh:
        fresh.default_channel.client.hdel(channel.unacked_key, message.delivery_tag)
        queue(fresh.default_channel).delete()
    channel.qos.restore_at_shutdown = False  # nothing left to put back when it is collected
