"""A real Chromium at 360x640: province and district officers sign in, read today's figures,
drill down to a school and back with the period kept, and log out; screenshots saved."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.handlers.wsgi import WSGIHandler
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
from django.db import connection, connections
from django.utils import timezone

from reporting.dashboards import facts_version_bump
from reporting.models import DailyFact, Target, UnitDailyFact, UnitMonthlyFact
from reporting.periods import months_back
from reporting.services import facts_months_refresh, facts_rollup_today
from reporting.unit_rollup import unit_facts_refresh
from tenants.models import Membership, Stall, Unit
from tenants.services import unit_get_or_create
from tests.conftest import make_stall, make_user
from tests.reporting.conftest import item_make, order_make

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="Debian's chromium is not installed (apt-get install -y chromium)"
)


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def public_server(django_db_setup):
    """The site over real HTTP in a thread, on committed data (no flush afterwards)."""
    server = ThreadedWSGIServer(("127.0.0.1", 0), _QuietHandler, allow_reuse_address=False)
    server.set_app(WSGIHandler())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://localhost:{server.server_port}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def province_with_facts(live_stall_factory, django_db_blocker):
    """Committed: two districts, three schools with 60 days of facts and real orders placed
    today (rolled up as the 15-minute job does), a province and a district officer."""
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        school_1 = live_stall_factory(slug="truong-xem-1", name="Đoàn trường THPT Nguyễn Văn Tiếp")
        school_2 = live_stall_factory(slug="truong-xem-2", name="Đoàn trường THCS Tân Hòa Thành")
        province = school_1.unit.parent.parent
        district_a = school_1.unit.parent
        district_b = unit_get_or_create(
            kind=Unit.Kind.DISTRICT,
            name="Huyện Đoàn Cái Bè (thử)",
            code="tien-giang/cai-be-thu",
            parent=province,
        )
        school_3 = make_stall(
            slug="truong-xem-3", name="Đoàn trường THPT Thiên Hộ Dương", parent=district_b
        )
        today = timezone.localdate()
        rows = []
        for n, stall in enumerate((school_1, school_2, school_3)):
            for back in range(1, 61):
                rows.append(
                    DailyFact(
                        stall=stall,
                        day=today - dt.timedelta(days=back),
                        orders_placed=(back * (n + 2)) % 9,
                        items_given=(back * (n + 3)) % 13,
                        items_received=(back + n) % 7,
                        recipients=(back * (n + 1)) % 6,
                        volunteers=back % 4,
                        volunteer_hours=back % 4 * 2,
                    )
                )
        DailyFact.objects.bulk_create(rows)
        for stall in (school_1, school_2, school_3):
            facts_months_refresh(
                stall_id=stall.pk, since=today - dt.timedelta(days=60), until=today
            )
        # Today's orders, placed for real in two schools' own schemas.
        now = timezone.now()
        for stall, count in ((school_1, 7), (school_3, 6)):
            connection.set_tenant(stall)
            item = item_make(title="Áo ấm")
            for k in range(count):
                order_make(phone=f"+849123{stall.pk:02d}{k:03d}", placed_at=now, item=item)
            connection.set_schema_to_public()
        for stall in Stall.objects.filter(pk__in=[school_1.pk, school_2.pk, school_3.pk]):
            facts_rollup_today(stall=stall)
        units = [province.pk, district_a.pk, district_b.pk] + [
            s.unit_id for s in (school_1, school_2, school_3)
        ]
        unit_facts_refresh(unit_ids=units, since=today - dt.timedelta(days=60), until=today)
        facts_version_bump()
        target = Target.objects.create(
            unit=province,
            kind=Target.Kind.ACTIVE_STALLS_PER_DISTRICT,
            value=1,
            title="Mỗi Huyện Đoàn có ít nhất 1 gian hàng hoạt động",
            period_start=today.replace(month=1, day=1),
            period_end=today.replace(month=12, day=31),
        )
        officers = [
            make_user(
                "tinhdoan.xem@example.vn", unit=province, role=Membership.Role.PROVINCE_OFFICER
            ),
            make_user(
                "huyendoan.xem@example.vn", unit=district_a, role=Membership.Role.DISTRICT_OFFICER
            ),
        ]
        yield {
            "province": province,
            "district_a": district_a,
            "district_b": district_b,
            "school": school_1,
            "today": today,
        }
        connections.close_all()
        connection.set_schema_to_public()
        Target.objects.filter(pk=target.pk).delete()
        get_user_model().objects.filter(pk__in=[o.pk for o in officers]).delete()
        school_3_unit = school_3.unit
        Stall.objects.get(pk=school_3.pk).delete(force_drop=True)
        Unit.objects.filter(pk__in=[school_3_unit.pk]).delete()
        Unit.objects.filter(pk=district_b.pk).delete()
        # The province and district outlive this test: their pre-aggregated rows must not.
        UnitDailyFact.objects.filter(unit_id__in=[province.pk, district_a.pk]).delete()
        UnitMonthlyFact.objects.filter(unit_id__in=[province.pk, district_a.pk]).delete()
        facts_version_bump()


def _launch(p):
    return p.chromium.launch(
        executable_path=str(CHROMIUM),
        args=[
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    )


def _no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page is {width}px wide on a 360px screen: {page.url}"


def _orders_in(unit: Unit, since: dt.date, until: dt.date) -> int:
    """Orders placed under ``unit`` in the period, summed from the stalls' own facts."""
    return sum(
        DailyFact.objects.filter(
            stall__unit__path__startswith=unit.path, day__range=(since, until)
        ).values_list("orders_placed", flat=True)
    )


