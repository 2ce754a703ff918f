"""gianhang report rollup: a date range across stalls, both date spellings, clear errors."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command

from reporting.models import DailyFact
from tests.conftest import in_stall
from tests.reporting.conftest import item_make, local, order_make


def test_rollup_since_until_in_day_month_year_writes_every_day(stall_a, stall_b):
    with in_stall(stall_a):
        item = item_make(at=local(dt.date(2026, 2, 1), 8))
        order_make(phone="0904000001", placed_at=local(dt.date(2026, 2, 2), 9), item=item)
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "report", "rollup", "--since", "01/02/2026", "--until", "2026-02-03", stdout=out, stderr=err
    )
    assert DailyFact.objects.filter(stall__in=[stall_a, stall_b]).count() == 6
    assert DailyFact.objects.get(stall=stall_a, day=dt.date(2026, 2, 2)).orders_placed == 1
    assert "6 dòng" in out.getvalue()
    assert "gian hàng" in err.getvalue()  # the progress bar


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "31/02/2026"], "không hợp lệ"),
        (["--since", "2026-02-05", "--until", "2026-02-01"], "Ngày kết thúc"),
        (["--since", "2026-02-01", "--stall", "khong-co"], "khong-co"),
    ],
)
def test_rollup_refuses_bad_input_with_a_message(db, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("report", "rollup", *args, "--no-progress", stdout=io.StringIO())


def test_units_rebuilds_the_unit_facts_from_the_stalls_facts(two_districts):
    from reporting.models import UnitDailyFact, UnitMonthlyFact

    t = two_districts
    DailyFact.objects.create(stall=t["stall_a"], day=dt.date(2026, 1, 30), orders_placed=4)
    DailyFact.objects.create(stall=t["stall_b"], day=dt.date(2026, 2, 2), orders_placed=9)
    out = io.StringIO()
    call_command("report", "units", "--no-progress", stdout=out)
    assert (
        UnitDailyFact.objects.get(unit=t["province"], day=dt.date(2026, 1, 30)).orders_placed == 4
    )
    assert (
        UnitMonthlyFact.objects.get(unit=t["province"], month=dt.date(2026, 2, 1)).orders_placed
        == 9
    )
    assert "30/01/2026–02/02/2026" in out.getvalue()
