"""Periods people mean: every preset ends today, comparisons are the same span one period
earlier, and the page labels both with their dates."""

from __future__ import annotations

import datetime as dt

import pytest

from reporting.periods import Period, period_from_params, period_from_preset, preset_of

TODAY = dt.date(2026, 3, 31)


def test_the_default_is_the_last_30_days_up_to_and_including_today():
    period, errors = period_from_params({}, TODAY)
    assert errors == []
    assert (period.start, period.end) == (dt.date(2026, 3, 2), TODAY)
    assert period.previous() == Period(dt.date(2026, 1, 31), dt.date(2026, 3, 1))


@pytest.mark.parametrize(
    ("preset", "start", "previous"),
    [
        # This month to date against the same days of last month (February has 28).
        ("thang", dt.date(2026, 3, 1), (dt.date(2026, 2, 1), dt.date(2026, 2, 28))),
        # This quarter to date against the same days of the last quarter.
        ("quy", dt.date(2026, 1, 1), (dt.date(2025, 10, 1), dt.date(2025, 12, 31))),
        # The year to date against the same days of last year, not another window.
        ("nam", dt.date(2026, 1, 1), (dt.date(2025, 1, 1), dt.date(2025, 3, 31))),
        ("1", TODAY, (dt.date(2026, 3, 30), dt.date(2026, 3, 30))),
    ],
)
def test_each_preset_ends_today_and_compares_with_the_same_span(preset, start, previous):
    period = period_from_preset(preset, TODAY)
    assert (period.start, period.end) == (start, TODAY)
    assert (period.previous().start, period.previous().end) == previous
    assert preset_of(period, TODAY) == preset


def test_the_comparison_travels_with_the_period_in_links():
    period = period_from_preset("thang", dt.date(2026, 11, 30))
    again, errors = period_from_params(dict(p.split("=") for p in period.query().split("&")), TODAY)
    assert errors == []
    assert again == period
    assert again.previous() == Period(dt.date(2026, 10, 1), dt.date(2026, 10, 30), "thang")


def test_a_leap_day_compares_with_the_last_day_of_february():
    period = period_from_preset("nam", dt.date(2028, 2, 29))
    assert period.previous().end == dt.date(2027, 2, 28)


def test_the_page_labels_the_period_and_its_comparison_with_dates(two_districts, client_for):
    from django.utils import timezone

    from tenants.models import Membership
    from tests.conftest import make_user

    today = timezone.localdate()
    officer = make_user(
        "tinh@example.vn", unit=two_districts["province"], role=Membership.Role.PROVINCE_OFFICER
    )
    body = (
        client_for(None, officer)
        .get(f"/bao-cao/don-vi/{two_districts['province'].pk}/?ky=nam")
        .content.decode()
    )
    last_year = today.replace(year=today.year - 1, day=min(today.day, 28))
    assert f"từ 01/01/{today.year} đến {today:%d/%m/%Y}" in body
    assert f"So với cùng kỳ trước: 01/01/{today.year - 1}–" in body
    assert f"/{last_year:%m/%Y}" in body
