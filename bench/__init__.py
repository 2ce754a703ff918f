"""Benchmarks: one module per measured thing, run alone or all together by ``python -m bench``.

The contract every bench module keeps (see bench/README.md):

* it lives at ``bench/<name>.py`` (names starting with ``_`` are helpers, not benches);
* it exposes ``main(argv: list[str]) -> dict`` and ends with
  ``if __name__ == "__main__": bench.run_cli(main)``;
* it accepts ``--quick`` (a smaller run for a smoke check) and ignores arguments it does
  not know;
* the dict it returns is JSON-serialisable and holds at least ``title`` and ``markdown``
  (the figures as Markdown, written into its section of bench/README.md by the runner).

The helpers below give a bench its own throw-away database on the configured server, so a
run never disturbs the development or test databases.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform as _stdlib_platform
import statistics  # noqa: F401 - used by the bench modules as bench.statistics
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
OUT_DIR = ROOT / "bench" / "out"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/gianhang"


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


@contextlib.contextmanager
def bench_database(name: str) -> Iterator[str]:
    """Create an empty database ``<name>`` next to DATABASE_URL's, point Django at it, drop it after.

    Must be entered before Django is set up (settings read DATABASE_URL once).
    """
    import psycopg

    base_url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    admin_url = _with_database(base_url, "postgres")
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    url = _with_database(base_url, name)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/15")
    # Not production: no secrets are needed, and nothing here is served.
    os.environ.setdefault("GIANHANG_DEMO", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gianhang.settings")
    for path in (str(ROOT / "platform"), str(ROOT)):
        if path not in sys.path:
            sys.path.insert(0, path)
    try:
        yield url
    finally:
        with contextlib.suppress(Exception):
            from django.db import connections

            connections.close_all()
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def platform_prepare() -> None:
    """Set Django up and bring the bench database to what ``gianhang bootstrap`` leaves."""
    import django

    django.setup()
    from django.core.management import call_command

    from tenants.services import public_tenant_ensure, stall_template_migrate

    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
    public_tenant_ensure()
    stall_template_migrate()


class Timer:
    """Collects durations (seconds) of repeated steps."""

    def __init__(self) -> None:
        self.samples: list[float] = []

    @contextlib.contextmanager
    def time(self) -> Iterator[None]:
        started = time.perf_counter()
        yield
        self.samples.append(time.perf_counter() - started)

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def total(self) -> float:
        return sum(self.samples)

    def percentile(self, p: float) -> float:
        ordered = sorted(self.samples)
        return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def machine() -> str:
    cores = os.cpu_count() or 0
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            mem_kb = int(handle.readline().split()[1])
        memory = f", {mem_kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        memory = ""
    return (
        f"{cores} cores{memory}, {_stdlib_platform.system()} {_stdlib_platform.machine()}, "
        f"Python {_stdlib_platform.python_version()}"
    )


def server_version() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return str(cursor.fetchone()[0]).split()[0]


def write_result(name: str, result: dict) -> Path:
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    result = {
        "bench": name,
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        **result,
    }
    path = OUT_DIR / f"{name}.json"
    path.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def run_cli(main: Callable[[list[str]], dict], name: str | None = None) -> None:
    """Entry point of ``python -m bench.<name>``: run, save JSON, print the Markdown."""
    if name is None:
        spec = getattr(sys.modules[main.__module__], "__spec__", None)
        name = (spec.name if spec else main.__module__).split(".")[-1]
    result = main(sys.argv[1:])
    path = write_result(name, result)
    print(result.get("markdown", ""))
    print(f"(saved {path.relative_to(ROOT)})")
