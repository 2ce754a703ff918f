"""Storefront benchmark: the product against a bare django-tenants project, same run, wrk load.

    .venv/bin/python -m bench.storefront [--seconds 10] [--rounds 2] [--quick]

Both projects are served the same way (gunicorn, 2 sync workers, on 127.0.0.1) and driven
by ``wrk -t2 -c8`` (a C load generator, so the clients leave the cores to the servers).
Rounds are interleaved: every round measures every target once, one after the other, so
load from other work on the machine falls on all of them alike. Compared:

* the storefront's list page ``/hang/`` (24 items) with the bare project's 24-item page;
* ``POST /api/v1/orders/`` (spread over 20 items, and all for one hot item) with the bare
  project's claim (one conditional UPDATE + one INSERT in a transaction).

Every order has its own phone number. A Celery worker runs alongside, as in production,
and the run checks that every placed order got its route decision. A last phase sells out
an item of a few hundred units under the same load and checks that nothing was oversold.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import bench

REPO = Path(__file__).resolve().parents[1]
SLUG = "bench-storefront"
BARE_DATABASE = "gianhang_bench_bare"
WRK = os.environ.get("WRK", "wrk")


# One Lua script for every target: it counts answers by status and, for POSTs, gives every
# request its own phone number (thread digit + a counter from the round's base).
WRK_SCRIPT = r"""
local threads = {}
function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end
function init(args)
  statuses = {}
  counter = 0
  items = {}
  for id in string.gmatch(os.getenv("BENCH_ITEMS") or "", "%d+") do table.insert(items, id) end
  base = tonumber(os.getenv("BENCH_PHONE_BASE") or "0")
  kind = os.getenv("BENCH_KIND")
  wrk.headers["Host"] = os.getenv("BENCH_HOST")
  if kind ~= "get" then
    wrk.method = "POST"
    wrk.headers["Content-Type"] = "application/json"
  end
