"""Storefront benchmark: list-page and order-placement throughput against a bare view.

    .venv/bin/python -m bench.storefront [--seconds 10] [--concurrency 16] [--orders 3000]

Runs gunicorn on 127.0.0.1 against a committed benchmark database (DATABASE_URL's name
plus ``_bench``, created if missing), drives it with concurrent keep-alive connections
from Python threads, checks that no order oversold the stock, and writes the figures to
bench/README.md. The baseline is /healthz (a bare Django view through the same
middleware, tenant routing included), measured in the same run.
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import json
import os
import platform as std_platform
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

REPO = Path(__file__).resolve().parents[1]
README = REPO / "bench" / "README.md"
SLUG = "bench-storefront"
BEGIN, END = "<!-- storefront:begin -->", "<!-- storefront:end -->"


def bench_database_url() -> str:
    url = os.environ.get("BENCH_DATABASE_URL")
    if url:
        return url
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "_bench"))


def database_ensure(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


SPREAD_ITEMS = 20


def stall_prepare(*, stock: int, listed: int) -> tuple[str, int, list[int]]:
    """A committed stall with ``listed`` items and one hot item of ``stock`` units."""
    from django.core.management import call_command
    from django.db import connection

    from catalog.models import Category, Item, Order, StockEntry
    from catalog.stock import stock_change
    from tenants.models import Stall, Unit
    from tenants.services import stall_provision, unit_get_or_create

    call_command("bootstrap", verbosity=0)
    connection.set_schema_to_public()
    stall = Stall.objects.filter(slug=SLUG).first()
    if stall is None:
        parent = unit_get_or_create(
            kind=Unit.Kind.DISTRICT, name="Huyện Đoàn đo tải", code="bench/district"
        )
        stall = stall_provision(slug=SLUG, name="Gian hàng đo tải", parent_unit=parent).stall
    Stall.objects.filter(pk=stall.pk).update(
        max_items_per_period=50, max_same_item=1, confirm_new_phones=False
    )
    host = stall.domains.get(is_primary=True).domain
    connection.set_tenant(stall)
    Order.objects.all().delete()
    StockEntry.objects.all().delete()
    Item.objects.all().delete()
    categories = list(Category.objects.all())
    for n in range(listed):
        item = Item.objects.create(
            category=categories[n % len(categories)],
            title=f"Áo sơ mi học sinh số {n}",
            size_kind="clothing",
            size="M",
            description="Còn tốt, sạch sẽ.",
        )
        stock_change(item=item, kind="intake", quantity=5)
    hot = Item.objects.create(category=categories[0], title="Áo dài trắng (đo tải)")
    stock_change(item=hot, kind="intake", quantity=stock)
    spread = []
    for n in range(SPREAD_ITEMS):
        item = Item.objects.create(
            category=categories[1],
            title=f"Sách lớp {n % 12 + 1} (đo tải)",
            grade=n % 12 + 1,
            is_listed=True,
        )
        stock_change(item=item, kind="intake", quantity=stock)
        spread.append(item.pk)
    connection.set_schema_to_public()
    return host, hot.pk, spread


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_start(*, port: int, env: dict, workers: int, threads: int) -> subprocess.Popen:
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "gianhang.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "gthread",
        "--threads",
        str(threads),
        "--log-level",
        "warning",
        "--keep-alive",
        "30",
    ]
    return subprocess.Popen(command, env=env, cwd=REPO)


def wait_ready(port: int, host: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz", headers={"Host": host})
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("the benchmark server did not start")


def drive(
    *,
    port: int,
    host: str,
    concurrency: int,
    seconds: float | None = None,
    requests: list[tuple[str, str, bytes | None]] | None = None,
) -> dict:
    """GETs for ``seconds``, or the given ``requests`` once each; from ``concurrency`` threads."""
    lock = threading.Lock()
    statuses: dict[int, int] = {}
    latencies: list[float] = []
    queue = list(reversed(requests or []))
    stop_at = [0.0]
    barrier = threading.Barrier(concurrency + 1)

    def take():
        if requests is not None:
            with lock:
                return queue.pop() if queue else None
        return ("GET", PATH[0], None) if time.monotonic() < stop_at[0] else None

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        barrier.wait()
        mine: list[float] = []
        seen: dict[int, int] = {}
        while (job := take()) is not None:
            method, path, body = job
            headers = {"Host": host}
            if body is not None:
                headers["Content-Type"] = "application/json"
            began = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                status = 0
            mine.append(time.perf_counter() - began)
            seen[status] = seen.get(status, 0) + 1
        conn.close()
        with lock:
            latencies.extend(mine)
            for status, n in seen.items():
                statuses[status] = statuses.get(status, 0) + n

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    stop_at[0] = time.monotonic() + (seconds or 0)
    began = time.perf_counter()
    barrier.wait()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    latencies.sort()
    total = len(latencies)
    return {
        "requests": total,
        "seconds": elapsed,
        "per_second": total / elapsed,
        "p50_ms": 1000 * latencies[total // 2] if total else 0,
        "p95_ms": 1000 * latencies[int(total * 0.95)] if total else 0,
        "statuses": statuses,
    }


PATH = ["/"]


def merged(rounds: list[dict]) -> dict:
    total = sum(r["requests"] for r in rounds)
    seconds = sum(r["seconds"] for r in rounds)
    weight = lambda key: sum(r[key] * r["requests"] for r in rounds) / max(total, 1)  # noqa: E731
    return {
        "requests": total,
        "seconds": seconds,
        "per_second": total / seconds,
        "p50_ms": weight("p50_ms"),
        "p95_ms": weight("p95_ms"),
        "statuses": {},
    }


def measure_get(path: str, **kwargs) -> dict:
    PATH[0] = path
    return drive(**kwargs)


def order_requests(
    *, count: int, item_ids: list[int], first_phone: int = 10_000_000
) -> list[tuple[str, str, bytes]]:
    bodies = []
    for n in range(count):
        item_id = item_ids[n % len(item_ids)]
        body = {
            "lines": [{"item": item_id, "quantity": 1}],
            "name": f"Người nhận {n}",
            "phone": f"09{n + first_phone:08d}",
            "commune_code": "28327",
            "address_line": "Ấp Tân Hòa",
            "consent": True,
        }
        bodies.append(("POST", "/api/v1/orders/", json.dumps(body).encode()))
    return bodies


def stock_verify(*, item_id: int, stock: int) -> dict:
    from django.db import connection
    from django.db.models import Sum

    from catalog.models import Item, Order, StockEntry
    from tenants.models import Stall

    connection.set_schema_to_public()
    connection.set_tenant(Stall.objects.get(slug=SLUG))
    item = Item.objects.get(pk=item_id)
    ledger = StockEntry.objects.filter(item=item).aggregate(s=Sum("quantity"))["s"] or 0
    placed = Order.objects.filter(lines__item=item).count()
    connection.set_schema_to_public()
    return {
        "available": item.available,
        "ledger": ledger,
        "orders": placed,
        "oversold": placed > stock or item.available < 0 or ledger != item.available,
    }


def machine() -> str:
    cpu = ""
    try:
        text = Path("/proc/cpuinfo").read_text()
        found = re.search(r"model name\s*:\s*(.+)", text)
        cpu = found.group(1).strip() if found else ""
    except OSError:
        pass
    return f"{os.cpu_count()} cores ({cpu or std_platform.machine()}), Python {std_platform.python_version()}"


def readme_write(section: str) -> None:
    text = README.read_text() if README.exists() else "# Benchmarks\n"
    block = f"{BEGIN}\n{section}\n{END}"
    if BEGIN in text:
        text = re.sub(
            re.escape(BEGIN) + r".*?" + re.escape(END), lambda _m: block, text, flags=re.S
        )
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    README.write_text(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--orders", type=int, default=3000)
    parser.add_argument("--stock", type=int, default=2500)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--no-readme", action="store_true")
    args = parser.parse_args(argv)

    url = bench_database_url()
    database_ensure(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("GIANHANG_DEMO", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gianhang.settings")
    import django

    django.setup()
    host, hot_id, spread_ids = stall_prepare(stock=args.stock, listed=60)

    port = free_port()
    env = {
        **os.environ,
        "GIANHANG_LOG_LEVEL": "ERROR",
        "GIANHANG_ORDER_LIMIT_PER_IP": "100000000",
        "GIANHANG_ORDER_LIMIT_PER_PHONE": "100000000",
        "PYTHONPATH": f"{REPO}{os.pathsep}{REPO / 'platform'}",
    }
    server = server_start(port=port, env=env, workers=args.workers, threads=args.threads)
    try:
        wait_ready(port, host)
        common = {"port": port, "host": host, "concurrency": args.concurrency}
        measure_get("/hang/", seconds=2, **common)  # warm-up: connections, templates
        measure_get("/healthz", seconds=2, **common)
        load_before = os.getloadavg()[0]
        # Interleaved short rounds: the machine is shared, so both pages see the same load.
        rounds = max(int(args.seconds // 2), 1)
        bare_rounds, list_rounds = [], []
        for _round in range(rounds):
            bare_rounds.append(measure_get("/healthz", seconds=args.seconds / rounds, **common))
            list_rounds.append(measure_get("/hang/", seconds=args.seconds / rounds, **common))
        bare, listing = merged(bare_rounds), merged(list_rounds)
        orders = drive(requests=order_requests(count=args.orders, item_ids=[hot_id]), **common)
        spread = drive(
            requests=order_requests(count=args.orders, item_ids=spread_ids, first_phone=20_000_000),
            **common,
        )
        load_after = os.getloadavg()[0]
    finally:
        server.terminate()
        server.wait(timeout=30)
    stock = stock_verify(item_id=hot_id, stock=args.stock)
    placed = orders["statuses"].get(201, 0)
    elapsed_placed = placed / orders["seconds"]

    ratio = listing["per_second"] / bare["per_second"]
    lines = [
        "## Storefront (catalog)",
        "",
        f"Run {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC on {machine()}; "
        f"gunicorn {args.workers}×{args.threads} gthread on 127.0.0.1, {args.concurrency} "
        "concurrent keep-alive clients (Python threads on the same machine), real PostgreSQL "
        "and Redis. `.venv/bin/python -m bench.storefront`",
        "",
        f"Machine load average (1 min) during the run: {load_before:.1f} before, "
        f"{load_after:.1f} after (the 2 cores are shared; figures scale with what is left).",
        "",
        "| what | requests/s | p50 ms | p95 ms | vs bare view |",
        "|---|---:|---:|---:|---:|",
        f"| bare Django view (/healthz, baseline) | {bare['per_second']:.0f} | "
        f"{bare['p50_ms']:.1f} | {bare['p95_ms']:.1f} | 1.00 |",
        f"| list page /hang/ (24 of 61 items) | {listing['per_second']:.0f} | "
        f"{listing['p50_ms']:.1f} | {listing['p95_ms']:.1f} | {ratio:.2f} |",
        f"| POST /api/v1/orders/, all for one item (all answers) | "
        f"{orders['per_second']:.0f} | {orders['p50_ms']:.1f} | {orders['p95_ms']:.1f} | "
        f"{orders['per_second'] / bare['per_second']:.2f} |",
        f"| POST /api/v1/orders/, spread over {SPREAD_ITEMS} items | "
        f"{spread['per_second']:.0f} | {spread['p50_ms']:.1f} | {spread['p95_ms']:.1f} | "
        f"{spread['per_second'] / bare['per_second']:.2f} |",
        "",
        f"Orders: {args.orders} sent for {args.stock} units of one item, distinct phones; "
        f"{placed} placed (201), {orders['statuses'].get(409, 0)} refused “hết hàng” (409), "
        f"other answers {json.dumps({k: v for k, v in orders['statuses'].items() if k not in (201, 409)})}; "
        f"{elapsed_placed:.0f} placed orders/s over the whole order phase. "
        f"After the run: available {stock['available']}, ledger sum {stock['ledger']}, "
        f"orders {stock['orders']} → {'OVERSOLD' if stock['oversold'] else 'no oversell'}.",
        "",
        f"Goals: list page ≥ 0.5 × bare view → {'met' if ratio >= 0.5 else 'NOT met'} "
        f"({ratio:.2f}); ≥ 100 orders/s with no oversell → "
        f"{'met' if orders['per_second'] >= 100 and not stock['oversold'] else 'NOT met'} "
        f"({orders['per_second']:.0f}/s on one item, {spread['per_second']:.0f}/s spread; "
        f"spread answers {json.dumps(spread['statuses'])}).",
    ]
    lines += [
        "",
        "How to read it: every order of one item updates that item's row (the conditional "
        "UPDATE that makes overselling impossible), so orders of the same item queue on that "
        "row; `order_place` reserves stock as its last statement, so each holds the row only "
        "for one UPDATE and the COMMIT. Orders of different items do not queue on each other. "
        "The list page is served from a per-stall cache keyed by a catalog version that every "
        "stock change renews, so a cached page is never stale; the baseline runs through the "
        "same middleware (tenant routing, sessions, CSRF, CSP) but renders no template.",
    ]
    section = "\n".join(lines)
    print(section)
    if not args.no_readme:
        readme_write(section)
    return 1 if stock["oversold"] else 0


if __name__ == "__main__":
    sys.exit(main())
