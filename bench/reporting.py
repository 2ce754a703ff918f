"""Benchmark of reporting: one day's rollup over N stalls, and the province dashboard.

    .venv/bin/python -m bench.reporting [--stalls 500] [--days 365]

Uses its own database (the DATABASE_URL's name + "_bench"), made and bootstrapped on
first run and kept for the next (provisioning 500 stalls takes minutes). Writes the
figures into bench/README.md between the reporting markers.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform as std_platform
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "bench" / "README.md"
BEGIN, END = "<!-- reporting:begin -->", "<!-- reporting:end -->"


def _bench_database_url() -> str:
    url = os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/gianhang"
    parts = urlsplit(url)
    name = parts.path.lstrip("/") or "gianhang"
    if not name.endswith("_bench"):
        name += "_bench"
    return urlunsplit(parts._replace(path="/" + name))


def _setup() -> None:
    sys.path[:0] = [str(ROOT / "platform"), str(ROOT)]
    os.environ["DATABASE_URL"] = _bench_database_url()
    os.environ.setdefault("GIANHANG_TESTING", "1")  # dev defaults; never DEBUG (it keeps queries)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gianhang.settings")
    _database_create(os.environ["DATABASE_URL"])
    import django

    django.setup()


def _database_create(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            conn.execute(f'CREATE DATABASE "{name}"')


def stalls_ensure(n: int):
    from django.core.management import call_command
    from django.db import connection
    from tqdm import tqdm

    from tenants.models import Stall, Unit
    from tenants.services import schema_exists, stall_provision, unit_get_or_create

    if not schema_exists("stall_template"):
        call_command("bootstrap", verbosity=0)
    connection.set_schema_to_public()
    province = unit_get_or_create(kind=Unit.Kind.PROVINCE, name="Tỉnh Đoàn Thử Tải", code="bench")
    districts = [
        unit_get_or_create(
            kind=Unit.Kind.DISTRICT,
            name=f"Huyện Đoàn {d + 1:02d}",
            code=f"bench/h{d + 1:02d}",
            parent=province,
        )
        for d in range(10)
    ]
    have = set(Stall.objects.filter(slug__startswith="bench-").values_list("slug", flat=True))
    missing = [i for i in range(n) if f"bench-{i:04d}" not in have]
    started = time.perf_counter()
    for i in tqdm(missing, desc="provisioning", unit="stall", disable=not missing):
        stall_provision(
            slug=f"bench-{i:04d}",
            name=f"Đoàn trường {i:04d}",
            parent_unit=districts[i % len(districts)],
        )
    provision_seconds = time.perf_counter() - started
    stalls = list(
        Stall.objects.filter(slug__in=[f"bench-{i:04d}" for i in range(n)]).order_by("pk")
    )
    return province, districts, stalls, (provision_seconds / len(missing) if missing else None)


def stall_rows_ensure(districts, real, total: int):
    """Top up to ``total`` stalls for the dashboard with stall rows that have no schema.

    Dashboards read only public facts, so a stall's schema plays no part in their timing;
    this keeps the dashboard measurement at full size when fewer real stalls were made.
    """
    from tenants.models import Stall, Unit
    from tenants.services import unit_get_or_create

    rows = list(real)
    existing = {s.slug: s for s in Stall.objects.filter(slug__startswith="bench-row-")}
    for i in range(max(0, total - len(real))):
        slug = f"bench-row-{i:04d}"
        stall = existing.get(slug)
        if stall is None:
            parent = districts[i % len(districts)]
            unit = unit_get_or_create(
                kind=Unit.Kind.SCHOOL,
                name=f"Đoàn trường R{i:04d}",
                code=f"{parent.code}/{slug}",
                parent=parent,
            )
            stall = Stall(
                schema_name=Stall.schema_for_slug(slug),
                slug=slug,
                name=f"Đoàn trường R{i:04d}",
                unit=unit,
            )
            stall.auto_create_schema = False
            stall.save()
        rows.append(stall)
    # Rows left from an earlier run with fewer real stalls would swell the province.
    extra = Stall.objects.filter(slug__startswith="bench-row-").exclude(pk__in=[s.pk for s in rows])
    extra_units = list(extra.values_list("unit_id", flat=True))
    for stall in extra:
        stall.delete()
    Unit.objects.filter(pk__in=extra_units).delete()
    return rows


def day_seed(stalls, day: dt.date) -> None:
    """A busy Saturday in every stall: items, donations, 15 orders through every state."""
    from django.db import connection
    from django.utils import timezone
    from tqdm import tqdm

    from catalog.models import Category, Donation, DonationLine, Item, Order, OrderEvent, OrderLine

    tz = timezone.get_default_timezone()
    at = timezone.make_aware(dt.datetime.combine(day, dt.time(9)), tz)
    states = ["placed", "cancelled", "delivered", "handed_to_post", "failed"]
    for stall in tqdm(stalls, desc="seeding one day", unit="stall"):
        connection.set_tenant(stall)
        if Order.objects.filter(placed_at__date=day).exists():
            continue
        category = Category.objects.first() or Category.objects.create(
            name="Quần áo", slug="quan-ao"
        )
        items = Item.objects.bulk_create(
            [Item(category=category, title=f"Món {k}", available=50) for k in range(20)]
        )
        Item.objects.filter(pk__in=[i.pk for i in items]).update(created_at=at)
        donation = Donation.objects.create(received_on=day, donor_name="")
        DonationLine.objects.bulk_create(
            [DonationLine(donation=donation, item=i, quantity=5) for i in items[:5]]
        )
        orders = Order.objects.bulk_create(
            [
                Order(
                    code=f"B{stall.pk:04d}{k:03d}{day:%m%d}",
                    recipient_name="x",
                    phone=f"+8490{k:07d}",
                    phone_last4=f"{k:04d}",
                    phone_hash=f"{stall.pk:08x}{k:056x}",
                    address_line="x",
                    consent_version="1",
                    consent_at=at,
                    state=states[k % 5],
                    delivery="post" if k % 2 else "volunteer",
                )
                for k in range(15)
            ]
        )
        Order.objects.filter(pk__in=[o.pk for o in orders]).update(placed_at=at)
        OrderLine.objects.bulk_create(
            [OrderLine(order=o, item=items[k], quantity=1) for k, o in enumerate(orders)]
        )
        events = OrderEvent.objects.bulk_create(
            [
                OrderEvent(order=o, from_state="placed", to_state=o.state)
                for o in orders
                if o.state != "placed"
            ]
        )
        OrderEvent.objects.filter(pk__in=[e.pk for e in events]).update(at=at)
    connection.set_schema_to_public()


def facts_synthesise(stalls, end: dt.date, days: int) -> None:
    """Facts for every stall and day of the period, written straight into the public table.

    Recipient sketches are drawn as real ones are: a uniform register and a geometric rank
    (1 + the leading zeros of a hash), at most 54.
    """
    from django.db import connection

    start = end - dt.timedelta(days=days - 1)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM reporting_dailyfact WHERE day BETWEEN %s AND %s "
            "AND stall_id = ANY(%s)",
            [start, end, [s.pk for s in stalls]],
        )
        complete = cursor.fetchone()[0] >= len(stalls) * days
        cursor.execute(
            "SELECT count(DISTINCT stall_id) FROM reporting_monthlyfact WHERE stall_id = ANY(%s)",
            [[s.pk for s in stalls]],
        )
        if complete and cursor.fetchone()[0] >= len(stalls):
            return
        cursor.execute(
            """
            INSERT INTO reporting_dailyfact (stall_id, day, items_received, items_listed, items_given,
                donations, orders_placed, orders_delivered_volunteer, orders_posted,
                orders_delivered_post, orders_failed, orders_cancelled, recipients,
                recipients_sketch, volunteers, volunteer_hours, computed_at)
            SELECT s, d::date, (random()*20)::int, (random()*5)::int, (random()*15)::int,
                (random()*2)::int, r, (r * 0.5)::int, (r * 0.3)::int, (r * 0.2)::int,
                (random())::int, (random())::int, r,
                ARRAY(SELECT (floor(random() * 1024) * 64
                      + least(54, 1 + floor(-ln(1 - random()) / ln(2))))::int
                      FROM generate_series(1, r)),
                (random()*6)::int, (random()*12)::numeric(9,2), now()
            FROM unnest(%s::bigint[]) AS s,
                 generate_series(%s::date, %s::date, interval '1 day') AS d,
                 LATERAL (SELECT (random()*8)::int + (s * 0) AS r) AS rr
            ON CONFLICT (stall_id, day) DO NOTHING
        """,
            [[s.pk for s in stalls], start, end],
        )
    from tqdm import tqdm

    from reporting.services import facts_months_refresh

    for stall in tqdm(stalls, desc="monthly rows", unit="stall"):
        facts_months_refresh(stall_id=stall.pk, since=start, until=end)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE reporting_dailyfact")
        cursor.execute("ANALYZE reporting_monthlyfact")


def units_preaggregate(province, end: dt.date, days: int) -> float | None:
    """Unit rows for the synthetic year, as the rollup keeps them; seconds taken (None if
    they were already there)."""
    from django.db import connection

    from reporting.models import UnitDailyFact
    from reporting.unit_rollup import unit_facts_refresh
    from tenants.models import Unit

    start = end - dt.timedelta(days=days - 1)
    units = list(Unit.objects.filter(path__startswith=province.path).values_list("pk", flat=True))
    have = UnitDailyFact.objects.filter(unit=province, day__range=(start, end)).count()
    have_all = UnitDailyFact.objects.filter(unit_id__in=units, day=end).count()
    if have == days and have_all == len(units):
        return None
    started = time.perf_counter()
    unit_facts_refresh(unit_ids=units, since=start, until=end)
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE reporting_unitdailyfact")
        cursor.execute("ANALYZE reporting_unitmonthlyfact")
    return seconds


def _timed(fn, repeat: int = 1) -> list[float]:
    out = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        out.append(time.perf_counter() - started)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--stalls", type=int, default=500, help="real stalls (with schemas) for the rollup"
    )
    parser.add_argument(
        "--dashboard-stalls",
        type=int,
        default=500,
        help="stalls in the dashboard's province (topped up with schema-less rows)",
    )
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args(argv)
    _setup()

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from reporting.services import facts_rollup
    from tenants.models import Membership
    from tenants.services import membership_grant

    province, districts, stalls, provision_each = stalls_ensure(args.stalls)
    today = timezone.localdate()
    bench_day = today - dt.timedelta(days=1)
    day_seed(stalls, bench_day)

    # Baseline: the bare cost of visiting every stall's schema (switch + one query).
    def visit_all():
        for stall in stalls:
            connection.set_tenant(stall)
            with connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM catalog_order")
        connection.set_schema_to_public()

    visit = min(_timed(visit_all, 3))
    rollup_runs = _timed(lambda: facts_rollup(since=bench_day, until=bench_day, stalls=stalls), 2)
    rollup = min(rollup_runs)

    board_stalls = stall_rows_ensure(districts, stalls, args.dashboard_stalls)
    facts_synthesise(board_stalls, bench_day, args.days)
    preaggregate = units_preaggregate(province, bench_day, args.days)
    User = get_user_model()
    officer = User.objects.filter(
        username="bench-province@example.vn"
    ).first() or User.objects.create_user(username="bench-province@example.vn")
    officer.set_password("bench-mat-khau-dai-123")
    officer.save()
    membership_grant(user=officer, unit=province, role=Membership.Role.PROVINCE_OFFICER)
    client = Client(HTTP_HOST="localhost")
    # Through the real login page: sessions are bound to the host they were made on.
    client.post(
        "/accounts/login/", {"username": officer.username, "password": "bench-mat-khau-dai-123"}
    )
    url = f"/bao-cao/don-vi/{province.pk}/"
    for query in ("?ky=30", "?ky=365", ""):
        response = client.get(url + query)  # warm-up and check
        assert response.status_code == 200, (query, response.status_code, response.content[:300])
    from reporting.dashboards import facts_version_bump

    def cold(path):
        # A new facts version before each request: the board is built, not read from cache.
        def run():
            facts_version_bump()
            client.get(path)

        return statistics.median(_timed(run, args.repeat))

    def warm(path):
        client.get(path)
        return statistics.median(_timed(lambda: client.get(path), args.repeat))

    baseline = statistics.median(_timed(lambda: client.get("/bao-cao/"), args.repeat))

    from reporting.dashboards import dashboard_build
    from reporting.periods import period_from_preset

    def built(preset: str, unit=None):
        # Server time of the build alone: the reads and the suppression, no HTTP, no cache.
        period = period_from_preset(preset, today)
        return statistics.median(
            _timed(
                lambda: dashboard_build(unit=unit or province, period=period, exact=False),
                args.repeat,
            )
        )

    b30, b365 = built("30"), built("365")
    b_district = built("365", province.children.order_by("pk").first())
    district = province.children.order_by("pk").first()
    d30, d365 = cold(url + "?ky=30"), cold(url + "?ky=365")
    d_district = cold(f"/bao-cao/don-vi/{district.pk}/?ky=365")
    w30, w365 = warm(url + "?ky=30"), warm(url + "?ky=365")
    csv_time = cold(url + "bao-cao.csv?ky=365")
    rows = connection.cursor()
    rows.execute(
        "SELECT count(*), count(DISTINCT stall_id) FROM reporting_dailyfact f "
        "JOIN tenants_stall s ON s.id = f.stall_id JOIN tenants_unit u ON u.id = s.unit_id "
        "WHERE u.path LIKE %s",
        [province.path + "%"],
    )
    fact_rows, stalls_with_facts = rows.fetchone()
    assert stalls_with_facts == len(board_stalls), (stalls_with_facts, len(board_stalls))

    n, nb = len(stalls), len(board_stalls)
    lines = [
        BEGIN,
        "## Reporting",
        "",
        f"`.venv/bin/python -m bench.reporting --stalls {args.stalls} --dashboard-stalls "
        f"{args.dashboard_stalls} --days {args.days}` — "
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores "
        f"({std_platform.machine()}, shared with other work), PostgreSQL and Redis local.",
        "",
        "| measure | time | ratio to its baseline |",
        "|---|---|---|",
        f"| baseline: visit {n} stall schemas (switch + one count) | {visit:.2f} s | 1.0 |",
        f"| rollup of one day, {n} stalls (15 orders, 20 items, 1 donation each) | "
        f"{rollup:.1f} s total, {rollup / n * 1000:.0f} ms per stall | {rollup / visit:.1f}× |",
        f"| baseline: `/bao-cao/` (membership lookup and redirect, same middleware and login) | "
        f"{baseline * 1000:.0f} ms | 1.0 |",
        f"| **province dashboard built, last 30 days: server time of the build** ({nb} stalls, "
        f"{fact_rows:,} daily fact rows) | **{b30 * 1000:.0f} ms** | {b30 / baseline:.1f}× |",
        f"| **province dashboard built, last 12 months: server time of the build** | "
        f"**{b365 * 1000:.0f} ms** | {b365 / baseline:.1f}× |",
        f"| district dashboard built, last 12 months: server time of the build | "
        f"{b_district * 1000:.0f} ms | {b_district / baseline:.1f}× |",
        f"| province dashboard, last 30 days, built, whole request | "
        f"{d30 * 1000:.0f} ms | {d30 / baseline:.1f}× |",
        f"| province dashboard, last 12 months, built, whole request | {d365 * 1000:.0f} ms | "
        f"{d365 / baseline:.1f}× |",
        f"| district dashboard ({nb // 10} stalls), last 12 months, built, whole request | "
        f"{d_district * 1000:.0f} ms | {d_district / baseline:.1f}× |",
        f"| province dashboard, last 30 days, from cache | {w30 * 1000:.0f} ms | {w30 / baseline:.1f}× |",
        f"| province dashboard, last 12 months, from cache | {w365 * 1000:.0f} ms | {w365 / baseline:.1f}× |",
        f"| province CSV export, last 12 months, built | {csv_time * 1000:.0f} ms | {csv_time / baseline:.1f}× |",
        "",
        f"Goals: rollup of 500 stalls under 2 minutes ({'met' if rollup / n * 500 < 120 else 'NOT met'}"
        f"{'' if n >= 500 else f', extrapolated: {rollup / n * 500:.0f} s for 500 at the measured rate'}); "
        f"province dashboard built in at most 100 ms of server time "
        f"({'met' if max(b30, b365) <= 0.1 else 'NOT met'}: {b30 * 1000:.0f} ms for 30 days, "
        f"{b365 * 1000:.0f} ms for 12 months; the whole request, login check, template and "
        f"all, {d30 * 1000:.0f} and {d365 * 1000:.0f} ms); from cache under 300 ms "
        f"({'met' if max(w30, w365) < 0.3 else 'NOT met'}). Load average during the run: "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores. Medians of {args.repeat} "
        "requests through Django's test client (whole stack but the network). Rollup: the best "
        "of 2 runs (the second is an idempotent re-run of the same day)."
        + (
            f" Provisioning a stall by cloning took {provision_each:.2f} s each."
            if provision_each
            else ""
        ),
        "Dashboards read facts pre-aggregated by unit and by day and month at rollup time "
        "(a year of a province is about a dozen rows per district)"
        + (
            f"; pre-aggregating the synthetic year for every unit of the province took "
            f"{preaggregate:.0f} s"
            if preaggregate
            else ""
        )
        + ". The dashboard's facts are synthetic (random counts and recipient sketches written "
        "straight into the public table)"
        + (
            f", for {n} real stalls and {nb - n} stall rows without a schema (dashboards read "
            "public facts only)"
            if nb > n
            else ""
        )
        + "; the rollup's day is real rows in every real stall's schema.",
        END,
    ]
    _readme_write("\n".join(lines))
    print("\n".join(lines[5:20]))
    return 0


def _readme_write(section: str) -> None:
    text = README.read_text() if README.exists() else "# Benchmarks\n"
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        text = head + section + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    README.write_text(text)


if __name__ == "__main__":
    random.seed(1)
    sys.exit(main())
