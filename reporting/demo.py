"""Demo rows for reporting: the article's province targets, and facts for each demo stall.

Called by the demo as ``demo_seed(stall)`` inside each stall's schema, after the catalog
and logistics demo rows exist. Idempotent: targets are found, not duplicated, and the
rollup is an upsert.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from core.tenancy import schema_to_public, tenant_set
from reporting.models import Target
from reporting.services import facts_rollup_stall, target_ensure
from tenants.models import Stall, Unit

DEMO_DAYS = 90


def province_targets(*, province: Unit, year: int) -> list[Target]:
    """The article's province target (every district union runs at least one digital
    transformation activity), with two companions a province union would also set."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    return [
        target_ensure(
            unit=province,
            kind=Target.Kind.DIGITAL_ACTIVITY,
            period_start=start,
            period_end=end,
            value=1,
            title="Mỗi Huyện Đoàn có ít nhất 1 hoạt động chuyển đổi số "
            "(gian hàng 0 đồng có đơn trực tuyến)",
        ),
        target_ensure(
            unit=province,
            kind=Target.Kind.ACTIVE_STALLS_PER_DISTRICT,
            period_start=start,
            period_end=end,
            value=1,
            title="Mỗi Huyện Đoàn có ít nhất 1 gian hàng 0 đồng hoạt động",
        ),
        target_ensure(
            unit=province,
            kind=Target.Kind.ITEMS_GIVEN,
            period_start=start,
            period_end=end,
            value=2000,
            title="Trao 2.000 món quà 0 đồng trong năm",
        ),
    ]


def demo_seed(stall: Stall) -> None:
    schema_to_public()
    try:
        unit = Unit.objects.get(pk=stall.unit_id)
        root_id = int(unit.path.strip("/").split("/")[0])
        province = Unit.objects.get(pk=root_id)
        today = timezone.localdate()
        province_targets(province=province, year=today.year)
        facts_rollup_stall(stall=stall, since=today - dt.timedelta(days=DEMO_DAYS), until=today)
    finally:
        tenant_set(stall)
