"""Logistics benchmark: routing and batch building over many stalls, and route planning.

    .venv/bin/python -m bench.logistics [--stalls 50] [--orders 10000]

Runs against DATABASE_URL (or the embedded server), creating bench stalls once and reusing
them. Every figure is also given as a ratio to a baseline measured in the same run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import platform as stdlib_platform
import random
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gianhang.settings")
os.environ.setdefault("GIANHANG_DEMO", "1")


def _setup() -> None:
    from gianhang.embedded import default_data_dir, ensure_services

    ensure_services(default_data_dir())
    import django

    django.setup()


def _prepare_database() -> None:
    from django.core.management import call_command

    from tenants.geography import geography_load
    from tenants.services import public_tenant_ensure, stall_template_migrate

    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
    public_tenant_ensure()
    stall_template_migrate(verbosity=0)
    geography_load()


def _stalls(n: int):
    from tenants.models import AdminArea, Stall, Unit
    from tenants.services import stall_provision, unit_get_or_create

    school_commune = AdminArea.objects.get(era="current", level="commune", code="28321")
    parent = unit_get_or_create(
        kind=Unit.Kind.PROVINCE, name="Tỉnh Đoàn (bench)", code="bench-logistics"
    )
    stalls = []
    for i in range(n):
        slug = f"bench-lg-{i:03d}"
        stall = Stall.objects.filter(slug=slug).first()
        if stall is None:
            stall = stall_provision(
                slug=slug, name=f"Đoàn trường bench {i}", parent_unit=parent, commune=school_commune
            ).stall
        stall.commune = school_commune
        stall.delivery_radius_km = 8
        stall.save(update_fields=["commune", "delivery_radius_km"])
        stalls.append(stall)
    return stalls


def _communes():
    from tenants.models import AdminArea

    here = AdminArea.objects.get(era="current", level="commune", code="28321")
    province = list(
        AdminArea.objects.filter(parent=here.parent, level="commune")
        .exclude(latitude=None)
        .values_list("pk", flat=True)
    )
    far = list(
        AdminArea.objects.filter(era="current", level="commune", parent__code="01")
        .exclude(latitude=None)
        .values_list("pk", flat=True)[:200]
    )
    return province, far


def _orders_reset(stall, count: int, rng: random.Random, near_ids, far_ids) -> None:
    """Delete the stall's bench orders and write ``count`` confirmed, undecided ones."""
    from django.db import connection
    from django.utils import timezone

    from catalog.models import Order, OrderEvent
    from logistics.models import (
        Parcel,
        PostalBatch,
        Route,
        RoutingDecision,
        RunStop,
        SaturdayRun,
    )

    connection.set_tenant(stall)
    for model in (Parcel, PostalBatch, RunStop, Route, SaturdayRun, RoutingDecision, OrderEvent):
        model.objects.all().delete()
    Order.objects.all().delete()
    now = timezone.now()
    orders = []
    for i in range(count):
        phone = f"+8491{rng.randrange(10**7):07d}"
        area = rng.choice(near_ids if rng.random() < 0.5 else far_ids)
        orders.append(
            Order(
                code=f"B{stall.pk:03d}{i:05d}",
                state=Order.State.CONFIRMED,
                recipient_name="Bench",
                phone=phone,
                phone_last4=phone[-4:],
                phone_hash=hashlib.sha256(phone.encode()).hexdigest(),
                commune_id=area,
                address_line="Ấp 1",
                consent_version="1",
                consent_at=now,
            )
        )
    Order.objects.bulk_create(orders, batch_size=1000)
    connection.set_schema_to_public()


def _timed(stalls, work) -> tuple[float, int]:
    from django.db import connection

    done = 0
    start = time.perf_counter()
    for stall in stalls:
        connection.set_tenant(stall)
        done += work()
    connection.set_schema_to_public()
    return time.perf_counter() - start, done