end
local digits = {"0", "1", "3", "4", "6", "7", "8", "9"}
function request()
  if kind == "get" then return wrk.format() end
  counter = counter + 1
  local item = items[(counter % #items) + 1]
  local phone = "09" .. digits[(tid % #digits) + 1] .. string.format("%07d", base + counter)
  local body
  if kind == "order" then
    body = '{"lines":[{"item":' .. item .. ',"quantity":1}],"name":"Nguy\\u1ec5n V\\u0103n An",' ..
      '"phone":"' .. phone .. '","commune_code":"28327","address_line":"\\u1ea4p T\\u00e2n H\\u00f2a",' ..
      '"consent":true}'
  else
    body = '{"item":' .. item .. ',"phone":"' .. phone .. '"}'
  end
  return wrk.format(nil, nil, nil, body)
end
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end
function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do total[status] = (total[status] or 0) + n end
  end
  local parts = {}
  for status, n in pairs(total) do table.insert(parts, '"' .. status .. '":' .. n) end
  io.write(string.format('BENCH {"requests":%d,"seconds":%f,"errors":%d,"p50_ms":%f,' ..
    '"p99_ms":%f,"statuses":{%s}}\n', summary.requests, summary.duration / 1e6,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, table.concat(parts, ",")))
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _database_url(name: str) -> str:
    parts = urlsplit(os.environ.get("DATABASE_URL") or bench.DEFAULT_DATABASE_URL)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _database_recreate(name: str, *, drop_only: bool = False) -> None:
    import psycopg

    with psycopg.connect(_database_url("postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            conn.execute(f'CREATE DATABASE "{name}"')


def _env(**extra: str) -> dict:
    return {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(REPO), str(REPO / "platform")]),
        **extra,
    }


def server_start(*, app: str, port: int, env: dict, workers: int) -> subprocess.Popen:
    """gunicorn with sync workers: the same for the product and the bare project."""
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        app,
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "sync",
        "--log-level",
        "warning",
    ]
    return subprocess.Popen(command, env=env, cwd=REPO, start_new_session=True)


def worker_start(env: dict, log: Path) -> subprocess.Popen:
    command = [
        sys.executable,
        "-m",
        "gianhang.cli",
        "celery",
        "worker",
        "--pool",
        "solo",
        "--without-heartbeat",
        "--without-gossip",
        "--without-mingle",
        "--purge",  # tasks left from an earlier run belong to a database that is gone
        "-Q",
        "logistics,celery",
        "-n",
        f"bench-{os.getpid()}@localhost",
        "--loglevel",
        "WARNING",
    ]
    out = log.open("ab")
    return subprocess.Popen(
        command, env=env, cwd=REPO, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
    )


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_ready(port: int, host: str, path: str) -> None:
    import http.client

    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", path, headers={"Host": host})
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"the server on port {port} did not answer {path}")


def wrk(
    *,
    port: int,
    path: str,
    host: str,
    kind: str,
    seconds: float,
    script: Path,
    items: list[int] | None = None,
    phone_base: int = 0,
    threads: int = 2,
    connections: int = 8,
) -> dict:
    env = {
        **os.environ,
        "BENCH_KIND": kind,
        "BENCH_HOST": host,
        "BENCH_ITEMS": ",".join(map(str, items or [])),
        "BENCH_PHONE_BASE": str(phone_base),
    }
    command = [
        WRK,
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(int(seconds), 1)}s",
        "--timeout",
        "10s",
        "-s",
        str(script),
        f"http://127.0.0.1:{port}{path}",
    ]
    output = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout
    found = re.search(r"^BENCH (\{.*\})$", output, re.MULTILINE)
    if not found:
        raise RuntimeError(f"wrk printed no result:\n{output}")
    result = json.loads(found.group(1))
    result["per_second"] = result["requests"] / result["seconds"]
    result["statuses"] = {int(k): v for k, v in result["statuses"].items()}
    return result


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


def routes_missing() -> int:
    from django.db import connection

    from logistics.selectors import orders_unrouted
    from tenants.models import Stall

    connection.set_schema_to_public()
    connection.set_tenant(Stall.objects.get(slug=SLUG))
    missing = orders_unrouted().count()
    connection.set_schema_to_public()
    return missing


def sellout_item(stock: int) -> int:
    from django.db import connection

    from catalog.models import Category, Item
    from catalog.stock import stock_change
    from tenants.models import Stall

    connection.set_tenant(Stall.objects.get(slug=SLUG))
    item = Item.objects.create(category=Category.objects.first(), title="Áo dài (bán hết)")
    stock_change(item=item, kind="intake", quantity=stock)
    connection.set_schema_to_public()
    return item.pk


TARGETS = (
    # key, label, server, path, kind
    ("bare_page", "bare django-tenants, 24-item page", "bare", "/items/", "get"),
    ("page", "this product, list page `/hang/` (24 items)", "product", "/hang/", "get"),
    (
        "bare_claim",
        "bare django-tenants claim: one conditional `UPDATE` + one `INSERT`",
        "bare",
        "/claim/",
        "claim",
    ),
    (
        "orders_spread",
        "this product, `POST /api/v1/orders/`, spread over 20 items",
        "product",
        "/api/v1/orders/",
        "order",
    ),
    (
        "orders_hot",
        "this product, `POST /api/v1/orders/`, one hot item",
        "product",
        "/api/v1/orders/",
        "order",
    ),
)


def main(argv: list[str]) -> dict:
    parser = argparse.ArgumentParser(prog="python -m bench.storefront")
    parser.add_argument("--seconds", type=float, default=10, help="per target per round")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--sellout", type=int, default=200, help="units of the sold-out item")
    parser.add_argument("--quick", action="store_true")
    args, _unknown = parser.parse_known_args(argv)
    if args.quick:
        args.seconds, args.rounds, args.sellout = 3, 1, 40

    _database_recreate(BARE_DATABASE)
    bare_env = _env(
        DATABASE_URL=_database_url(BARE_DATABASE), DJANGO_SETTINGS_MODULE="bench.bare.settings"
    )
    made = subprocess.run(
        [sys.executable, "-m", "bench.bare.prepare"],
        env=bare_env,
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    bare = json.loads(made.strip().splitlines()[-1])

    with bench.bench_database("gianhang_bench_storefront") as url:
        bench.platform_prepare()
        host, hot_id, spread_ids = stall_prepare(stock=1_000_000, listed=60)
        sellout_id = sellout_item(args.sellout)
        product_env = _env(
            DATABASE_URL=url,
            GIANHANG_LOG_LEVEL="ERROR",
            GIANHANG_ORDER_LIMIT_PER_IP="100000000",
            GIANHANG_ORDER_LIMIT_PER_PHONE="100000000",
        )
        product_port, bare_port = free_port(), free_port()
        folder = Path(tempfile.mkdtemp(prefix="bench-storefront-"))
        script = folder / "load.lua"
        script.write_text(WRK_SCRIPT, encoding="utf-8")
        processes = [
            server_start(
                app="gianhang.wsgi:application",
                port=product_port,
                env=product_env,
                workers=args.workers,
            ),
            server_start(
                app="bench.bare.wsgi:application",
                port=bare_port,
                env=bare_env,
                workers=args.workers,
            ),
            worker_start(product_env, folder / "worker.log"),
        ]
        try:
            wait_ready(product_port, host, "/hang/")
            wait_ready(bare_port, bare["host"], "/items/")
            ports = {"product": product_port, "bare": bare_port}
            hosts = {"product": host, "bare": bare["host"]}
            items = {
                "bare_claim": bare["items"][:20],
                "orders_spread": spread_ids,
                "orders_hot": [hot_id],
            }
            # Warm-up: connections, templates, caches, the process's copy of the communes.
            for key, _label, server, path, kind in TARGETS:
                wrk(
                    port=ports[server],
                    path=path,
                    host=hosts[server],
                    kind=kind,
                    seconds=1,
                    script=script,
                    items=items.get(key),
                    phone_base=9_000_000,
                )
            load_before = os.getloadavg()[0]
            samples: dict[str, list[dict]] = {key: [] for key, *_rest in TARGETS}
            for round_no in range(args.rounds):
                order = TARGETS if round_no % 2 == 0 else tuple(reversed(TARGETS))
                for n, (key, _label, server, path, kind) in enumerate(order):
                    samples[key].append(
                        wrk(
                            port=ports[server],
                            path=path,
                            host=hosts[server],
                            kind=kind,
                            seconds=args.seconds,
                            script=script,
                            items=items.get(key),
                            phone_base=(round_no * len(TARGETS) + n) * 1_000_000,
                        )
                    )
            load_after = os.getloadavg()[0]
            # Sell out: more orders than units, under the same load, until "hết hàng" comes.
            sellout = {"requests": 0, "seconds": 0.0, "statuses": {}}
            for attempt in range(60):
                part = wrk(
                    port=product_port,
                    path="/api/v1/orders/",
                    host=host,
                    kind="order",
                    seconds=2,
                    script=script,
                    items=[sellout_id],
                    phone_base=7_000_000 + attempt * 100_000,
                )
                sellout["requests"] += part["requests"]
                sellout["seconds"] += part["seconds"]
                for status, n in part["statuses"].items():
                    sellout["statuses"][status] = sellout["statuses"].get(status, 0) + n
                if 409 in part["statuses"]:
                    break
            load_done = time.monotonic()
            deadline = load_done + 120
            while (missing := routes_missing()) and time.monotonic() < deadline:
                time.sleep(0.5)
            routed_after = time.monotonic() - load_done
        finally:
            for process in processes:
                stop(process)
        stock = stock_verify(item_id=sellout_id, stock=args.sellout)
        hot = stock_verify(item_id=hot_id, stock=1_000_000)
    _database_recreate(BARE_DATABASE, drop_only=True)

    result = {
        "title": "Storefront against a bare django-tenants project",
        "rounds": args.rounds,
        "seconds": args.seconds,
        "workers": args.workers,
        "samples": samples,
        "load_before": load_before,
        "load_after": load_after,
        "sellout": {"wrk": sellout, "stock": stock, "units": args.sellout},
        "hot_check": hot,
        "routes_missing": missing,
        "routed_within_s": routed_after,
    }
    result["markdown"] = _markdown(result)
    if stock["oversold"] or hot["oversold"] or missing:
        print(result["markdown"])
        raise SystemExit(f"oversold or unrouted orders: see above and {folder / 'worker.log'}")
    shutil.rmtree(folder, ignore_errors=True)
    return result


def _rate(sample: dict) -> float:
    return sample["per_second"]


def _markdown(r: dict) -> str:
    samples = r["samples"]
    rates = {key: [_rate(s) for s in values] for key, values in samples.items()}

    def ratios(key: str, base: str) -> tuple[float, float]:
        per_round = [a / b for a, b in zip(rates[key], rates[base], strict=True)]
        return min(per_round), max(per_round)

    def statuses(key: str) -> str:
        total: dict[int, int] = {}
        for sample in samples[key]:
            for status, n in sample["statuses"].items():
                total[status] = total.get(status, 0) + n
        return ", ".join(f"{n} × {status}" for status, n in sorted(total.items()))

    rows = []
    for key, label, _server, _path, _kind in TARGETS:
        base = {"page": "bare_page", "orders_spread": "bare_claim", "orders_hot": "bare_claim"}.get(
            key
        )
        span = "–".join(f"{v:,.0f}" for v in sorted({min(rates[key]), max(rates[key])}))
        if base:
            low, high = ratios(key, base)
            ratio = f"{low:.2f}–{high:.2f}×" if f"{low:.2f}" != f"{high:.2f}" else f"{low:.2f}×"
        else:
            ratio = "1.00 (baseline)"
        p50 = sorted(s["p50_ms"] for s in samples[key])[len(samples[key]) // 2]
        rows.append(f"| {label} | {span} | {p50:.1f} | {ratio} | {statuses(key)} |")
    low_orders = min(
        ratios("orders_spread", "bare_claim")[0], ratios("orders_hot", "bare_claim")[0]
    )
    page_low = ratios("page", "bare_page")[0]
    sell, stock = r["sellout"]["wrk"], r["sellout"]["stock"]
    return "\n".join(
        [
            f"Every server gunicorn with {r['workers']} sync workers on 127.0.0.1; load from "
            f"`wrk -t2 -c8`; {r['rounds']} interleaved rounds of {r['seconds']:.0f} s per target "
            "(the order of targets reversed every other round); a Celery worker routing "
            f"orders alongside. Load average (1 min): {r['load_before']:.1f} before the rounds, "
            f"{r['load_after']:.1f} after.",
            "",
            "| what | requests/s (each round) | p50 ms | vs bare (per round) | answers |",
            "|---|---:|---:|---:|---|",
            *rows,
            "",
            f"Goals: orders ≥ 0.5× the bare claim (worst round ≥ 0.35×): worst round "
            f"{low_orders:.2f}× → {'met' if low_orders >= 0.5 else ('0.35× met, 0.5× NOT met' if low_orders >= 0.35 else 'NOT met')}; "
            f"list page ≥ 0.8× the bare page: worst round {page_low:.2f}× → "
            f"{'met' if page_low >= 0.8 else 'NOT met'}.",
            "",
            f"Sell-out under the same load: {r['sellout']['units']} units, "
            f"{sell['requests']} orders sent in {sell['seconds']:.1f} s "
            f"({', '.join(f'{n} × {s}' for s, n in sorted(sell['statuses'].items()))}); "
            f"after the run: available {stock['available']}, ledger sum {stock['ledger']}, "
            f"orders {stock['orders']} → {'OVERSOLD' if stock['oversold'] else 'no oversell'}. "
            f"Every confirmed order had its route decision {r['routed_within_s']:.1f} s after the "
            f"load stopped ({r['routes_missing']} without one).",
        ]
    )


if __name__ == "__main__":
    bench.run_cli(main)
