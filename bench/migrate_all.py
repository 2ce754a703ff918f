"""An upgrade across many stalls: migrate_schemas with the standard and the parallel executor.

    python -m bench.migrate_all [--stalls N] [--processes P] [--quick]

Every stall schema gets a benchmark-only app (``bench._upgrade``) whose migration 0002 is a
typical release: two columns with defaults and an index on one table. The run provisions
N stalls at 0001 (by cloning), then times ``migrate_schemas --tenant`` applying 0002 with
the ``standard`` executor, rolls back, and times it again with ``multiprocessing``. Each
executor is also timed when there is nothing to apply (the cost of checking every schema
at a release that only touches public tables), and so is the ``planned`` executor
(tenants/upgrades.py), which is also killed part-way through a release and resumed. It ends
with the size of one stall on disk.
"""

from __future__ import annotations

import argparse
import os
import time

import bench


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.migrate_all")
    parser.add_argument("--stalls", type=int, default=200)
    parser.add_argument(
        "--processes",
        type=int,
        default=os.cpu_count() or 2,
        help="processes of the multiprocessing executor (default: cores)",
    )
    parser.add_argument("--quick", action="store_true", help="20 stalls")
    args, _unknown = parser.parse_known_args(argv)
    if args.quick:
        args.stalls = 20
    return args


def main(argv: list[str]) -> dict:
    args = _parse(argv)
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench._upgrade.settings"
    with bench.bench_database("gianhang_bench_migrate_all"):
        import django

        django.setup()
        from django.conf import settings

        settings.TENANT_MULTIPROCESSING_MAX_PROCESSES = args.processes
        return _measure(args)


def _migrate(executor: str, *target: str) -> float:
    from django.core.management import call_command
    from django.db import connection

    started = time.perf_counter()
    call_command(
        "migrate_schemas", *target, tenant=True, executor=executor, interactive=False, verbosity=0
    )
    elapsed = time.perf_counter() - started
    connection.close()
    return elapsed


def _upgraded_schemas() -> int:
    return _scalar(
        "SELECT count(*) FROM pg_namespace n WHERE n.nspname LIKE 'stall\\_%%' "
        "AND n.nspname <> 'stall_template' AND EXISTS (SELECT 1 FROM pg_indexes i "
        "WHERE i.schemaname = n.nspname AND i.indexname = 'probe_priority_idx')"
    )


