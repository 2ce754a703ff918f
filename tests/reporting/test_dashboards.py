"""Dashboard pages: who sees which unit, drill-down, period comparison, small counts hidden."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from reporting.suppression import joint_ranges
from tenants.models import Membership
from tests.conftest import make_user
from tests.reporting.conftest import fact_make

R = Membership.Role


def yesterday() -> dt.date:
    return timezone.localdate() - dt.timedelta(days=1)


def test_a_province_officer_sees_each_district_with_its_totals(two_districts, client_for):
    t = two_districts
    fact_make(t["stall_a"], yesterday(), orders_placed=7, items_given=12)
    fact_make(t["stall_a2"], yesterday(), orders_placed=6, items_given=3)
    fact_make(t["stall_b"], yesterday(), orders_placed=40, items_given=55)
    officer = make_user("tinh@example.vn", unit=t["province"], role=R.PROVINCE_OFFICER)
    response = client_for(None, officer).get(f"/bao-cao/don-vi/{t['province'].pk}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert t["district_a"].name in body
    assert t["district_b"].name in body
    assert f"/bao-cao/don-vi/{t['district_a'].pk}/" in body  # drill-down link
    board = response.context["board"]
    assert board.totals["orders_placed"] == 53
    assert {row.label: row.values["orders_placed"] for row in board.rows} == {
        t["district_a"].name: 13,
        t["district_b"].name: 40,
    }


def test_a_district_officer_gets_403_on_another_district(two_districts, client_for):
    t = two_districts
    officer = make_user("huyen@example.vn", unit=t["district_a"], role=R.DISTRICT_OFFICER)
    client = client_for(None, officer)
    other = t["district_b"].pk
    for url in (
        f"/bao-cao/don-vi/{other}/",
        f"/bao-cao/don-vi/{other}/bao-cao.csv",
        f"/bao-cao/don-vi/{other}/bao-cao.xlsx",
        f"/bao-cao/don-vi/{other}/bao-cao.pdf",
        f"/bao-cao/don-vi/{t['stall_b'].unit_id}/",
        f"/bao-cao/don-vi/{t['province'].pk}/",
        f"/bao-cao/don-vi/{other}/muc-tieu/",
    ):
        assert client.get(url).status_code == 403, url


def test_a_district_officer_drills_down_to_a_school_of_their_district(two_districts, client_for):
    t = two_districts
    officer = make_user("huyen@example.vn", unit=t["district_a"], role=R.DISTRICT_OFFICER)
    client = client_for(None, officer)
    assert client.get(f"/bao-cao/don-vi/{t['district_a'].pk}/").status_code == 200
    response = client.get(f"/bao-cao/don-vi/{t['stall_a'].unit_id}/")
    assert response.status_code == 200
    assert t["stall_a"].unit.name in response.content.decode()


def test_counts_below_five_show_as_less_than_five_above_the_school(two_districts, client_for):
    t = two_districts
    fact_make(t["stall_a"], yesterday(), orders_placed=3, items_given=4, recipients=2)
    officer = make_user("huyen@example.vn", unit=t["district_a"], role=R.DISTRICT_OFFICER)
    response = client_for(None, officer).get(f"/bao-cao/don-vi/{t['stall_a'].unit_id}/")
    board = response.context["board"]
    assert board.totals["orders_placed"] == "<5"
    assert board.totals["items_given"] == "<5"
    assert "&lt;5" in response.content.decode()


def test_a_school_officer_sees_exact_numbers_of_their_own_stall(
    two_districts, client_for, officer_factory
):
    t = two_districts
    fact_make(t["stall_a"], yesterday(), orders_placed=3, items_given=4)
    officer = officer_factory(t["stall_a"])
    client = client_for(None, officer)
    response = client.get("/bao-cao/")
    assert response.status_code == 302
    response = client.get(response["Location"])
    assert response.context["board"].totals["orders_placed"] == 3
    assert client.get(f"/bao-cao/don-vi/{t['stall_a2'].unit_id}/").status_code == 403


def test_the_previous_period_is_compared(two_districts, client_for):
    t = two_districts
    end = yesterday()
    fact_make(t["stall_b"], end, orders_placed=30)
    fact_make(t["stall_b"], end - dt.timedelta(days=7), orders_placed=10)
    officer = make_user("tinh@example.vn", unit=t["province"], role=R.PROVINCE_OFFICER)
    start = end - dt.timedelta(days=6)
    response = client_for(None, officer).get(
        f"/bao-cao/don-vi/{t['province'].pk}/?tu={start:%Y-%m-%d}&den={end:%d/%m/%Y}"
    )
    board = response.context["board"]
    assert board.totals["orders_placed"] == 30
    assert board.previous["orders_placed"] == 10
    change = {key: change for key, _label, _now, _before, change in board.comparison}
    assert change["orders_placed"] == "+200%"


def test_a_bad_period_falls_back_with_a_message_not_an_error(two_districts, client_for):
    t = two_districts
    officer = make_user("tinh@example.vn", unit=t["province"], role=R.PROVINCE_OFFICER)
    client = client_for(None, officer)
    for query in (
        "tu=abc&den=2026-01-01",
        "tu=2026-02-01&den=2026-01-01",
        "tu=1900-01-01&den=2026-01-01",
        "tu=&den=",
    ):
        response = client.get(f"/bao-cao/don-vi/{t['province'].pk}/?{query}")
        assert response.status_code == 200, query
        assert response.context["board"].period.days == 30 or query == "tu=&den="
    # A NUL byte is never a period someone chose: refused with a sentence, as on every page.
    response = client.get(f"/bao-cao/don-vi/{t['province'].pk}/?ky=%00")
    assert response.status_code == 400
    assert "không hợp lệ" in response.content.decode()


def test_anonymous_visitors_are_sent_to_login(two_districts, client_for):
    response = client_for(None).get(f"/bao-cao/don-vi/{two_districts['province'].pk}/")
    assert response.status_code == 302
    assert "/dang-nhap/" in response["Location"]


def test_an_unknown_unit_is_403_like_any_other_unit_not_yours(two_districts, client_for):
    officer = make_user("tinh@example.vn", unit=two_districts["province"], role=R.PROVINCE_OFFICER)
    assert client_for(None, officer).get("/bao-cao/don-vi/999999/").status_code == 403


def test_dashboards_are_not_served_on_a_stall_host(stall_a, client_for, officer_factory):
    officer = officer_factory(stall_a)
    response = client_for(stall_a, officer).get("/bao-cao/")
    assert response.status_code == 404


def test_a_new_rollup_shows_up_on_a_dashboard_already_seen(two_districts, client_for):
    from reporting.dashboards import facts_version_bump

    t = two_districts
    officer = make_user("tinh@example.vn", unit=t["province"], role=R.PROVINCE_OFFICER)
    client = client_for(None, officer)
    url = f"/bao-cao/don-vi/{t['province'].pk}/"
    assert client.get(url).context["board"].totals["orders_placed"] == 0
    fact_make(t["stall_b"], yesterday(), orders_placed=8)
    assert client.get(url).context["board"].totals["orders_placed"] == 0  # kept until a rollup
    facts_version_bump()  # what a committed rollup does
    assert client.get(url).context["board"].totals["orders_placed"] == 8


def test_the_platform_admin_lists_facts_read_only(two_districts, client_for):
    from tenants.models import Membership as M

    fact_make(two_districts["stall_b"], yesterday(), orders_placed=8)
    admin = make_user(
        "admin@example.vn",
        unit=two_districts["province"],
        role=M.Role.PLATFORM_ADMIN,
        is_staff=True,
        is_superuser=True,
    )
    client = client_for(None, admin)
    assert client.get("/quan-tri/reporting/dailyfact/").status_code == 200
    assert client.get("/quan-tri/reporting/dailyfact/add/").status_code == 403
    assert client.get("/quan-tri/reporting/target/").status_code == 200


def test_warming_builds_each_overseers_default_dashboard_into_the_cache(two_districts):
    from django.core.cache import cache

    from reporting.dashboards import dashboards_warm, facts_version

    t = two_districts
    make_user("huyen@example.vn", unit=t["district_a"], role=R.DISTRICT_OFFICER)
    built = dashboards_warm()
    assert built == 3  # the district and its two schools
    assert cache.keys(f"reporting:board:*:{facts_version()}:{t['district_a'].pk}:*")
    assert not cache.keys(f"reporting:board:*:{facts_version()}:{t['district_b'].pk}:*")


def test_a_lone_small_district_cannot_be_worked_out_from_the_total(two_districts, client_for):
    t = two_districts
    fact_make(t["stall_a"], yesterday(), orders_placed=3, items_given=40)
    fact_make(t["stall_b"], yesterday(), orders_placed=30, items_given=50)
    officer = make_user("tinh@example.vn", unit=t["province"], role=R.PROVINCE_OFFICER)
    response = client_for(None, officer).get(f"/bao-cao/don-vi/{t['province'].pk}/")
    board = response.context["board"]
    placed = {row.label: row.values["orders_placed"] for row in board.rows}
    assert placed == {t["district_a"].name: "<5", t["district_b"].name: "*"}
    assert board.totals["orders_placed"] == 33
    # The weekly series adds up to the same total: its small week is protected too.
    weeks = [n for _week, n, _given in board.weeks]
    ranges = joint_ranges(board.totals["orders_placed"], [list(placed.values()), weeks])
    assert ranges
    assert all(lo < hi for lo, hi in ranges.values()), ranges
    body = response.content.decode()
    assert "ẩn thêm" in body  # the page says what "*" means


def test_share_of_active_stalls_and_ranking_by_delivered_per_stall(two_districts, client_for):
    from tenants.models import Unit
    from tenants.services import unit_get_or_create
    from tests.reporting.conftest import dashboard_stall

    t = two_districts
    fact_make(t["stall_a"], yesterday(), orders_delivered_volunteer=20, orders_delivered_post=10)
    fact_make(t["stall_b"], yesterday(), orders_delivered_volunteer=9, orders_delivered_post=0)
    extra = []
    for n in range(5):
        district = unit_get_or_create(
            kind=Unit.Kind.DISTRICT,
            name=f"Huyện Đoàn {n}",
            code=f"tien-giang/h{n}",
            parent=t["province"],
        )
        stall = dashboard_stall(slug=f"truong-h{n}", name=f"Đoàn trường H{n}", parent=district)
        fact_make(stall, yesterday(), orders_delivered_volunteer=10 + n * 5)
        extra.append(district)
    officer = make_user("tinh@example.vn", unit=t["province"], role=R.PROVINCE_OFFICER)
    response = client_for(None, officer).get(f"/bao-cao/don-vi/{t['province'].pk}/")
    board = response.context["board"]
    rows = {row.label: row for row in board.rows}
    # District A: two stalls, one active; 30 delivered over 2 stalls.
    assert rows[t["district_a"].name].active_share == 50
    assert rows[t["district_a"].name].delivered_per_stall == 15.0
    # Ties (15 per stall) in alphabetical order.
    assert [r.label for r in board.top] == [
        "Huyện Đoàn 4",
        "Huyện Đoàn 3",
        "Huyện Đoàn 2",
        "Huyện Đoàn 1",
        t["district_a"].name,
    ]
    assert [r.label for r in board.bottom][:2] == [t["district_b"].name, "Huyện Đoàn 0"]
    assert "Năm đơn vị thấp nhất" in response.content.decode()


def test_each_unit_shows_its_progress_on_a_per_unit_target(two_districts, client_for):
    from reporting.models import Target
    from reporting.services import target_ensure

    t = two_districts
    today = timezone.localdate()
    fact_make(t["stall_a"], yesterday(), orders_placed=6)
    fact_make(t["stall_a2"], yesterday(), items_received=6)
    target_ensure(
        unit=t["province"],
        kind=Target.Kind.ACTIVE_STALLS_PER_DISTRICT,
        title="Hai gian hàng hoạt động mỗi huyện",
        period_start=today - dt.timedelta(days=20),
        period_end=today + dt.timedelta(days=20),
        value=2,
    )
    officer = make_user("tinh@example.vn", unit=t["province"], role=R.PROVINCE_OFFICER)
    response = client_for(None, officer).get(f"/bao-cao/don-vi/{t['province'].pk}/")
    rows = {row.label: row for row in response.context["board"].rows}
    title, figure, percent, on_pace = rows[t["district_a"].name].trends[0]
    assert (figure, percent, on_pace) == ("2/2", 100, True)
    assert rows[t["district_b"].name].trends[0][1:] == ("0/2", 0, False)
    assert "chậm tiến độ" in response.content.decode()
