"""Provisioning benchmark: a new stall by cloning the template schema vs by running migrations.

    python -m bench.provisioning [--clone N] [--migrate M] [--quick]

Cloning is ``tenants.services.stall_provision`` (what ``gianhang stall create`` runs).
"By migrations" is what django-tenants does without a base schema: ``CREATE SCHEMA`` then
``migrate_schemas --tenant --schema=<name>``. Both run against a throw-away database.
"""

from __future__ import annotations

import argparse
import time

import bench

GOAL_ONE_STALL_S = 1.0
GOAL_200_STALLS_S = 300.0


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.provisioning")
    parser.add_argument("--clone", type=int, default=200, help="stalls provisioned by cloning")
    parser.add_argument("--migrate", type=int, default=15, help="stalls made by migrations")
    parser.add_argument("--quick", action="store_true", help="20 by cloning, 5 by migrations")
    args, _unknown = parser.parse_known_args(argv)
    if args.quick:
        args.clone, args.migrate = 20, 5
    return args


def main(argv: list[str]) -> dict:
    args = _parse(argv)
    with bench.bench_database("gianhang_bench_provisioning"):
        bench.platform_prepare()
        return _measure(args)


def _schema_step(count: int, tag: str) -> dict:
    """The schema step alone, three ways, interleaved so load on the machine hits all alike.

    The dump replay ``Stall.create_schema`` uses (``tenants.cloning``), django-tenants'
    PL/pgSQL ``clone_schema()``, and that clone followed by the fake ``migrate_schemas``
    django-tenants runs after it.
    """
    from django.core.management import call_command
    from django.db import connection
    from django_tenants.clone import CloneSchema

    from tenants.cloning import schema_clone

    replay, clone_only, clone_and_fake = bench.Timer(), bench.Timer(), bench.Timer()
    for n in range(count):
        with replay.time():
            schema_clone(template="stall_template", schema=f"stall_replay_{tag}_{n:05d}")
        with clone_only.time():
            CloneSchema().clone_schema("stall_template", f"stall_bare_{tag}_{n:05d}", "DATA")
        with clone_and_fake.time():
            CloneSchema().clone_schema("stall_template", f"stall_faked_{tag}_{n:05d}", "DATA")
            call_command(
                "migrate_schemas",
                tenant=True,
                fake=True,
                schema_name=f"stall_faked_{tag}_{n:05d}",
                interactive=False,
                verbosity=0,
            )
            connection.set_schema_to_public()
    return {
        "n": count,
        "replay_median_s": replay.median,
        "clone_median_s": clone_only.median,
        "clone_and_fake_migrate_median_s": clone_and_fake.median,
    }