def _interrupted_and_resumed(rollback, stalls: int) -> dict:
    """Kill the planned executor part-way (SIGKILL: no clean-up runs), then run it again."""
    import signal
    import subprocess
    import sys

    rollback()
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(bench.ROOT), str(bench.ROOT / "platform")]),
    }
    code = (
        "import django; django.setup(); from django.core.management import call_command; "
        "call_command('migrate_schemas', tenant=True, executor='planned', interactive=False, "
        "verbosity=1)"
    )
    process = subprocess.Popen(
        [sys.executable, "-u", "-c", code],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    assert process.stdout is not None
    for line in process.stdout:
        if "lược đồ đã nâng cấp" in line:  # the first progress line: some done, most not
            os.killpg(process.pid, signal.SIGKILL)
            break
    process.wait()
    from django.db import connection

    connection.close()
    upgraded_at_kill = _upgraded_schemas()
    resume_seconds = _migrate("planned")
    return {
        "upgraded_when_killed": int(upgraded_at_kill),
        "resume_seconds": resume_seconds,
        "upgraded_after_resume": int(_upgraded_schemas()),
        "stalls": stalls,
    }


def _scalar(sql: str, params: list | None = None):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return cursor.fetchone()[0]


def _whole_database_dump() -> tuple[float, int]:
    """The runbook's nightly backup (pg_dump --format=custom) of the whole database."""
    import tempfile
    from pathlib import Path

    from tenants.pgtools import pg_tools, run_pg_tool

    tools = pg_tools()
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "all.dump"
        started = time.perf_counter()
        run_pg_tool(
            [tools.path("pg_dump"), "--format=custom", f"--file={target}"],
            what="pg_dump of the whole database",
        )
        return time.perf_counter() - started, target.stat().st_size


def _measure(args: argparse.Namespace) -> dict:
    from django.core.management import call_command
    from django.db import connection

    from tenants.models import Unit
    from tenants.services import public_tenant_ensure, stall_provision, unit_create

    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
    public_tenant_ensure()
    with connection.cursor() as cursor:
        cursor.execute('CREATE SCHEMA "stall_template"')
    # The template stops at 0001, so every stall cloned from it has the release pending.
    call_command(
        "migrate_schemas", tenant=True, schema_name="stall_template", interactive=False, verbosity=0
    )
    call_command(
        "migrate_schemas",
        "bench_upgrade",
        "0001",
        tenant=True,
        schema_name="stall_template",
        interactive=False,
        verbosity=0,
    )
    connection.set_schema_to_public()

    size_before = _scalar("SELECT pg_database_size(current_database())")
    district = unit_create(kind=Unit.Kind.DISTRICT, name="Huyện Đoàn đo đạc", code="bench")
    provisioning = bench.Timer()
    for n in range(args.stalls):
        with provisioning.time():
            stall_provision(slug=f"stall-{n:05d}", name=f"Trường {n}", parent_unit=district)
    size_after = _scalar("SELECT pg_database_size(current_database())")

    # The planned executor twice, first and last, the others between (A B C A): load from
    # other work on the machine comes and goes, and the faster of two runs is kept.
    def rollback() -> float:
        return _migrate("multiprocessing", "bench_upgrade", "0001")

    executors = ("planned", "standard", "multiprocessing", "planned")
    samples: dict[str, list[float]] = {
        f"{executor}_{what}": [] for executor in executors for what in ("apply", "noop")
    }
    samples["rollback_multiprocessing"] = []
    for n, executor in enumerate(executors):
        if n:
            samples["rollback_multiprocessing"].append(rollback())
        samples[f"{executor}_apply"].append(_migrate(executor))
        samples[f"{executor}_noop"].append(_migrate(executor))
    timings = {key: min(values) for key, values in samples.items()}
    resumed = _interrupted_and_resumed(rollback, args.stalls)
    applied = _upgraded_schemas()
    if applied != args.stalls:
        raise RuntimeError(f"the release reached {applied} of {args.stalls} stalls")

    one = "stall_stall_00000"
    relations = _scalar(
        "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = %s",
        [one],
    )
    on_disk = _scalar(
        "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s "
        "AND c.relkind IN ('r', 'm')",
        [one],
    )

    tables = _scalar(
        "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = %s AND c.relkind IN ('r', 'p')",
        [one],
    )
    dump_seconds, dump_bytes = _whole_database_dump()

    result = {
        "title": "Upgrading every stall; the size of a stall",
        "server": bench.server_version(),
        "stalls": args.stalls,
        "processes": args.processes,
        "seconds": timings,
        "samples": samples,
        "per_stall_ms": {k: v / args.stalls * 1000 for k, v in timings.items()},
        "speedup_apply": timings["standard_apply"] / timings["multiprocessing_apply"],
        "speedup_noop": timings["standard_noop"] / timings["multiprocessing_noop"],
        "planned_speedup_apply": timings["standard_apply"] / timings["planned_apply"],
        "planned_speedup_noop": timings["standard_noop"] / timings["planned_noop"],
        "resumed": resumed,
        "provision_median_s": provisioning.median,
        "stall_relations": int(relations),
        "stall_tables": int(tables),
        "whole_dump_seconds": dump_seconds,
        "whole_dump_bytes": dump_bytes,
        "stall_tables_bytes": int(on_disk),
        "database_growth_per_stall_bytes": int(size_after - size_before) / args.stalls,
    }
    result["markdown"] = _markdown(result)
    return result


def _markdown(r: dict) -> str:
    s, per = r["seconds"], r["per_stall_ms"]
    kib = 1024
    resumed = r["resumed"]

    def cell(key: str) -> str:
        return f"{s[key]:.1f} s ({per[key]:.0f} ms/stall)"

    return "\n".join(
        [
            f"PostgreSQL {r['server']}; {r['stalls']} stalls; multiprocessing executor with "
            f"{r['processes']} processes; `planned` is `tenants/upgrades.py` (the default).",
            "",
            "| `migrate_schemas --tenant` | planned | standard | multiprocessing | planned vs standard |",
            "|---|---:|---:|---:|---:|",
            f"| a release (2 columns + 1 index) on every stall | {cell('planned_apply')} | "
            f"{cell('standard_apply')} | {cell('multiprocessing_apply')} | "
            f"{r['planned_speedup_apply']:.1f}× |",
            f"| nothing to apply (checks every schema) | {cell('planned_noop')} | "
            f"{cell('standard_noop')} | {cell('multiprocessing_noop')} | "
            f"{r['planned_speedup_noop']:.1f}× |",
            "",
            "Goals (200 stalls): nothing to apply ≤ 5 s → "
            f"{'met' if s['planned_noop'] <= 5 else 'NOT met'} ({s['planned_noop']:.1f} s); the "
            f"release ≤ 15 s → {'met' if s['planned_apply'] <= 15 else 'NOT met'} "
            f"({s['planned_apply']:.1f} s).",
            "",
            "Order of the passes: planned, standard, multiprocessing, planned (each: roll back, "
            "apply, apply again with nothing to do); the faster planned run is shown. All runs: "
            + "; ".join(
                f"{key.replace('_', ' ')} "
                + ", ".join(f"{value:.1f}" for value in r["samples"][key])
                + " s"
                for key in ("planned_apply", "planned_noop")
            )
            + ".",
            "",
            f"Interrupted and resumed: the planned executor killed (SIGKILL) after its first "
            f"progress line had {resumed['upgraded_when_killed']} of {resumed['stalls']} stalls "
            f"upgraded; run again, it finished the rest in {resumed['resume_seconds']:.1f} s "
            f"({resumed['upgraded_after_resume']} of {resumed['stalls']} upgraded, each "
            "schema all or nothing).",
            "",
            f"Rolling the release back (multiprocessing): {s['rollback_multiprocessing']:.1f} s.",
            "",
            "| size of one empty stall | |",
            "|---|---:|",
            f"| tables in its schema | {r['stall_tables']} |",
            f"| relations (tables, indexes, sequences, TOAST) in its schema | {r['stall_relations']} |",
            f"| its tables and indexes on disk | {r['stall_tables_bytes'] / kib:.0f} KiB |",
            f"| growth of the whole database per stall (incl. system catalogs) | "
            f"{r['database_growth_per_stall_bytes'] / kib:.0f} KiB |",
            "",
            f"The runbook's nightly backup of the whole database (`pg_dump --format=custom`, "
            f"{r['stalls']} stalls): {r['whole_dump_seconds']:.1f} s, "
            f"{r['whole_dump_bytes'] / kib / kib:.1f} MiB.",
        ]
    )


if __name__ == "__main__":
    bench.run_cli(main)
