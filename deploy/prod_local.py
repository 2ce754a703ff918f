"""The production topology on this machine, from Debian packages: ``make prod-local``.

    Caddy (TLS from its internal CA, HTTP → HTTPS) → gunicorn → PgBouncer (session mode)
    → PostgreSQL (a throwaway cluster, or DATABASE_URL's server); Redis (append-only file,
    noeviction); a Celery worker and beat; every app process with GIANHANG_ENV=production.

It reads the same files as the Compose file (caddy/Caddyfile, pgbouncer/pgbouncer.ini,
redis/redis.conf, gunicorn.conf.py), so what is tested here is what ships. Names under
the base domain (``gianhang.test`` by default) exist on no DNS: a client resolves them to
loopback itself (``curl --resolve``, or the end-to-end test), no system file is edited.
Ctrl-C stops everything it started. The end-to-end test drives the same ``Stack``.
"""

# ruff: noqa: S603, S607 - this script runs the stack's own, fixed commands

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

DEPLOY = Path(__file__).resolve().parent
ROOT = DEPLOY.parent
DEBIAN_PACKAGES = {
    "caddy": "caddy",
    "pgbouncer": "pgbouncer",
    "redis-server": "redis-server",
    "initdb": "postgresql",
}
# Switches that would take a process out of production mode.
_NOT_PRODUCTION = {"DEBUG", "GIANHANG_DEMO", "GIANHANG_TESTING", "GIANHANG_TEST_DATABASE"}


class StackError(RuntimeError):
    """A part of the stack could not start; the message says which and why."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(check: Callable[[], bool], *, what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise StackError(f"{what} did not come up within {timeout:.0f}s")


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def postgres_bin(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    for candidate in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True):
        return str(candidate)
    raise StackError(f"{name} not found: install PostgreSQL (apt-get install postgresql)")


def missing_packages() -> list[str]:
    missing = []
    for binary, package in DEBIAN_PACKAGES.items():
        if binary == "initdb":
            try:
                postgres_bin("initdb")
            except StackError:
                missing.append(package)
        elif shutil.which(binary) is None and not Path("/usr/sbin", binary).exists():
            missing.append(package)
    return missing


def install_missing() -> None:
    """Install Caddy, PgBouncer, Redis, PostgreSQL from Debian's packages when missing."""
    missing = missing_packages()
    if not missing:
        return
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        raise StackError(
            "missing Debian packages: " + " ".join(missing) + " (apt-get install them as root)"
        )
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing],
        check=True,
        env=env,
    )
    # Debian starts packaged services; this stack runs its own copies on its own ports.
    # (A packaged Redis or PostgreSQL may be what other things here use: left running.)
    for service in ("pgbouncer", "caddy"):
        subprocess.run(
            ["service", service, "stop"],
            check=False,
            capture_output=True,
        )


