"""The production topology, run for real: Caddy → gunicorn → PgBouncer → PostgreSQL, Redis.

One stack (``deploy/prod_local.py``, what ``make prod-local`` runs) serves the module: a
throwaway PostgreSQL cluster and Redis, never the machine's servers. Clients connect from
chosen loopback addresses (127.0.0.2, 127.0.0.3, …) and resolve *.gianhang.test to
127.0.0.1 themselves, with TLS checked against the stack's own CA.
"""

# ruff: noqa: S608 - SQL over the two fixed stall schemas of this test

from __future__ import annotations

import http.client
import itertools
import json
import random
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest

from tests.deploy.conftest import DEPLOY

sys.path.append(str(DEPLOY))
import prod_local  # noqa: E402  (deploy/ is a folder of files, not a package)

pytestmark = [pytest.mark.slow]

A, B = "127.0.0.2", "127.0.0.3"
STALLS = ("truong-a", "truong-b")
ORDER_LIMIT_PER_IP = 3
PHONES = itertools.count(1)
CANARY = {slug: f"CANARY-{slug.upper()}-{n}" for n, slug in enumerate(STALLS)}


def phone_new() -> str:
    return f"090{next(PHONES) + 1000000:07d}"


# --- a small HTTPS client that chooses its source address and resolves names itself ------
class LoopbackHTTPS(http.client.HTTPSConnection):
    """Connects to 127.0.0.1 from ``source`` whatever the name; SNI and Host stay the name."""

    def __init__(self, host: str, port: int, *, source: str, context, timeout: float = 30):
        super().__init__(host, port, context=context, timeout=timeout, source_address=(source, 0))

    def connect(self):
        raw = socket.create_connection(("127.0.0.1", self.port), self.timeout, self.source_address)
        self.sock = self._context.wrap_socket(raw, server_hostname=self.host)


class LoopbackHTTP(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, *, source: str, timeout: float = 30):
        super().__init__(host, port, timeout=timeout, source_address=(source, 0))

    def connect(self):
        self.sock = socket.create_connection(
            ("127.0.0.1", self.port), self.timeout, self.source_address
        )


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: str

    def json(self):
        return json.loads(self.body)


@dataclass
class Visitor:
    """One phone: a source address, a host, a cookie jar, one kept-alive connection."""

    stack: prod_local.Stack
    host: str
    source: str
    cookies: dict[str, str] = field(default_factory=dict)
    connection: http.client.HTTPConnection | None = None

    def _connect(self) -> http.client.HTTPConnection:
        if self.connection is None:
            self.connection = LoopbackHTTPS(
                self.host,
                self.stack.https_port,
                source=self.source,
                context=self.stack.tls_context(),
            )
        return self.connection

    def request(self, method: str, path: str, *, body=None, headers=None) -> Answer:
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if isinstance(body, dict):
            body, headers["Content-Type"] = json.dumps(body), "application/json"
        for attempt in (1, 2):
            connection = self._connect()
            try:
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                text = response.read().decode("utf-8", "replace")
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # A kept-alive connection the proxy closed meanwhile: reconnect once.
                self.close()
                if attempt == 2:
                    raise
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                self.cookies[name] = morsel.value
        return Answer(response.status, response.headers, text)

    def get(self, path: str, **kw) -> Answer:
        return self.request("GET", path, **kw)

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


