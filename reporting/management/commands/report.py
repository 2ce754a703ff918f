"""gianhang report rollup --since DATE [--until DATE] [--stall SLUG]: recount facts now.
gianhang report units [--since DATE] [--until DATE]: rebuild the facts pre-aggregated by unit
from the stalls' facts (once after an upgrade; the rollup keeps them up to date after that).
"""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Max, Min
from tqdm import tqdm

from reporting.dashboards import facts_version_bump
from reporting.models import DailyFact
from reporting.services import facts_rollup, local_today
from reporting.unit_rollup import unit_facts_refresh
from tenants.models import Stall, Unit

DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y")


def parse_day(text: str) -> dt.date:
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text.strip(), fmt).date()  # noqa: DTZ007 - a date only
        except ValueError:
            continue
    raise CommandError(f"Ngày “{text}” không hợp lệ: viết YYYY-MM-DD hoặc dd/mm/yyyy.")


class Command(BaseCommand):
    help = "Báo cáo: tổng hợp số liệu ngày của các gian hàng (rollup)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        rollup = sub.add_parser("rollup", help="Tổng hợp lại số liệu cho một khoảng ngày.")
        rollup.add_argument("--since", required=True, help="từ ngày (YYYY-MM-DD hoặc dd/mm/yyyy)")
        rollup.add_argument("--until", help="đến ngày (mặc định: hôm qua)")
        rollup.add_argument(
            "--stall", action="append", default=[], help="chỉ gian hàng có mã này (lặp lại được)"
        )
        rollup.add_argument("--no-progress", action="store_true")

        units = sub.add_parser(
            "units", help="Dựng lại số liệu tổng hợp theo đơn vị từ số liệu của các gian hàng."
        )
        units.add_argument("--since", help="từ ngày (mặc định: ngày có số liệu đầu tiên)")
        units.add_argument("--until", help="đến ngày (mặc định: ngày có số liệu cuối cùng)")
        units.add_argument("--no-progress", action="store_true")

    def handle(self, *args, action, **options):
        return getattr(self, f"_{action}")(**options)

    def _rollup(self, *, since, until, stall, no_progress, **_):
        start = parse_day(since)
        end = parse_day(until) if until else local_today() - dt.timedelta(days=1)
        if end < start:
            raise CommandError("Ngày kết thúc phải sau hoặc bằng ngày bắt đầu.")
        stalls = Stall.objects.exclude(schema_name="public").order_by("pk")
        if stall:
            stalls = stalls.filter(slug__in=stall)
            missing = set(stall) - set(stalls.values_list("slug", flat=True))
            if missing:
                raise CommandError(f"Không có gian hàng mã: {', '.join(sorted(missing))}.")
        stalls = list(stalls)
        bar = tqdm(total=len(stalls), unit="gian hàng", disable=no_progress, file=self.stderr._out)
        written = facts_rollup(
            since=start, until=end, stalls=stalls, progress=lambda _stall: bar.update(1)
        )
        bar.close()
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã tổng hợp {written} dòng số liệu ({len(stalls)} gian hàng, "
                f"{start:%d/%m/%Y}–{end:%d/%m/%Y})."
            )
        )

    def _units(self, *, since, until, no_progress, **_):
        span = DailyFact.objects.aggregate(first=Min("day"), last=Max("day"))
        start = parse_day(since) if since else span["first"]
        end = parse_day(until) if until else span["last"]
        if start is None or end is None:
            self.stdout.write("Chưa có số liệu nào của gian hàng: không có gì để dựng lại.")
            return
        if end < start:
            raise CommandError("Ngày kết thúc phải sau hoặc bằng ngày bắt đầu.")
        unit_ids = list(Unit.objects.order_by("path").values_list("pk", flat=True))
        months = []
        cursor = start
        while cursor <= end:
            month_end = (cursor.replace(day=1) + dt.timedelta(days=32)).replace(
                day=1
            ) - dt.timedelta(days=1)
            months.append((cursor, min(month_end, end)))
            cursor = month_end + dt.timedelta(days=1)
        written = 0
        # One month per transaction: an interrupted run leaves whole months, and resumes.
        for first, last in tqdm(months, unit="tháng", disable=no_progress, file=self.stderr._out):
            written += unit_facts_refresh(unit_ids=unit_ids, since=first, until=last)
        facts_version_bump()
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã dựng lại {written} dòng số liệu theo đơn vị ({len(unit_ids)} đơn vị, "
                f"{start:%d/%m/%Y}–{end:%d/%m/%Y})."
            )
        )