class Stack:
    """Every process of the production topology, started in order and stopped in reverse."""

    def __init__(
        self,
        *,
        state_dir: Path | None = None,
        base_domain: str = "gianhang.test",
        http_port: int | None = None,
        https_port: int | None = None,
        database_url: str | None = None,
        web_workers: int = 2,
        web_threads: int = 4,
        worker_concurrency: int = 2,
        extra_env: dict[str, str] | None = None,
        log: Callable[[str], None] = print,
    ):
        self.temporary = state_dir is None
        self.dir = Path(state_dir or tempfile.mkdtemp(prefix="gianhang-prod-"))
        self.dir.mkdir(parents=True, exist_ok=True)
        self.dir.chmod(0o755)  # the postgres account must reach its own subfolders
        self.base_domain = base_domain
        self.http_port = http_port or free_port()
        self.https_port = https_port or free_port()
        self.pg_port = free_port()
        self.pgbouncer_port = free_port()
        self.redis_port = free_port()
        self.web_port = free_port()
        self.caddy_admin_port = free_port()
        self.external_database_url = database_url
        self.web_workers = web_workers
        self.web_threads = web_threads
        self.worker_concurrency = worker_concurrency
        self.extra_env = dict(extra_env or {})
        self.log = log
        self.processes: dict[str, subprocess.Popen] = {}
        self.pg_password = secrets.token_urlsafe(18)
        self.secret_key = secrets.token_urlsafe(50)
        self.phone_salt = secrets.token_urlsafe(24)
        self.sketch_key = secrets.token_urlsafe(24)
        self._pg_started = False

    # --- paths and addresses ----------------------------------------------------------
    @property
    def pg_data(self) -> Path:
        return self.dir / "postgres" / "data"

    @property
    def caddy_root_ca(self) -> Path:
        return self.dir / "caddy" / "data" / "caddy" / "pki" / "authorities" / "local" / "root.crt"

    @property
    def database_url(self) -> str:
        """What the app uses: PgBouncer, never PostgreSQL directly."""
        return f"postgres://gianhang:{self.pg_password}@127.0.0.1:{self.pgbouncer_port}/gianhang"

    @property
    def redis_url(self) -> str:
        return f"redis://127.0.0.1:{self.redis_port}/0"

    def host(self, slug: str | None = None) -> str:
        return f"{slug}.{self.base_domain}" if slug else self.base_domain

    def app_env(self, **extra: str) -> dict[str, str]:
        """The environment of every app process: production, through PgBouncer."""
        env = {k: v for k, v in os.environ.items() if k not in _NOT_PRODUCTION}
        env.update(
            GIANHANG_ENV="production",
            SECRET_KEY=self.secret_key,
            GIANHANG_PHONE_HASH_SALT=self.phone_salt,
            GIANHANG_SKETCH_KEY=self.sketch_key,
            GIANHANG_BASE_DOMAIN=self.base_domain,
            DATABASE_URL=self.database_url,
            REDIS_URL=self.redis_url,
            CELERY_BROKER_URL=self.redis_url,
            GIANHANG_TRUSTED_PROXIES="127.0.0.1,::1",
            GIANHANG_MEDIA_ROOT=str(self.dir / "media"),
            GIANHANG_STATIC_ROOT=str(self.dir / "static"),
            GIANHANG_LOG_FORMAT="json",
            GIANHANG_DATA_DIR=str(self.dir / "app"),
            PYTHONPATH=os.pathsep.join([str(ROOT), str(ROOT / "platform")]),
            WEB_WORKERS=str(self.web_workers),
            WEB_THREADS=str(self.web_threads),
        )
        env.update(self.extra_env)
        env.update(extra)
        return env

    # --- helpers ----------------------------------------------------------------------
    def _as_postgres(self, argv: list[str]) -> list[str]:
        # PostgreSQL and PgBouncer refuse to run as root.
        if os.geteuid() == 0:
            return ["runuser", "-u", "postgres", "--", *argv]
        return argv

    def _owned_by_postgres(self, path: Path) -> Path:
        path.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(path, "postgres", "postgres")
        return path

    def _spawn(self, name: str, argv: list[str], *, env: dict[str, str] | None = None) -> None:
        logfile = (self.dir / "logs").joinpath(f"{name}.log")
        logfile.parent.mkdir(exist_ok=True)
        out = logfile.open("ab")
        self.processes[name] = subprocess.Popen(
            argv,
            env=env or os.environ.copy(),
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
            start_new_session=True,
        )
        out.close()

    def log_tail(self, name: str, lines: int = 30) -> str:
        path = self.dir / "logs" / f"{name}.log"
        if not path.exists():
            return ""
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])

    def _check_alive(self, name: str) -> bool:
        process = self.processes.get(name)
        if process is not None and process.poll() is not None:
            raise StackError(f"{name} exited ({process.returncode}):\n{self.log_tail(name)}")
        return True

    def gianhang(self, *args: str, timeout: float = 900, check: bool = True, **extra: str):
        """Run a ``gianhang`` command against the stack, as the operators would."""
        result = subprocess.run(
            [sys.executable, "-m", "gianhang.cli", *args],
            env=self.app_env(**extra),
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=timeout,
            check=False,
        )
        if check and result.returncode != 0:
            raise StackError(f"gianhang {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
        return result

    # --- PostgreSQL -------------------------------------------------------------------
    def postgres_start(self) -> None:
        if self.external_database_url:
            return
        pg = self._owned_by_postgres(self.dir / "postgres")
        sockets = self._owned_by_postgres(pg / "sockets")
        if not (self.pg_data / "PG_VERSION").exists():
            pwfile = pg / "pwfile"
            pwfile.write_text(self.pg_password + "\n")
            if os.geteuid() == 0:
                shutil.chown(pwfile, "postgres", "postgres")
            subprocess.run(
                self._as_postgres(
                    [
                        postgres_bin("initdb"),
                        "-D",
                        str(self.pg_data),
                        "-U",
                        "gianhang",
                        f"--pwfile={pwfile}",
                        "--auth-host=scram-sha-256",
                        "--auth-local=trust",
                        "--encoding=UTF8",
                        "--locale=C.UTF-8",
                    ]
                ),
                check=True,
                capture_output=True,
            )
            pwfile.unlink()
        options = (
            f"-p {self.pg_port} -k {sockets} -c listen_addresses=127.0.0.1 "
            "-c max_connections=200 -c max_locks_per_transaction=256 -c fsync=on"
        )
        subprocess.run(
            self._as_postgres(
                [
                    postgres_bin("pg_ctl"),
                    "-D",
                    str(self.pg_data),
                    "-l",
                    str(pg / "postgres.log"),
                    "-o",
                    options,
                    "-w",
                    "start",
                ]
            ),
            check=True,
            capture_output=True,
        )
        self._pg_started = True
        result = subprocess.run(
            [
                postgres_bin("psql"),
                "-h",
                str(sockets),
                "-p",
                str(self.pg_port),
                "-U",
                "gianhang",
                "-d",
                "postgres",
                "-tAc",
                "SELECT 1 FROM pg_database WHERE datname = 'gianhang'",
            ],
            check=True,
            capture_output=True,
            text=True,
        )
        if result.stdout.strip() != "1":
            subprocess.run(
                [
                    postgres_bin("createdb"),
                    "-h",
                    str(sockets),
                    "-p",
                    str(self.pg_port),
                    "-U",
                    "gianhang",
                    "gianhang",
                ],
                check=True,
                capture_output=True,
            )

    def postgres_stop(self, mode: str = "fast") -> None:
        if self.external_database_url or not self._pg_started:
            return
        subprocess.run(
            self._as_postgres(
                [postgres_bin("pg_ctl"), "-D", str(self.pg_data), "-m", mode, "-w", "stop"]
            ),
            check=False,
            capture_output=True,
        )
        self._pg_started = False

    def postgres_restart(self) -> None:
        """Restart PostgreSQL (fast shutdown: open sessions are cut), as an operator would."""
        self.postgres_stop("fast")
        self.postgres_start()

    # --- PgBouncer --------------------------------------------------------------------
    def pgbouncer_start(self) -> None:
        folder = self._owned_by_postgres(self.dir / "pgbouncer")
        if self.external_database_url:
            from urllib.parse import urlsplit

            upstream = urlsplit(self.external_database_url)
            target = (
                f"host={upstream.hostname or '127.0.0.1'} port={upstream.port or 5432} "
                f"dbname={upstream.path.lstrip('/')} user={upstream.username or 'postgres'}"
                + (f" password={upstream.password}" if upstream.password else "")
            )
        else:
            target = f"host=127.0.0.1 port={self.pg_port} dbname=gianhang"
        userlist = folder / "userlist.txt"
        userlist.write_text(f'"gianhang" "{self.pg_password}"\n')
        site = folder / "pgbouncer.ini"
        # What differs per machine; the policy (session pooling, reset, auth) is shared.
        site.write_text(
            f"[databases]\ngianhang = {target}\n\n"
            "[pgbouncer]\n"
            f"%include {DEPLOY / 'pgbouncer' / 'pgbouncer.ini'}\n"
            "listen_addr = 127.0.0.1\n"
            f"listen_port = {self.pgbouncer_port}\n"
            f"unix_socket_dir = {folder}\n"
            f"auth_file = {userlist}\n"
            "max_client_conn = 400\n"
            "default_pool_size = 40\n"
            "admin_users = gianhang\n"
            "stats_users = gianhang\n"
        )
        for path in (userlist, site):
            path.chmod(0o600)
            if os.geteuid() == 0:
                shutil.chown(path, "postgres", "postgres")
        self._spawn("pgbouncer", self._as_postgres(["pgbouncer", str(site)]))
        wait_for(
            lambda: self._check_alive("pgbouncer") and port_open(self.pgbouncer_port),
            what="PgBouncer",
        )

    # --- Redis ------------------------------------------------------------------------
    def redis_start(self) -> None:
        data = self.dir / "redis"
        data.mkdir(exist_ok=True)
        self._spawn(
            "redis",
            [
                "redis-server",
                str(DEPLOY / "redis" / "redis.conf"),
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.redis_port),
                "--dir",
                str(data),
                "--maxmemory",
                "256mb",
            ],
        )
        wait_for(
            lambda: self._check_alive("redis") and self._redis_ping(), what="Redis", timeout=30
        )

    def _redis_ping(self) -> bool:
        with socket.create_connection(("127.0.0.1", self.redis_port), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")

    def redis_stop(self) -> None:
        process = self.processes.pop("redis", None)
        if process is None or process.poll() is not None:
            return
        # SIGTERM: Redis flushes the append-only file and exits cleanly.
        process.terminate()
        process.wait(timeout=30)

    def redis_restart(self) -> None:
        self.redis_stop()
        self.redis_start()

    # --- the app ----------------------------------------------------------------------
    def app_prepare(self) -> None:
        """Fail fast with one line if the production settings are wrong, then migrate."""
        self.gianhang("check", "--deploy", "--fail-level", "ERROR", timeout=300)
        self.gianhang("collectstatic", "--noinput", "-v", "0", timeout=300)
        self.gianhang("bootstrap", timeout=1800)

    def env_file_write(self) -> Path:
        """The app's environment as a file, for running ``gianhang`` commands by hand."""
        path = self.dir / "app.env"
        keys = [
            "GIANHANG_ENV",
            "SECRET_KEY",
            "GIANHANG_PHONE_HASH_SALT",
            "GIANHANG_SKETCH_KEY",
            "GIANHANG_BASE_DOMAIN",
            "DATABASE_URL",
            "REDIS_URL",
            "CELERY_BROKER_URL",
            "GIANHANG_TRUSTED_PROXIES",
            "GIANHANG_MEDIA_ROOT",
            "GIANHANG_STATIC_ROOT",
        ]
        env = self.app_env()
        path.write_text("".join(f"{key}={env[key]}\n" for key in keys))
        path.chmod(0o600)
        return path

    def web_start(self) -> None:
        self._spawn(
            "gunicorn",
            [
                str(Path(sys.executable).with_name("gunicorn")),
                "gianhang.wsgi",
                "--config",
                str(DEPLOY / "gunicorn.conf.py"),
                f"--bind=127.0.0.1:{self.web_port}",
            ],
            env=self.app_env(),
        )
        wait_for(
            lambda: self._check_alive("gunicorn") and port_open(self.web_port),
            what="gunicorn",
            timeout=120,
        )

    def workers_start(self) -> None:
        cli = [sys.executable, "-m", "gianhang.cli", "celery"]
        self._spawn(
            "worker",
            [
                *cli,
                "worker",
                "--loglevel=INFO",
                f"--concurrency={self.worker_concurrency}",
                "-E",
                "--max-tasks-per-child=500",
                f"--hostname=prod-local-{os.getpid()}@%h",
            ],
            env=self.app_env(),
        )
        self._spawn(
            "beat",
            [
                *cli,
                "beat",
                "--loglevel=INFO",
                "--scheduler=gianhang.beat.ReconnectingPersistentScheduler",
                f"--schedule={self.dir / 'celerybeat-schedule'}",
            ],
            env=self.app_env(),
        )

    # --- Caddy ------------------------------------------------------------------------
    def caddy_start(self) -> None:
        env = {
            **os.environ,
            "GIANHANG_BASE_DOMAIN": self.base_domain,
            "GIANHANG_UPSTREAM": f"127.0.0.1:{self.web_port}",
            "CADDY_TLS": "internal",
            "CADDY_HTTP_PORT": str(self.http_port),
            "CADDY_HTTPS_PORT": str(self.https_port),
            "CADDY_PUBLIC_HTTPS_PORT": "" if self.https_port == 443 else f":{self.https_port}",
            "CADDY_ADMIN": f"127.0.0.1:{self.caddy_admin_port}",
            "XDG_DATA_HOME": str(self.dir / "caddy" / "data"),
            "XDG_CONFIG_HOME": str(self.dir / "caddy" / "config"),
        }
        self._spawn(
            "caddy",
            [
                "caddy",
                "run",
                "--config",
                str(DEPLOY / "caddy" / "Caddyfile"),
                "--adapter",
                "caddyfile",
            ],
            env=env,
        )
        wait_for(
            lambda: self._check_alive("caddy") and self._tls_answers(),
            what="Caddy (TLS)",
            timeout=90,
        )

    def tls_context(self) -> ssl.SSLContext:
        """A client context that trusts only the stack's own CA."""
        return ssl.create_default_context(cafile=str(self.caddy_root_ca))

    def _tls_answers(self) -> bool:
        if not self.caddy_root_ca.exists():
            return False
        with (
            socket.create_connection(("127.0.0.1", self.https_port), timeout=2) as raw,
            self.tls_context().wrap_socket(raw, server_hostname=self.base_domain),
        ):
            return True

    # --- all of it --------------------------------------------------------------------
    def start(self) -> Stack:
        install_missing()
        try:
            self.log(f"PostgreSQL (port {self.pg_port}), data in {self.pg_data}")
            self.postgres_start()
            self.log(f"PgBouncer, session mode (port {self.pgbouncer_port})")
            self.pgbouncer_start()
            self.log(f"Redis, append-only, noeviction (port {self.redis_port})")
            self.redis_start()
            self.log("check --deploy, collectstatic, bootstrap (GIANHANG_ENV=production)")
            self.app_prepare()
            self.log(f"gunicorn (127.0.0.1:{self.web_port}), Celery worker and beat")
            self.web_start()
            self.workers_start()
            self.log(f"Caddy: https://{self.base_domain}:{self.https_port}/")
            self.caddy_start()
        except BaseException:
            self.stop()
            raise
        return self

    # The proxy first (no new requests), the app next, the data services last.
    STOP_ORDER = ("caddy", "beat", "worker", "gunicorn", "redis", "pgbouncer")

    def stop(self) -> None:
        """Stop what was started, the proxy first; Redis and PostgreSQL last, cleanly."""
        names = [n for n in self.STOP_ORDER if n in self.processes]
        names += [n for n in self.processes if n not in names]
        for name in names:
            process = self.processes.pop(name)
            if process.poll() is not None:
                continue
            try:
                os.killpg(process.pid, signal.SIGTERM)
            except ProcessLookupError:
                continue
            # Time to finish in-flight work (Celery acks, gunicorn requests, Redis's AOF).
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        self.postgres_stop()

    def __enter__(self) -> Stack:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-domain", default="gianhang.test")
    parser.add_argument("--http-port", type=int, default=8080)
    parser.add_argument("--https-port", type=int, default=8443)
    parser.add_argument("--dir", type=Path, help="state folder (default: a new temporary one)")
    parser.add_argument(
        "--database-url",
        help="use this PostgreSQL (its database must exist) instead of a throwaway cluster",
    )
    args = parser.parse_args(argv)
    stack = Stack(
        state_dir=args.dir,
        base_domain=args.base_domain,
        http_port=args.http_port,
        https_port=args.https_port,
        database_url=args.database_url,
    )
    stopping = False

    def on_signal(signum, frame):
        nonlocal stopping
        if not stopping:
            stopping = True
            raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_signal)
    try:
        stack.start()
        domain, port = stack.base_domain, stack.https_port
        print(
            f"\nReady. Names under {domain} resolve on no DNS; ask for them like this:\n"
            f"  curl --cacert {stack.caddy_root_ca} --resolve {domain}:{port}:127.0.0.1 "
            f"https://{domain}:{port}/healthz\n"
            f"  commands: set -a; . {stack.env_file_write()}; set +a; "
            f".venv/bin/gianhang stall create --slug ... (logs in {stack.dir}/logs)\n"
            "Ctrl-C stops everything.",
            flush=True,
        )
        while True:
            for name, process in stack.processes.items():
                if process.poll() is not None:
                    print(f"{name} exited ({process.returncode}); stopping.", file=sys.stderr)
                    return 1
            time.sleep(1)
    except KeyboardInterrupt:
        return 0
    except StackError as error:
        print(f"prod-local: {error}", file=sys.stderr)
        return 1
    except subprocess.CalledProcessError as error:
        said = error.stderr or ""
        if isinstance(said, bytes):
            said = said.decode(errors="replace")
        said = said.strip().splitlines()[-3:]
        print(f"prod-local: {' '.join(map(str, error.cmd))} failed", *said, sep="\n  ")
        return 1
    finally:
        stack.stop()
        if stack.temporary:
            shutil.rmtree(stack.dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
