"""Celery beat keeps sending its entries across PostgreSQL restarts (a real beat process)."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection

from tenants.pgtools import _pg_env
from tests.support.processes import ThrowawayRedis, wait_for
from tests.throwaway_postgres import ThrowawayPostgres, public_schema_dump

ROOT = Path(__file__).resolve().parents[2]

# One entry every second, in the public schema: each run reads the stalls from PostgreSQL
# (tenant-schemas-celery's apply_entry) and sends one message.
BEAT = """
import sys
import django

django.setup()
from gianhang.celery import app

app.conf.beat_schedule = {
    "probe": {
        "task": "logistics.orders_route_sweep",
        "schedule": 1.0,
        "tenant_schemas": ["public"],
    }
}
app.Beat(scheduler=sys.argv[1], max_interval=1, loglevel="INFO").run()
"""


def _sent(client: redis.Redis) -> int:
    return int(client.llen("logistics")) + int(client.llen("celery"))


@pytest.fixture
def throwaway_postgres(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        major = connection.pg_version // 10000
        server = ThrowawayPostgres(major).start()
        try:
            server.load("DROP SCHEMA public;\n" + public_schema_dump(_pg_env(), server.bin_dir))
        except BaseException:
            server.stop()
            raise
    yield server
    server.stop()


@pytest.mark.slow
def test_beat_survives_two_postgresql_restarts_and_runs_its_next_entries(
    throwaway_postgres, tmp_path
):
    broker = ThrowawayRedis(tmp_path).start()
    log = tmp_path / "beat.log"
    env = {
        **os.environ,
        "DATABASE_URL": throwaway_postgres.url,
        "REDIS_URL": broker.url,
        "CELERY_BROKER_URL": broker.url,
        "GIANHANG_TESTING": "1",
        # As in production: connections are kept (and health-checked) between entries.
        "GIANHANG_CONN_MAX_AGE": "60",
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "platform")]),
    }
    beat = subprocess.Popen(
        [sys.executable, "-c", BEAT, settings.CELERY_BEAT_SCHEDULER],
        cwd=tmp_path,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    client = redis.Redis.from_url(broker.url, socket_timeout=5)
    try:

        def alive() -> None:
            assert beat.poll() is None, "beat exited:\n" + log.read_text()[-3000:]

        def sends_more_than(count: int):
            def check() -> bool:
                alive()
                return _sent(client) >= count + 2

            return check

        wait_for(sends_more_than(0), timeout=90, what="beat's first entries")
        for restart in (1, 2):
            throwaway_postgres.restart()
            after_restart = _sent(client)
            wait_for(
                sends_more_than(after_restart),
                timeout=60,
                what=f"entries after PostgreSQL restart {restart}",
            )
        time.sleep(1.5)
        alive()
        assert "connection is lost" not in log.read_text() or "trying again" in log.read_text()
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(beat.pid, signal.SIGTERM)
        beat.wait(20)
        broker.stop()