def bench_routing_and_batches(stall_count: int, order_count: int) -> dict:
    from django.db import transaction

    from catalog.models import Order
    from logistics.batches import batch_build
    from logistics.models import Parcel
    from logistics.routing import order_route, orders_route_sweep

    rng = random.Random(20231)
    stalls = _stalls(stall_count)
    near, far = _communes()
    per_stall = order_count // stall_count
    for stall in stalls:
        _orders_reset(stall, per_stall, rng, near, far)

    # Baseline: one conditional UPDATE per order, the floor of any per-order job.
    def touch() -> int:
        ids = list(Order.objects.values_list("pk", flat=True))
        for pk in ids:
            Order.objects.filter(pk=pk, state=Order.State.CONFIRMED).update(note="")
        return len(ids)

    base_s, base_n = _timed(stalls, touch)

    # What the per-order task does (order_route for each id), half the stalls.
    half = stalls[: stall_count // 2]

    def route_each() -> int:
        return sum(
            1 for pk in Order.objects.values_list("pk", flat=True) if order_route(order_id=pk)
        )

    task_s, task_n = _timed(half, route_each)
    # The sweeper (stall zone read once), the other half.
    sweep_s, sweep_n = _timed(stalls[stall_count // 2 :], lambda: orders_route_sweep(limit=10**6))

    # Pack everything, then build batches.
    for stall in stalls:
        from django.db import connection

        connection.set_tenant(stall)
        Order.objects.update(state=Order.State.PACKED)
    from django.db import connection

    connection.set_schema_to_public()

    # Baseline for batches: the naive way, one transaction per order through order_transition.
    from catalog.services import order_transition
    from logistics.batches import batch_draft_get_or_create

    naive_stalls = stalls[:5]

    def naive() -> int:
        batch = batch_draft_get_or_create()
        n = 0
        for order in Order.objects.filter(delivery="post", state=Order.State.PACKED):
            with transaction.atomic():
                Parcel.objects.create(batch=batch, order=order, weight_grams=400, postage=16000)
                order_transition(order=order, to_state=Order.State.ROUTED)
            n += 1
        return n

    naive_s, naive_n = _timed(naive_stalls, naive)
    build_s, build_n = _timed(stalls[5:], lambda: batch_build().parcels.count())
    return {
        "orders": task_n + sweep_n,
        "stalls": stall_count,
        "baseline_update_per_s": base_n / base_s,
        "route_task_per_s": task_n / task_s,
        "route_sweep_per_s": sweep_n / sweep_s,
        "batch_naive_per_s": naive_n / naive_s,
        "batch_build_per_s": build_n / build_s,
        "batch_orders": build_n,
    }


def bench_planning(pairs: int = 10, stops: int = 60) -> dict:
    from logistics.planner import nearest_neighbour_routes, plan_routes

    rng = random.Random(7)
    depot = (10.52, 106.02)
    points = [
        (depot[0] + rng.uniform(-0.05, 0.05), depot[1] + rng.uniform(-0.05, 0.05))
        for _ in range(stops)
    ]
    results = {}
    start = time.perf_counter()
    hand = nearest_neighbour_routes(depot=depot, stops=points, pairs=pairs, capacity=8)
    results["hand_s"] = time.perf_counter() - start
    results["hand_km"] = sum(hand.metres) / 1000
    for label, seconds in (("first", 0), ("gls", 2.0)):
        start = time.perf_counter()
        plan = plan_routes(depot=depot, stops=points, pairs=pairs, capacity=8, seconds=seconds)
        results[f"{label}_s"] = time.perf_counter() - start
        results[f"{label}_km"] = sum(plan.metres) / 1000
        results[f"{label}_dropped"] = len(plan.dropped)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stalls", type=int, default=50)
    parser.add_argument("--orders", type=int, default=10_000)
    args = parser.parse_args()
    _setup()
    _prepare_database()
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    machine = (
        f"{stdlib_platform.machine()}, {os.cpu_count()} cores, Python "
        f"{stdlib_platform.python_version()}"
    )
    plan = bench_planning()
    r = bench_routing_and_batches(args.stalls, args.orders)
    base = r["baseline_update_per_s"]
    print(f"## Logistics ({when}; {machine})")
    print(f"{r['orders']} orders across {r['stalls']} stalls, one process (= one worker).")
    print("| job | orders/s per worker | vs. baseline |")
    print("|---|---|---|")
    print(f"| baseline: one guarded UPDATE per order | {base:,.0f} | 1.00 |")
    print(
        f"| routing, task per order | {r['route_task_per_s']:,.0f} | "
        f"{r['route_task_per_s'] / base:.2f} |"
    )
    print(
        f"| routing, sweeper | {r['route_sweep_per_s']:,.0f} | "
        f"{r['route_sweep_per_s'] / base:.2f} |"
    )
    print(
        f"| batch, naive (transaction per order) | {r['batch_naive_per_s']:,.0f} | "
        f"{r['batch_naive_per_s'] / base:.2f} |"
    )
    print(
        f"| batch_build (chunks of 200) | {r['batch_build_per_s']:,.0f} | "
        f"{r['batch_build_per_s'] / base:.2f} |"
    )
    print()
    print("Route planning, 60 stops, 10 pairs of capacity 8:")
    print("| method | seconds | total km | km vs. by hand |")
    print("|---|---|---|---|")
    print(
        f"| nearest neighbour by hand (baseline) | {plan['hand_s']:.3f} | "
        f"{plan['hand_km']:.1f} | 1.00 |"
    )
    print(
        f"| OR-Tools first solution | {plan['first_s']:.3f} | {plan['first_km']:.1f} | "
        f"{plan['first_km'] / plan['hand_km']:.2f} |"
    )
    print(
        f"| OR-Tools + guided local search (2 s) | {plan['gls_s']:.3f} | "
        f"{plan['gls_km']:.1f} | {plan['gls_km'] / plan['hand_km']:.2f} |"
    )


if __name__ == "__main__":
    main()