# --- the stack --------------------------------------------------------------------------
SETUP = """
import json
from django.db import connection
from tenants.models import Stall
from tests.catalog.factories import item_make

items = {}
for slug, canary in CANARIES.items():
    connection.set_tenant(Stall.objects.get(slug=slug))
    first = item_make(title=canary, quantity=400)
    others = [item_make(title=f"Áo đồng phục cỡ {n}", quantity=400).pk for n in range(3)]
    items[slug] = [first.pk, *others]
    connection.set_schema_to_public()
print("ITEMS=" + json.dumps(items))
"""


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    missing = prod_local.missing_packages()
    if missing:
        try:
            prod_local.install_missing()
        except (prod_local.StackError, subprocess.CalledProcessError) as error:
            pytest.skip(f"caddy/pgbouncer/redis/postgresql missing and not installable: {error}")
    for source in (A, B):
        try:
            with socket.socket() as probe:
                probe.bind((source, 0))
        except OSError:
            pytest.skip(f"cannot bind {source} on this machine's loopback")
    stack = prod_local.Stack(
        extra_env={
            "GIANHANG_ORDER_LIMIT_PER_IP": str(ORDER_LIMIT_PER_IP),
            "GIANHANG_LOGIN_FAILURE_LIMIT": "5",
            # Many distinct load phones: each first order waits for an officer, none refused.
            "GIANHANG_ORDER_LIMIT_PER_PHONE": "5",
        },
        log=lambda line: None,
    )
    try:
        stack.start()
    except prod_local.StackError:
        shutil.rmtree(stack.dir, ignore_errors=True)
        raise
    try:
        stack.gianhang(
            "shell",
            "-c",
            "from tenants.services import unit_get_or_create; "
            "unit_get_or_create(kind='province', name='Tỉnh Đoàn Tiền Giang', code='tien-giang')",
        )
        stack.officers = {}
        for slug in STALLS:
            created = stack.gianhang(
                "stall",
                "create",
                "--slug",
                slug,
                "--name",
                f"Đoàn trường {slug}",
                "--parent-unit",
                "tien-giang",
                "--commune-code",
                "28327",
                "--officer-email",
                f"bithu@{slug}.edu.vn",
            ).stdout
            password = re.search(r"mật khẩu tạm[^:]*: (\S+)", created).group(1)
            stack.officers[slug] = (f"bithu@{slug}.edu.vn", password)
        setup = SETUP.replace("CANARIES", repr(CANARY))
        out = stack.gianhang("shell", "-c", setup)
        stack.items = json.loads(re.search(r"^ITEMS=(.*)$", out.stdout, re.M).group(1))
        yield stack
    finally:
        stack.stop()
        shutil.rmtree(stack.dir, ignore_errors=True)


def order_body(items: list[int], *, phone: str | None = None) -> dict:
    return {
        "lines": [{"item": random.choice(items[1:]), "quantity": 1}],
        "name": "Nguyễn Thị Hồng",
        "phone": phone or phone_new(),
        "commune_code": "28327",
        "address_line": "Ấp Tân Hòa, tổ 3",
        "consent": True,
    }


