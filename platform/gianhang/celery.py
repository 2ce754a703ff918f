"""The Celery app: tenant-aware, so every task runs in the schema it was sent from."""

from __future__ import annotations

import os

from celery.signals import celeryd_init
from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gianhang.settings")

app = CeleryApp("gianhang")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@celeryd_init.connect
def _worker_waits_out_a_frozen_broker(sender=None, conf=None, **kwargs) -> None:
    """Workers wait for a frozen Redis instead of timing out on it.

    The short socket timeouts of the settings protect callers who cannot wait (a web
    request sending a task). A worker has nothing better to do: if an acknowledgement
    timed out, its message would stay counted as in flight and, with a prefetch of one,
    the worker would stop taking tasks until restarted. So a worker blocks until Redis
    answers again; a dead peer (not a frozen one) is still found by TCP keepalives.
    """
    conf = conf or app.conf
    conf.broker_transport_options = {
        **conf.broker_transport_options,
        "socket_timeout": None,
        "socket_connect_timeout": 10,
    }
    conf.broker_connection_timeout = 10