def _measure(args: argparse.Namespace) -> dict:
    from django.core.management import call_command
    from django.db import connection

    from tenants.models import Unit
    from tenants.services import stall_provision, unit_create

    before = _schema_step(5, "empty")
    district = unit_create(kind=Unit.Kind.DISTRICT, name="Huyện Đoàn đo đạc", code="bench")
    cloned = bench.Timer()
    started = time.perf_counter()
    for n in range(args.clone):
        with cloned.time():
            stall_provision(slug=f"clone-{n:05d}", name=f"Trường {n}", parent_unit=district)
    clone_wall = time.perf_counter() - started

    migrated = bench.Timer()
    for n in range(args.migrate):
        schema = f"stall_migrated_{n:05d}"
        with migrated.time():
            with connection.cursor() as cursor:
                cursor.execute(f'CREATE SCHEMA "{schema}"')
            call_command(
                "migrate_schemas", tenant=True, schema_name=schema, interactive=False, verbosity=0
            )
            connection.set_schema_to_public()

    # PL/pgSQL clones get slow with many schemas (seconds each at 200): five are enough.
    after = _schema_step(min(5, args.clone), "full")

    ratio = migrated.median / cloned.median
    window = max(1, min(20, args.clone // 4))
    result = {
        "title": "Provisioning a stall",
        "server": bench.server_version(),
        "clone": {
            "n": args.clone,
            "median_s": cloned.median,
            "p90_s": cloned.percentile(90),
            "max_s": max(cloned.samples),
            "total_s": clone_wall,
            "first_median_s": bench.statistics.median(cloned.samples[:window]),
            "last_median_s": bench.statistics.median(cloned.samples[-window:]),
            "window": window,
        },
        "schema_step_empty_db": before,
        "schema_step_full_db": after,
        "migrate": {
            "n": args.migrate,
            "median_s": migrated.median,
            "p90_s": migrated.percentile(90),
            "max_s": max(migrated.samples),
        },
        "ratio_migrate_over_clone": ratio,
        "goals_met": {
            "one_stall_under_1s": cloned.median < GOAL_ONE_STALL_S,
            "200_stalls_under_5min": (clone_wall / args.clone * 200) < GOAL_200_STALLS_S,
        },
    }
    result["markdown"] = _markdown(result)
    return result


def _markdown(r: dict) -> str:
    c, m = r["clone"], r["migrate"]
    per_200 = c["total_s"] / c["n"] * 200
    return "\n".join(
        [
            f"PostgreSQL {r['server']}.",
            "",
            "| way | stalls | median per stall | p90 | slowest | all of them |",
            "|---|---:|---:|---:|---:|---:|",
            f"| cloning `stall_template` (`stall_provision`) | {c['n']} | {c['median_s']:.3f} s "
            f"| {c['p90_s']:.3f} s | {c['max_s']:.3f} s | {c['total_s']:.1f} s |",
            f"| `CREATE SCHEMA` + `migrate_schemas --tenant` | {m['n']} | {m['median_s']:.3f} s "
            f"| {m['p90_s']:.3f} s | {m['max_s']:.3f} s | – |",
            "",
            f"Cloning is **{r['ratio_migrate_over_clone']:.1f}×** faster than migrating (median "
            f"ratio). Goals: one stall under 1 s by cloning — "
            f"{'met' if r['goals_met']['one_stall_under_1s'] else 'NOT met'} "
            f"({c['median_s']:.2f} s); 200 stalls under 5 min — "
            f"{'met' if r['goals_met']['200_stalls_under_5min'] else 'NOT met'} "
            f"({per_200:.0f} s for 200 at the measured pace).",
            "",
            f"The first {c['window']} stalls took {c['first_median_s']:.3f} s each (median), the "
            f"last {c['window']} {c['last_median_s']:.3f} s "
            f"({c['last_median_s'] / c['first_median_s']:.2f}× the first): how the cost moves "
            "with the number of schemas already in the database.",
            "",
            "The schema step alone (median; interleaved, so machine load hits all three alike), "
            f"in a database with no stalls ({r['schema_step_empty_db']['n']} of each) and with "
            f"{c['n']} ({r['schema_step_full_db']['n']} of each):",
            "",
            f"| schema step | no stalls | {c['n']} stalls | growth |",
            "|---|---:|---:|---:|",
            *[
                f"| {label} | {e[key]:.3f} s | {f[key]:.3f} s | {f[key] / e[key]:.1f}× |"
                for label, key in (
                    (
                        "replay of the template's cached dump (`tenants.cloning`, used now)",
                        "replay_median_s",
                    ),
                    ("django-tenants' PL/pgSQL `clone_schema()`", "clone_median_s"),
                    (
                        "`clone_schema()` + fake `migrate_schemas` (django-tenants' default)",
                        "clone_and_fake_migrate_median_s",
                    ),
                )
                for e, f in [(r["schema_step_empty_db"], r["schema_step_full_db"])]
            ],
            "",
            "The rest of `stall_provision` is its unit, stall and domain rows and the checks "
            "before them.",
        ]
    )


if __name__ == "__main__":
    bench.run_cli(main)