def sql(stack: prod_local.Stack, query: str) -> list[list[str]]:
    """Ask PostgreSQL itself (not through the app), as an operator with psql would."""
    result = subprocess.run(
        [prod_local.postgres_bin("psql"), stack.database_url, "-tAF", "\t", "-c", query],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return [line.split("\t") for line in result.stdout.splitlines() if line]


def schema_of(slug: str) -> str:
    return "stall_" + slug.replace("-", "_")


# --- through Caddy over HTTPS --------------------------------------------------------------
def test_public_host_and_two_stalls_answer_over_https_from_the_stack_ca(stack):
    public = Visitor(stack, stack.host(), A).get("/")
    assert public.status == 200
    assert "max-age=31536000" in public.headers["Strict-Transport-Security"]
    for slug in STALLS:
        page = Visitor(stack, stack.host(slug), A).get("/hang/")
        assert page.status == 200, page.body[:500]
        assert CANARY[slug] in page.body
        assert page.headers["Server"].startswith("Caddy") or "Caddy" in str(page.headers)


def test_plain_http_is_redirected_to_https_by_the_proxy(stack):
    connection = LoopbackHTTP(stack.host(STALLS[0]), stack.http_port, source=A)
    connection.request("GET", "/hang/?trang=2")
    answer = connection.getresponse()
    assert answer.status == 308
    # On the port the proxy serves HTTPS on, not a bare host that would reach port 443.
    assert answer.headers["Location"] == (
        f"https://{stack.host(STALLS[0])}:{stack.https_port}/hang/?trang=2"
    )


def test_cookies_are_secure_host_only_and_http_only(stack):
    login = Visitor(stack, stack.host(STALLS[0]), A).get("/dang-nhap/")
    assert login.status == 200
    cookies = login.headers.get_all("Set-Cookie")
    csrf = next(c for c in cookies if c.startswith("csrftoken="))
    assert "Secure" in csrf
    assert "HttpOnly" in csrf
    assert "Domain=" not in csrf  # host-only: never sent to another stall's host


def test_checkouts_from_two_addresses_land_in_two_per_ip_buckets(stack):
    slug = STALLS[0]
    items = stack.items[slug]
    a = Visitor(stack, stack.host(slug), A)
    for _ in range(ORDER_LIMIT_PER_IP):
        placed = a.request("POST", "/api/v1/orders/", body=order_body(items))
        assert placed.status == 201, placed.body
    refused = a.request("POST", "/api/v1/orders/", body=order_body(items))
    assert refused.status == 429
    assert int(refused.headers["Retry-After"]) <= 60
    # A spoofed X-Forwarded-For through the proxy changes nothing: Caddy replaces it.
    for claimed in (B, "203.0.113.9", f"203.0.113.9, {B}"):
        spoofed = a.request(
            "POST", "/api/v1/orders/", body=order_body(items), headers={"X-Forwarded-For": claimed}
        )
        assert spoofed.status == 429, claimed
    b = Visitor(stack, stack.host(slug), B)
    assert b.request("POST", "/api/v1/orders/", body=order_body(items)).status == 201


def test_a_client_talking_to_gunicorn_directly_cannot_choose_its_address_or_scheme(stack):
    marker = f"/hang/?direct={random.randrange(10**9)}"
    direct = LoopbackHTTP(stack.host(STALLS[1]), stack.web_port, source=A)
    direct.request(
        "GET",
        marker,
        headers={"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"},
    )
    answer = direct.getresponse()
    # Not from the proxy: the claimed HTTPS is not believed, so Django sends it to HTTPS.
    assert answer.status == 301
    assert answer.headers["Location"].startswith("https://")
    # And the access log names the real peer, not the claimed address.
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        lines = [
            json.loads(line)
            for line in stack.log_tail("gunicorn", 400).splitlines()
            if line.startswith("{") and '"gianhang.access"' in line
        ]
        hits = [entry for entry in lines if entry["message"].startswith("GET /hang/ 301")]
        if hits:
            break
        time.sleep(0.3)
    assert hits, "no access log line for the direct request"
    assert {entry["client_ip"] for entry in hits} == {A}


def _login(visitor: Visitor, username: str, password: str, **headers: str) -> Answer:
    page = visitor.get("/dang-nhap/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.body).group(1)
    origin = f"https://{visitor.host}:{visitor.stack.https_port}"
    return visitor.request(
        "POST",
        "/dang-nhap/",
        body=urlencode({"username": username, "password": password, "csrfmiddlewaretoken": token}),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": origin,
            "Referer": origin + "/dang-nhap/",
            **headers,
        },
    )


def test_wrong_passwords_from_a_do_not_lock_out_the_officer_signing_in_from_b(stack):
    slug = STALLS[1]
    username, password = stack.officers[slug]
    attacker = Visitor(stack, stack.host(slug), A)
    for n in range(5):
        # Each try claims to come from B: the proxy overwrites that, B is not blamed.
        wrong = _login(attacker, username, f"sai-mat-khau-{n}", **{"X-Forwarded-For": B})
        assert wrong.status in (200, 429), wrong.status
    # The attacker is locked out now, even with the right password and a forged address…
    locked = _login(attacker, username, password)
    assert locked.status == 429
    # …but the officer at another address signs in through the real form.
    officer = Visitor(stack, stack.host(slug), B)
    signed_in = _login(officer, username, password)
    assert signed_in.status == 302, signed_in.body[:400]
    session = next(c for c in signed_in.headers.get_all("Set-Cookie") if c.startswith("sessionid="))
    assert "Secure" in session
    assert "HttpOnly" in session
    assert "Domain=" not in session


# --- through PgBouncer, under load ---------------------------------------------------------
@dataclass
class LoadReport:
    answers: list[tuple[float, str, int]] = field(default_factory=list)  # (time, slug, status)
    durations: list[float] = field(default_factory=list)
    first_5xx: str = ""  # who answered it (Caddy or Django) and what it said
    failures: list[tuple[float, str, str]] = field(default_factory=list)  # no HTTP answer
    leaks: list[str] = field(default_factory=list)
    orders: dict[str, set[str]] = field(default_factory=dict)  # slug -> codes answered 201
    lock: threading.Lock = field(default_factory=threading.Lock)


def _client_loop(stack, slug: str, source: str, until: float, report: LoadReport) -> None:
    other = CANARY[STALLS[1 - STALLS.index(slug)]]
    visitor = Visitor(stack, stack.host(slug), source)
    items = stack.items[slug]
    pages = ["/", "/hang/", "/api/v1/items/", f"/hang/{items[0]}/", "/api/v1/categories/"]
    orders_left = 2
    rng = random.Random(f"{slug}{source}")
    while time.monotonic() < until:
        started = time.monotonic()
        try:
            if orders_left and rng.random() < 0.15:
                answer = visitor.request("POST", "/api/v1/orders/", body=order_body(items))
                if answer.status == 201:
                    orders_left -= 1
                    with report.lock:
                        report.orders.setdefault(slug, set()).add(answer.json()["code"])
            else:
                answer = visitor.get(rng.choice(pages))
        except (OSError, http.client.HTTPException) as error:
            with report.lock:
                report.failures.append((time.monotonic(), slug, repr(error)))
            visitor.close()
            time.sleep(0.2)
            continue
        with report.lock:
            report.answers.append((time.monotonic(), slug, answer.status))
            report.durations.append(time.monotonic() - started)
            if answer.status >= 500 and not report.first_5xx:
                report.first_5xx = (
                    f"{answer.status} {answer.headers.get_all('Server')} {answer.body[:200]!r}"
                )
            if other in answer.body:
                report.leaks.append(f"{slug} showed {other}")
    visitor.close()


def run_load(stack, seconds: float, *, network: int, during=None) -> LoadReport:
    """2 stalls × 20 clients, each from its own loopback address, for ``seconds``."""
    report = LoadReport()
    until = time.monotonic() + seconds
    threads = [
        threading.Thread(
            target=_client_loop,
            args=(stack, slug, f"127.{network}.{s}.{n + 1}", until, report),
            daemon=True,
        )
        for s, slug in enumerate(STALLS)
        for n in range(20)
    ]
    for thread in threads:
        thread.start()
    if during is not None:
        during()
    for thread in threads:
        thread.join(timeout=seconds + 120)
    assert not any(thread.is_alive() for thread in threads)
    return report


def figures(report: LoadReport, seconds: float) -> str:
    durations = sorted(report.durations) or [0.0]
    statuses: dict[int, int] = {}
    for _, _, status in report.answers:
        statuses[status] = statuses.get(status, 0) + 1
    return (
        f"{len(report.answers)} answers in {seconds:.0f} s "
        f"({len(report.answers) / seconds:.1f}/s), statuses {dict(sorted(statuses.items()))}, "
        f"p50 {durations[len(durations) // 2] * 1000:.0f} ms, "
        f"p95 {durations[int(len(durations) * 0.95)] * 1000:.0f} ms, "
        f"orders {sum(len(c) for c in report.orders.values())}, "
        f"no answer {len(report.failures)}"
    )


def assert_orders_whole(stack, report: LoadReport) -> None:
    """Every answered order is in its own stall's schema only, whole; ledgers add up."""
    for s, slug in enumerate(STALLS):
        mine, theirs = schema_of(slug), schema_of(STALLS[1 - s])
        codes = report.orders.get(slug, set())
        stored = {row[0] for row in sql(stack, f"SELECT code FROM {mine}.catalog_order")}
        elsewhere = {row[0] for row in sql(stack, f"SELECT code FROM {theirs}.catalog_order")}
        assert codes <= stored, f"{len(codes - stored)} answered orders missing in {slug}"
        assert not codes & elsewhere, f"orders of {slug} written into the other stall"
        # No half-written order: each has lines, and reservations matching its lines.
        half = sql(
            stack,
            f"SELECT o.code FROM {mine}.catalog_order o "
            f"LEFT JOIN {mine}.catalog_orderline l ON l.order_id = o.id "
            f"GROUP BY o.code HAVING count(l.id) = 0",
        )
        assert half == []
        mismatched = sql(
            stack,
            f"SELECT o.code FROM {mine}.catalog_order o WHERE o.state <> 'cancelled' AND "
            f"(SELECT coalesce(sum(quantity), 0) FROM {mine}.catalog_orderline l "
            f" WHERE l.order_id = o.id) <> "
            f"(SELECT -coalesce(sum(quantity), 0) FROM {mine}.catalog_stockentry e "
            f" WHERE e.order_id = o.id AND e.kind = 'reservation')",
        )
        assert mismatched == []
        # Each item's available count is exactly the sum of its ledger.
        drift = sql(
            stack,
            f"SELECT i.id, i.available, coalesce(sum(e.quantity), 0) FROM {mine}.catalog_item i "
            f"LEFT JOIN {mine}.catalog_stockentry e ON e.item_id = i.id "
            f"GROUP BY i.id, i.available HAVING i.available <> coalesce(sum(e.quantity), 0)",
        )
        assert drift == []


def test_two_stalls_under_load_through_pgbouncer_never_mix_and_never_fail(stack):
    config = {row[0]: row[1] for row in _pgbouncer_show(stack, "CONFIG")}
    assert config["pool_mode"] == "session"
    assert config["server_reset_query"] == "DISCARD ALL"
    # Not PgBouncer's defaults: proof that the shared pgbouncer.ini was the one read.
    assert config["ignore_startup_parameters"] == "extra_float_digits,options"
    assert config["server_login_retry"] == "1"

    report = run_load(stack, 30, network=10)
    print("\nload, 2 stalls x 20 clients:", figures(report, 30))

    statuses = [status for _, _, status in report.answers]
    assert len(statuses) > 100, f"only {len(statuses)} answers in 30 s"
    assert not [s for s in statuses if s >= 500], f"5xx under load: {report.first_5xx}"
    assert not report.failures, report.failures[:5]
    assert report.leaks == []
    assert sum(len(c) for c in report.orders.values()) >= 20
    assert_orders_whole(stack, report)
    # Every server connection PgBouncer hands out starts clean (DISCARD ALL): no
    # search_path survives from one client to the next.
    assert sql(stack, "SHOW search_path") == [['"$user", public']]


def _pgbouncer_show(stack, what: str) -> list[list[str]]:
    url = stack.database_url.rsplit("/", 1)[0] + "/pgbouncer"
    result = subprocess.run(
        [prod_local.postgres_bin("psql"), url, "-tAF", "\t", "-c", f"SHOW {what}"],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    return [line.split("\t") for line in result.stdout.splitlines() if line]


def _server_errors_logged(stack) -> str:
    """The end of the last 500 gunicorn logged, to say what failed when a 500 slips out."""
    log = (stack.dir / "logs" / "gunicorn.log").read_text(errors="replace")
    errors = [line for line in log.splitlines() if '"status_code": 500' in line]
    return errors[-1][-1500:] if errors else "no 500 in gunicorn's log"


def test_redis_and_postgres_restarts_under_load_lose_no_order(stack):
    web, worker = stack.processes["gunicorn"], stack.processes["worker"]
    marks: dict[str, float] = {}

    def restarts():
        time.sleep(6)
        marks["redis"] = time.monotonic()
        stack.redis_restart()
        time.sleep(6)
        marks["postgres"] = time.monotonic()
        stack.postgres_restart()
        marks["back"] = time.monotonic()

    report = run_load(stack, 35, network=20, during=restarts)
    troubled = [at for at, _, status in report.answers if status >= 500]
    troubled += [at for at, _, _ in report.failures]
    print("\nload with restarts:", figures(report, 35))
    if troubled:
        print(
            f"errors from {min(troubled) - marks['redis']:+.1f} s to "
            f"{max(troubled) - marks['redis']:+.1f} s after Redis's restart "
            f"(PostgreSQL's at {marks['postgres'] - marks['redis']:+.1f} s, "
            f"back at {marks['back'] - marks['redis']:+.1f} s)"
        )

    assert web.poll() is None
    assert stack.processes["gunicorn"] is web
    assert stack.processes["worker"] is worker
    assert report.leaks == []
    # While PostgreSQL is away the answer is "busy, try again" (503), never a bare 500.
    assert {status for _, _, status in report.answers if status >= 500} <= {503}, (
        report.first_5xx,
        sorted(
            {
                (round(at - marks["back"], 1), status)
                for at, _, status in report.answers
                if status >= 500
            }
        )[:20],
        _server_errors_logged(stack),
    )
    # Errors only around PostgreSQL's restart; the last stretch is clean again.
    settled = marks["back"] + 8
    late = [status for at, _, status in report.answers if at > settled]
    assert late, "no answers after the restarts"
    assert not [s for s in late if s >= 500]
    assert not [f for f in report.failures if f[0] > settled]
    assert_orders_whole(stack, report)
    # The worker lived through both restarts, without being restarted. An acknowledgement
    # that reached the connection closed by Redis's restart is logged, not fatal
    # (gianhang/broker.py); print how many there were, the case the guard exists for.
    worker_log = (stack.dir / "logs" / "worker.log").read_text(errors="replace")
    print("acknowledgements refused on the closed connection:", worker_log.count("Couldn't ack"))
    assert worker.poll() is None, stack.log_tail("worker", 80)
    # The worker is back on Redis: an officer confirms an order, the worker routes it.
    slug = STALLS[0]
    code = sorted(report.orders[slug])[-1]
    stack.gianhang(
        "shell",
        "-c",
        "from django.db import connection; from tenants.models import Stall; "
        "from catalog.models import Order; from catalog.services import order_transition; "
        f"connection.set_tenant(Stall.objects.get(slug='{slug}')); "
        f"o = Order.objects.get(code='{code}'); "
        "o.state == 'placed' and order_transition(order=o, to_state='confirmed')",
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        routed = sql(
            stack, f"SELECT delivery FROM {schema_of(slug)}.catalog_order WHERE code = '{code}'"
        )
        if routed and routed[0][0]:
            break
        time.sleep(1)
    assert routed[0][0], "the worker did not route a confirmed order after the restarts"


# --- the runbook against the stack ----------------------------------------------------------
def test_runbook_backup_and_one_stall_restore_run_against_the_stack(stack, tmp_path):
    dump = stack.dir / "backup-truong-a.dump"
    whole = stack.dir / "gianhang.dump"
    subprocess.run(
        [prod_local.postgres_bin("pg_dump"), stack.database_url, "--format=custom", "-f", whole],
        check=True,
        capture_output=True,
        timeout=300,
    )
    assert whole.stat().st_size > 10_000
    stack.gianhang("stall", "backup", STALLS[0], str(dump))
    stack.gianhang(
        "stall",
        "restore",
        str(dump),
        "--slug",
        "truong-a-khoi-phuc",
        "--name",
        "Bản khôi phục",
        "--parent-unit",
        "tien-giang",
    )
    restored = Visitor(stack, stack.host("truong-a-khoi-phuc"), A).get("/hang/")
    assert restored.status == 200
    assert CANARY[STALLS[0]] in restored.body
    assert CANARY[STALLS[1]] not in restored.body


# --- start-up ---------------------------------------------------------------------------
@pytest.mark.parametrize("entry", ["gianhang", "gunicorn"])
def test_production_with_a_missing_secret_fails_to_start_in_one_line(stack, entry):
    env = stack.app_env()
    del env["SECRET_KEY"]
    bin_dir = Path(sys.executable).parent
    argv = {
        "gianhang": [str(bin_dir / "gianhang"), "check"],
        "gunicorn": [
            str(bin_dir / "gunicorn"),
            "gianhang.wsgi",
            "--config",
            str(DEPLOY / "gunicorn.conf.py"),
            f"--bind=127.0.0.1:{prod_local.free_port()}",
        ],
    }[entry]
    result = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    reasons = [line for line in result.stderr.splitlines() if "SECRET_KEY" in line]
    assert reasons == [
        "gianhang: The environment variable SECRET_KEY is required here. "
        "See deploy/.env.example for what it means."
    ]
    # Nothing else but gunicorn's own start line.
    others = [line for line in result.stderr.splitlines() if line and line not in reasons]
    assert all("Starting gunicorn" in line for line in others), others
