"""The reporting API: scoped by memberships, counts only, bad input is a 400 not a 500."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tenants.models import Membership
from tests.conftest import make_user
from tests.reporting.conftest import fact_make

R = Membership.Role


def test_a_district_officer_gets_403_from_the_api_on_another_district(two_districts, client_for):
    t = two_districts
    officer = make_user("huyen@example.vn", unit=t["district_a"], role=R.DISTRICT_OFFICER)
    client = client_for(None, officer)
    assert client.get(f"/api/v1/reports/units/{t['district_a'].pk}/").status_code == 200
    for unit in (t["district_b"], t["province"], t["stall_b"].unit):
        response = client.get(f"/api/v1/reports/units/{unit.pk}/")
        assert response.status_code == 403, unit
        assert "values" not in response.content.decode()


def test_the_api_lists_only_the_callers_units(two_districts, client_for):
    t = two_districts
    officer = make_user("huyen@example.vn", unit=t["district_a"], role=R.DISTRICT_OFFICER)
    data = client_for(None, officer).get("/api/v1/reports/units/").json()
    assert [u["id"] for u in data] == [t["district_a"].pk]


def test_the_api_returns_suppressed_counts_for_a_district(two_districts, client_for):
    t = two_districts
    day = timezone.localdate() - dt.timedelta(days=2)
    fact_make(t["stall_a"], day, orders_placed=2, items_given=9)
    officer = make_user("huyen@example.vn", unit=t["district_a"], role=R.DISTRICT_OFFICER)
    data = (
        client_for(None, officer)
        .get(f"/api/v1/reports/units/{t['district_a'].pk}/?tu={day:%Y-%m-%d}&den={day:%Y-%m-%d}")
        .json()
    )
    assert data["totals"]["orders_placed"] == "<5"
    assert data["totals"]["items_given"] == 9
    assert data["exact"] is False
    assert {row["name"] for row in data["rows"]} == {
        t["stall_a"].unit.name,
        t["stall_a2"].unit.name,
    }


def test_bad_dates_in_the_api_are_a_400_with_a_message(two_districts, client_for):
    t = two_districts
    officer = make_user("tinh@example.vn", unit=t["province"], role=R.PROVINCE_OFFICER)
    client = client_for(None, officer)
    for query in ("tu=x&den=2026-01-01", "tu=2026-02-01&den=2026-01-01", "tu=2026-01-01"):
        response = client.get(f"/api/v1/reports/units/{t['province'].pk}/?{query}")
        assert response.status_code == 400, query


def test_the_api_refuses_anonymous_callers(two_districts, client_for):
    response = client_for(None).get(f"/api/v1/reports/units/{two_districts['province'].pk}/")
    assert response.status_code in (401, 403)
