"""One PostgreSQL server with thousands of stalls: what grows with their number.

    python -m bench.country [--steps 200,500,1000,2000] [--quick]

Provisions stalls in steps on one server (``--quick``: 20, 50, 100) and measures at each
step, through the product's own code:

* provisioning time per stall (``stall_provision``, the dump replay of the template);
* the size of the system catalogs (``pg_class``, ``pg_attribute`` … and all of
  ``pg_catalog``) and the number of relations;
* the memory of one database backend that has served the storefront of 100 random stalls
  (``pg_backend_memory_contexts`` of that backend, and its private memory from
  ``/proc/<pid>/status`` when the server runs on this machine);
* a storefront page and an order on random stalls, through the whole Django stack
  (middleware, tenant routing, views) with the in-process test client, page cache emptied;
* a release of two columns and an index on every stall, then the same with nothing to
  apply, with the ``planned`` executor (tenants/upgrades.py);
* the runbook's whole-database dump (``pg_dump --format=custom``), and one stall backed up
  and restored as a new stall (``gianhang stall backup`` / ``restore``).

Every template stall carries 24 items in stock, so every stall has a page to show and
something to order. The figures of each step are also written to bench/out/country.json
as soon as the step ends, so a long run stopped part-way keeps what it measured.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import tempfile
import time
from pathlib import Path

import bench

MEMORY_SAMPLE = 100
LATENCY_SAMPLE = 20
ITEMS_PER_STALL = 24


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.country")
    parser.add_argument("--steps", default="200,500,1000,2000", help="stall counts, rising")
    parser.add_argument("--quick", action="store_true", help="steps of 20, 50 and 100 stalls")
    args, _unknown = parser.parse_known_args(argv)
    if args.quick:
        args.steps = "20,50,100"
    args.steps = sorted({int(step) for step in args.steps.split(",") if step.strip()})
    return args


def main(argv: list[str]) -> dict:
    args = _parse(argv)
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench._upgrade.settings"
    # Its own keys in the cache: emptying them leaves whatever else shares the Redis alone.
    os.environ["GIANHANG_CACHE_PREFIX"] = "gh-bench-country"
    with bench.bench_database("gianhang_bench_country"):
        import django

        django.setup()
        return _measure(args)


def _scalar(sql: str, params: list | None = None):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return cursor.fetchone()[0]


def _prepare() -> None:
    """Public schema, geography, and a template at bench_upgrade 0001 with 24 items in stock."""
    from django.core.management import call_command
    from django.db import connection

    from catalog.items import item_create
    from catalog.models import Category
    from tenants.geography import geography_load
    from tenants.services import public_tenant_ensure, stall_template_migrate

    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
    public_tenant_ensure()
    geography_load()
    stall_template_migrate()
    call_command(
        "migrate_schemas",
        "bench_upgrade",
        "0001",
        tenant=True,
        schema_name="stall_template",
        interactive=False,
        verbosity=0,
    )
    connection.set_schema("stall_template")
    categories = list(Category.objects.order_by("pk"))
    for n in range(ITEMS_PER_STALL):
        item_create(
            fields={
                "title": f"Áo sơ mi học sinh số {n + 1}",
                "category": categories[n % len(categories)],
                "description": "Còn tốt, sạch sẽ.",
            },
            quantity=1000,
        )
    connection.set_schema_to_public()


def _catalog() -> dict:
    sizes = {}
    for table in ("pg_class", "pg_attribute", "pg_depend", "pg_constraint", "pg_index", "pg_type"):
        sizes[table] = int(_scalar("SELECT pg_total_relation_size(%s::regclass)", [table]))
    return {
        "relations": int(_scalar("SELECT count(*) FROM pg_class")),
        "attributes": int(_scalar("SELECT count(*) FROM pg_attribute")),
        "bytes": sizes,
        "pg_catalog_bytes": int(
            _scalar(
                "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c "
                "WHERE c.relnamespace = 'pg_catalog'::regnamespace AND c.relkind = 'r'"
            )
        ),
        "database_bytes": int(_scalar("SELECT pg_database_size(current_database())")),
    }


def _backend_memory() -> dict:
    pid = int(_scalar("SELECT pg_backend_pid()"))
    contexts = int(_scalar("SELECT sum(total_bytes) FROM pg_backend_memory_contexts"))
    cache = int(
        _scalar(
            "SELECT coalesce(sum(total_bytes), 0) FROM pg_backend_memory_contexts "
            "WHERE name = 'CacheMemoryContext' OR parent = 'CacheMemoryContext'"
        )
    )
    private = None
    try:  # the server's own process, when it runs on this machine
        for line in Path(f"/proc/{pid}/status").read_text(encoding="ascii").splitlines():
            if line.startswith("RssAnon:"):
                private = int(line.split()[1]) * 1024
    except OSError:
        pass
    return {"pid": pid, "contexts_bytes": contexts, "cache_bytes": cache, "rss_anon_bytes": private}


def _cache_empty() -> None:
    from django.core.cache import cache

    delete_pattern = getattr(cache, "delete_pattern", None)
    if delete_pattern is not None:
        delete_pattern("*")  # this bench's prefix only
    else:
        cache.clear()


def _serve(stalls: list, rng: random.Random, counter: list[int]) -> dict:
    """One persistent database connection serves 100 random storefronts; then page and
    order latency on random stalls. The page cache is emptied first: pages come from the
    database."""
    from django.db import connection
    from django.test import Client

    _cache_empty()
    connection.close()
    connection.settings_dict["CONN_MAX_AGE"] = None  # one backend for the whole sample
    fresh = _backend_memory()
    sample = rng.sample(stalls, min(MEMORY_SAMPLE, len(stalls)))
    statuses: dict[int, int] = {}
    for _stall, host, _item in sample:
        status = Client(HTTP_HOST=host).get("/hang/").status_code
        statuses[status] = statuses.get(status, 0) + 1
    served = _backend_memory()
    if served["pid"] != fresh["pid"]:
        raise RuntimeError("the sample was served by more than one database backend")

    _cache_empty()
    pages, orders = bench.Timer(), bench.Timer()
    for _stall, host, item_id in rng.sample(stalls, min(LATENCY_SAMPLE, len(stalls))):
        client = Client(HTTP_HOST=host)
        with pages.time():
            status = client.get("/hang/").status_code
        statuses[status] = statuses.get(status, 0) + 1
        counter[0] += 1
        n = counter[0]
        body = {
            "lines": [{"item": item_id, "quantity": 1}],
            "name": "Nguyễn Văn An",
            "phone": f"091{n:07d}",
            "commune_code": "28327",
            "address_line": "Ấp Tân Hòa",
            "consent": True,
        }
        with orders.time():
            status = client.post(
                "/api/v1/orders/",
                json.dumps(body),
                content_type="application/json",
                REMOTE_ADDR=f"10.7.{n // 250 % 250}.{n % 250 + 1}",
            ).status_code
        statuses[status] = statuses.get(status, 0) + 1
    connection.close()
    connection.settings_dict["CONN_MAX_AGE"] = 0
    return {
        "memory_fresh": fresh,
        "memory_after_100": served,
        "memory_per_stall_served_bytes": (served["contexts_bytes"] - fresh["contexts_bytes"])
        / len(sample),
        "stalls_served": len(sample),
        "page_median_ms": pages.median * 1000,
        "page_p90_ms": pages.percentile(90) * 1000,
        "order_median_ms": orders.median * 1000,
        "order_p90_ms": orders.percentile(90) * 1000,
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
    }


def _migrate() -> float:
    from django.core.management import call_command
    from django.db import connection

    started = time.perf_counter()
    call_command("migrate_schemas", tenant=True, executor="planned", interactive=False, verbosity=0)
    elapsed = time.perf_counter() - started
    connection.close()
    return elapsed


def _release_undo() -> None:
    """Back to 0001 in every stall, by SQL (the standard executor's rollback would take as
    long as everything else here together)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            DO $$
            DECLARE s text;
            BEGIN
              FOR s IN SELECT schema_name FROM public.tenants_stall WHERE schema_name <> 'public'
              LOOP
                EXECUTE format('ALTER TABLE %I.bench_upgrade_probe DROP COLUMN IF EXISTS note, '
                               'DROP COLUMN IF EXISTS priority', s);
                EXECUTE format('DELETE FROM %I.django_migrations WHERE app = ''bench_upgrade'' '
                               'AND name = ''0002_release''', s);
              END LOOP;
            END $$;
            """
        )


def _release(stall_count: int) -> dict:
    apply_seconds = _migrate()
    upgraded = int(
        _scalar(
            "SELECT count(*) FROM pg_indexes WHERE indexname = 'probe_priority_idx' "
            "AND schemaname <> 'stall_template'"
        )
    )
    if upgraded != stall_count:
        raise RuntimeError(f"the release reached {upgraded} of {stall_count} stalls")
    noop_seconds = _migrate()
    _release_undo()
    return {"apply_seconds": apply_seconds, "noop_seconds": noop_seconds}


def _dump_and_restore(stalls: list, rng: random.Random, step: int, district) -> dict:
    from tenants.backup_bundle import BackupError
    from tenants.backups import stall_backup, stall_restore
    from tenants.models import Stall, Unit
    from tenants.pgtools import pg_tools, run_pg_tool

    tools = pg_tools()
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "all.dump"
        started = time.perf_counter()
        dump_seconds: float | None = None
        dump_bytes: int | None = None
        dump_error = ""
        try:
            run_pg_tool(
                [tools.path("pg_dump"), "--format=custom", f"--file={target}"],
                what="pg_dump of the whole database",
            )
            dump_seconds = time.perf_counter() - started
            dump_bytes = target.stat().st_size
        except BackupError as exc:  # pg_dump locks every table: the lock table can run out
            dump_error = str(exc)

        stall = rng.choice(stalls)[0]
        bundle = Path(folder) / "one.tar"
        started = time.perf_counter()
        stall_backup(stall=stall, path=bundle)
        backup_seconds = time.perf_counter() - started
        started = time.perf_counter()
        restored = stall_restore(path=bundle, slug=f"restored-{step}", parent_unit=district)
        restore_seconds = time.perf_counter() - started
    # Leave the count of stalls as it was for the next step.
    unit = restored.stall.unit
    Stall.objects.get(pk=restored.stall.pk).delete(force_drop=True)
    if unit is not None:
        Unit.objects.filter(pk=unit.pk).delete()
    return {
        "dump_seconds": dump_seconds,
        "dump_bytes": dump_bytes,
        "dump_error": dump_error,
        "dump_lock_slots": int(
            _scalar(
                "SELECT current_setting('max_locks_per_transaction')::int * "
                "(current_setting('max_connections')::int "
                "+ current_setting('max_prepared_transactions')::int)"
            )
        ),
        "stall_backup_seconds": backup_seconds,
        "stall_restore_seconds": restore_seconds,
    }


def _fit(xs: list[float], ys: list[float]) -> tuple[float, float]:
    """Least squares line y = a + b·x."""
    n = len(xs)
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    var = sum((x - mean_x) ** 2 for x in xs)
    if n < 2 or var == 0:
        return mean_y, 0.0
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / var
    return mean_y - slope * mean_x, slope


def _measure(args: argparse.Namespace) -> dict:
    from django.db import connection

    from catalog.models import Item
    from tenants.models import Unit
    from tenants.services import stall_provision, unit_create

    began = time.perf_counter()
    _prepare()
    district = unit_create(kind=Unit.Kind.DISTRICT, name="Huyện Đoàn đo đạc", code="bench")
    rng = random.Random(19)
    counter = [0]
    stalls: list[tuple] = []  # (stall, host, an item id)
    steps: list[dict] = []
    # The items are the template's rows, copied: the same ids in every stall.
    connection.set_schema("stall_template")
    item_id = Item.objects.order_by("pk").values_list("pk", flat=True).first()
    connection.set_schema_to_public()
    for target in args.steps:
        provisioning = bench.Timer()
        while len(stalls) < target:
            n = len(stalls)
            with provisioning.time():
                made = stall_provision(
                    slug=f"stall-{n:05d}", name=f"Trường {n}", parent_unit=district
                )
            stalls.append((made.stall, made.domain, item_id))
        step = {
            "stalls": target,
            "provision_median_s": provisioning.median,
            "provision_mean_s": provisioning.total / len(provisioning.samples),
            "provision_p90_s": provisioning.percentile(90),
            "catalog": _catalog(),
            **_serve(stalls, rng, counter),
            **_release(target),
            **_dump_and_restore(stalls, rng, target, district),
        }
        steps.append(step)
        bench.write_result("country", {"title": TITLE, "steps": steps, "partial": True})
        print(f"step {target}: {json.dumps(step, ensure_ascii=False)}", flush=True)

    result = {
        "title": TITLE,
        "server": bench.server_version(),
        "steps": steps,
        "seconds": time.perf_counter() - began,
        "growth": _growth(steps),
    }
    result["markdown"] = _markdown(result)
    return result


TITLE = "One server, thousands of stalls"
# Backends kept open by the pool in front of the server (PgBouncer's pool, gunicorn and
# Celery processes): each ends up serving every stall within its lifetime.
POOLED_BACKENDS = 50

# What a figure may reach before one server is no longer enough (deploy/SCALING.md).
LIMITS = {
    "release_apply_seconds": (600.0, "a release on every stall inside a 10-minute window"),
    "dump_seconds": (3600.0, "the nightly whole-database dump within an hour"),
    "memory_every_stall_bytes": (
        8 * 1024**3 / POOLED_BACKENDS,
        f"{POOLED_BACKENDS} pooled backends that each served every stall inside 8 GiB",
    ),
}


def _growth(steps: list[dict]) -> dict:
    xs = [float(s["stalls"]) for s in steps]
    series = {
        "provision_median_s": [s["provision_median_s"] for s in steps],
        "pg_catalog_bytes": [float(s["catalog"]["pg_catalog_bytes"]) for s in steps],
        "memory_after_100_bytes": [float(s["memory_after_100"]["contexts_bytes"]) for s in steps],
        # Measured per stall served, times every stall: a pooled backend's memory by the end
        # of its lifetime.
        "memory_every_stall_bytes": [
            s["memory_per_stall_served_bytes"] * s["stalls"] + s["memory_fresh"]["contexts_bytes"]
            for s in steps
        ],
        "page_median_ms": [s["page_median_ms"] for s in steps],
        "order_median_ms": [s["order_median_ms"] for s in steps],
        "release_apply_seconds": [s["apply_seconds"] for s in steps],
        "release_noop_seconds": [s["noop_seconds"] for s in steps],
        "dump_seconds": [s["dump_seconds"] for s in steps],
        "stall_restore_seconds": [s["stall_restore_seconds"] for s in steps],
    }
    growth = {}
    for key, values in series.items():
        pairs = [(x, y) for x, y in zip(xs, values, strict=True) if y is not None]
        if not pairs:
            continue
        intercept, slope = _fit([x for x, _ in pairs], [y for _, y in pairs])
        entry = {
            "intercept": intercept,
            "per_1000_stalls": slope * 1000,
            "at_10000": intercept + slope * 10_000,
        }
        if key in LIMITS and slope > 0:
            limit, meaning = LIMITS[key]
            entry["limit"] = limit
            entry["limit_meaning"] = meaning
            entry["stalls_at_limit"] = max(0.0, (limit - intercept) / slope)
        growth[key] = entry
    return growth


def _markdown(r: dict) -> str:
    steps = r["steps"]
    mib = 1024 * 1024
    first, last = steps[0], steps[-1]

    def row(label: str, fmt) -> str:
        return f"| {label} | " + " | ".join(fmt(s) for s in steps) + " |"

    header = "| stalls | " + " | ".join(str(s["stalls"]) for s in steps) + " | last ÷ first |"
    lines = [
        f"PostgreSQL {r['server']}; steps of {', '.join(str(s['stalls']) for s in steps)} "
        f"stalls on one server, each with {ITEMS_PER_STALL} items in stock; "
        f"{r['seconds'] / 60:.0f} min in all.",
        "",
        header,
        "|---|" + "---:|" * (len(steps) + 1),
    ]
    table = [
        ("provisioning, median per stall (s)", lambda s: s["provision_median_s"], "{:.2f}"),
        ("provisioning, p90 per stall (s)", lambda s: s["provision_p90_s"], "{:.2f}"),
        ("relations in `pg_class`", lambda s: s["catalog"]["relations"], "{:,}"),
        ("`pg_class` (MiB)", lambda s: s["catalog"]["bytes"]["pg_class"] / mib, "{:.1f}"),
        ("`pg_attribute` (MiB)", lambda s: s["catalog"]["bytes"]["pg_attribute"] / mib, "{:.1f}"),
        ("`pg_depend` (MiB)", lambda s: s["catalog"]["bytes"]["pg_depend"] / mib, "{:.1f}"),
        ("all of `pg_catalog` (MiB)", lambda s: s["catalog"]["pg_catalog_bytes"] / mib, "{:.1f}"),
        ("whole database (MiB)", lambda s: s["catalog"]["database_bytes"] / mib, "{:.0f}"),
        (
            "backend memory, fresh (MiB)",
            lambda s: s["memory_fresh"]["contexts_bytes"] / mib,
            "{:.1f}",
        ),
        (
            f"backend memory after {MEMORY_SAMPLE} random storefronts (MiB)",
            lambda s: s["memory_after_100"]["contexts_bytes"] / mib,
            "{:.1f}",
        ),
        (
            "… per stall served (KiB)",
            lambda s: s["memory_per_stall_served_bytes"] / 1024,
            "{:.0f}",
        ),
        (
            "… of which the relation/catalog caches (MiB)",
            lambda s: s["memory_after_100"]["cache_bytes"] / mib,
            "{:.1f}",
        ),
        (
            "… its private memory, RssAnon (MiB)",
            lambda s: (s["memory_after_100"]["rss_anon_bytes"] or 0) / mib,
            "{:.1f}",
        ),
        ("storefront page `/hang/`, median (ms)", lambda s: s["page_median_ms"], "{:.0f}"),
        ("storefront page, p90 (ms)", lambda s: s["page_p90_ms"], "{:.0f}"),
        ("order `POST /api/v1/orders/`, median (ms)", lambda s: s["order_median_ms"], "{:.0f}"),
        ("a release on every stall, planned (s)", lambda s: s["apply_seconds"], "{:.1f}"),
        ("nothing to apply, planned (s)", lambda s: s["noop_seconds"], "{:.1f}"),
        ("whole-database dump (s)", lambda s: s["dump_seconds"], "{:.1f}"),
        ("whole-database dump (MiB)", lambda s: (s["dump_bytes"] or 0) / mib or None, "{:.1f}"),
        ("one stall: backup (s)", lambda s: s["stall_backup_seconds"], "{:.2f}"),
        ("one stall: restore as a new stall (s)", lambda s: s["stall_restore_seconds"], "{:.2f}"),
    ]

    def shown(value, fmt: str) -> str:
        return "failed" if value is None else fmt.format(value)

    def ratio(value) -> str:  # failed cells left out
        a, b = value(first), value(last)
        return f"{b / a:.2f}×" if a and b is not None else "–"

    for label, value, fmt in table:
        lines.append(
            row(label, lambda s, v=value, f=fmt: shown(v(s), f))[:-1] + f"| {ratio(value)} |"
        )
    statuses = sorted({k for s in steps for k in s["statuses"]})
    lines += ["", f"Answers seen: {', '.join(statuses)} (HTTP status codes).", ""]
    for s in steps:
        if s.get("dump_error"):
            lines += [
                f"The whole-database dump **failed at {s['stalls']} stalls**: "
                f"`{s['dump_error']}` (the server's lock table holds "
                f"`max_locks_per_transaction × (max_connections + max_prepared_transactions)` "
                f"= {s['dump_lock_slots']:,} locks; `pg_dump` takes one per table).",
                "",
            ]
    lines += [
        "Linear fit over the steps (least squares), extrapolated to 10,000 stalls:",
        "",
        "| figure | per 1,000 more stalls | at 10,000 stalls | limit | reached at |",
        "|---|---:|---:|---|---:|",
    ]
    units = {
        "provision_median_s": (1, "s"),
        "pg_catalog_bytes": (mib, "MiB"),
        "memory_after_100_bytes": (mib, "MiB"),
        "memory_every_stall_bytes": (mib, "MiB"),
        "page_median_ms": (1, "ms"),
        "order_median_ms": (1, "ms"),
        "release_apply_seconds": (1, "s"),
        "release_noop_seconds": (1, "s"),
        "dump_seconds": (1, "s"),
        "stall_restore_seconds": (1, "s"),
    }
    decisive = None
    for key, entry in r["growth"].items():
        scale, unit = units[key]
        limit = entry.get("limit_meaning", "")
        reached = entry.get("stalls_at_limit")
        lines.append(
            f"| {key.replace('_', ' ')} | {entry['per_1000_stalls'] / scale:+.2f} {unit} | "
            f"{entry['at_10000'] / scale:.2f} {unit} | {limit} | "
            + (f"{reached:,.0f} stalls" if reached is not None else "")
            + " |"
        )
        if reached is not None and (decisive is None or reached < decisive[1]):
            decisive = (key, reached, limit)
    if decisive:
        lines += [
            "",
            f"First limit reached by the fit: **{decisive[2]}** at about "
            f"**{decisive[1]:,.0f} stalls** ({decisive[0].replace('_', ' ')}). A straight line "
            "through these steps; the steps actually run are the only measured points.",
        ]
    return "\n".join(lines)


if __name__ == "__main__":
    bench.run_cli(main)
