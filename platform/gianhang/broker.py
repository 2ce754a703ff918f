"""The Redis broker transport, made to refuse work on a closed connection instead of crashing.

When Redis goes away while a task runs (acknowledged late), the worker closes its broker
connection; closing can stop half-way, because putting the unacknowledged messages back
needs the Redis that is gone. The channel is then left with no connection pool and a
transport whose connection settings were already dropped. When the task finishes, Celery
acknowledges its message on that channel, kombu rebuilds the pool from the dropped settings
and raises ``AttributeError`` (``'NoneType' object has no attribute 'hostname'``), which is
not one of the connection errors the worker survives, so the worker exits.

Here that acknowledgement raises Redis's own ``ConnectionError`` instead: the worker logs
"Couldn't ack" and carries on with its new connection, and the message, still in Redis's
unacknowledged set, is delivered again after the visibility timeout. Every task is
idempotent, so running it twice changes nothing.
"""

from __future__ import annotations

from kombu.transport import redis as kombu_redis
from redis.exceptions import ConnectionError as RedisConnectionError

TRANSPORT = "gianhang.broker:Transport"


class Channel(kombu_redis.Channel):
    def _connparams(self, asynchronous: bool = False) -> dict:
        transport = self.connection
        if transport is None or transport.client is None:
            raise RedisConnectionError("the broker connection of this channel is closed")
        return super()._connparams(asynchronous=asynchronous)


class Transport(kombu_redis.Transport):
    Channel = Channel

    @property
    def supports_batch_publish(self) -> bool:
        # kombu reads the connection settings here too; a closed transport publishes nothing.
        return self.client is not None and super().supports_batch_publish