def _journey(
    page, server: str, data: dict, *, username: str, home: Unit, expected: int, shots: str
) -> None:
    """Sign in on a phone, read today's figure, drill down to a school and back, log out."""
    expect = _expect()
    today = data["today"]
    page.goto(f"{server}/")  # from the public home, as an officer comes in
    page.get_by_role("link", name="Cán bộ đăng nhập").first.click()
    page.wait_for_url("**/dang-nhap/**")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "mat-khau-dai-123")
    page.click("main button[type=submit], main input[type=submit]")
    page.wait_for_url(f"**/bao-cao/don-vi/{home.pk}/**", timeout=30000)
    expect(page.locator("#unit-name")).to_have_text(home.name, timeout=15000)
    # The first screen: the last 30 days up to and including today, today's orders in it.
    expect(page.locator("#period-line")).to_contain_text(f"{today:%d/%m/%Y}")
    expect(page.locator("#period-line")).to_contain_text("có hôm nay")
    expect(page.locator('[data-metric="orders_placed"]')).to_have_text(
        f"{expected:,}".replace(",", ".")
    )
    _no_sideways_scroll(page)
    page.screenshot(path=str(ARTIFACTS / f"{shots}-1-home.png"), full_page=True)
    # The full table scrolls inside itself, never the page.
    page.click("text=Bảng đầy đủ")
    expect(page.locator("#units-table")).to_be_visible()
    _no_sideways_scroll(page)

    # This month to date, compared with the same days of last month, labelled with dates.
    page.click("text=Tháng này")
    page.wait_for_url("**ky=thang**")
    first = today.replace(day=1)
    previous_first = months_back(first, 1)
    expect(page.locator("#compare-line")).to_contain_text(
        f"{previous_first:%d/%m/%Y}–{months_back(today, 1):%d/%m/%Y}"
    )
    # Drill down to a school, one tap per level, the period kept all the way.
    levels = [] if home.kind == Unit.Kind.DISTRICT else [data["district_a"]]
    for unit in [*levels, data["school"].unit]:
        page.click(f"#units a:has-text('{unit.name}')")
        page.wait_for_url(f"**/bao-cao/don-vi/{unit.pk}/?tu={first:%Y-%m-%d}**")
        expect(page.locator("#unit-name")).to_have_text(unit.name)
        expect(page.locator(".presets a.on")).to_have_text("Tháng này")
        _no_sideways_scroll(page)
    page.screenshot(path=str(ARTIFACTS / f"{shots}-2-school.png"), full_page=True)
    # And back up through the trail: still this month.
    page.click(f".crumbs a:has-text('{home.name}')")
    page.wait_for_url(f"**/bao-cao/don-vi/{home.pk}/?tu={first:%Y-%m-%d}**")
    expect(page.locator(".presets a.on")).to_have_text("Tháng này")
    _no_sideways_scroll(page)
    # Log out: a real POST, after which the reports ask for a login again.
    page.click("#logout")
    page.wait_for_url("**/dang-nhap/**")
    expect(page.locator("input[name=password]")).to_be_visible(timeout=15000)
    page.goto(f"{server}/bao-cao/don-vi/{home.pk}/")
    page.wait_for_url("**/dang-nhap/**")
    page.screenshot(path=str(ARTIFACTS / f"{shots}-3-logged-out.png"), full_page=True)


def _expect():
    from playwright.sync_api import expect

    expect.set_options(timeout=15000)
    return expect


@pytest.mark.browser
@needs_chromium
def test_province_and_district_officers_read_their_dashboards_on_a_phone(
    province_with_facts, public_server
):
    from playwright.sync_api import sync_playwright

    data = province_with_facts
    today = data["today"]
    ARTIFACTS.mkdir(exist_ok=True)
    problems: list[str] = []
    # What the first screen must show (read before the browser's event loop starts).
    expected = {}
    # Today: seven orders in school 1 (district A), six in school 3 (district B).
    for unit, today_orders in ((data["province"], 13), (data["district_a"], 7)):
        expected[unit.pk] = _orders_in(unit, today - dt.timedelta(days=29), today)
        before_today = _orders_in(unit, today - dt.timedelta(days=29), today - dt.timedelta(days=1))
        assert expected[unit.pk] == before_today + today_orders
    with sync_playwright() as p:
        browser = _launch(p)
        try:
            for username, home, shots in (
                ("tinhdoan.xem@example.vn", data["province"], "reporting-province"),
                ("huyendoan.xem@example.vn", data["district_a"], "reporting-district"),
            ):
                context = browser.new_context(
                    viewport={"width": 360, "height": 640}, locale="vi-VN"
                )
                page = context.new_page()
                page.on(
                    "console",
                    lambda m: (
                        problems.append(m.text)
                        if m.type == "error" and "favicon" not in m.location.get("url", "")
                        else None
                    ),
                )
                page.on("requestfailed", lambda r: problems.append(f"failed: {r.url}"))
                _journey(
                    page,
                    public_server,
                    data,
                    username=username,
                    home=home,
                    expected=expected[home.pk],
                    shots=shots,
                )
                context.close()
        finally:
            browser.close()
    assert not problems, problems


def test_dashboard_html_has_no_inline_script_or_style_for_the_csp(two_districts, client_for):
    # Also keeps this module runnable on its own: pytest-django creates the test database
    # only when a collected test asks for it.
    officer = make_user(
        "tinh@example.vn", unit=two_districts["province"], role=Membership.Role.PROVINCE_OFFICER
    )
    body = (
        client_for(None, officer)
        .get(f"/bao-cao/don-vi/{two_districts['province'].pk}/")
        .content.decode()
    )
    assert "<svg" in body
    assert "style=" not in body
    assert "<script" not in body
    assert "<style" not in body
