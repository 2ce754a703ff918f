"""Report periods: read from a query string, forgiving, with the same span one period earlier.

Every preset ends today (facts for today are rolled up during the day), and a comparison is
always the same span one period back: the last 30 days against the 30 days before them,
this month to date against the same days of last month, the year to date against the same
days of last year.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

PRESETS = {
    "1": _("Hôm nay"),
    "7": _("7 ngày qua"),
    "30": _("30 ngày qua"),
    "90": _("90 ngày qua"),
    "365": _("12 tháng qua"),
    "thang": _("Tháng này"),
    "quy": _("Quý này"),
    "nam": _("Năm nay"),
}
DEFAULT_PRESET = "30"
MAX_DAYS = 3 * 366
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")
# How the previous period is found: the same number of days just before, or the same
# days of the previous month, quarter or year.
COMPARE_DAYS, COMPARE_MONTH, COMPARE_QUARTER, COMPARE_YEAR = "ngay", "thang", "quy", "nam"
_MONTHS_BACK = {COMPARE_MONTH: 1, COMPARE_QUARTER: 3, COMPARE_YEAR: 12}


def months_back(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` months earlier, clipped to that month's last day."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date
    compare: str = COMPARE_DAYS

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The same span one period earlier (see the module's docstring)."""
        back = _MONTHS_BACK.get(self.compare)
        if back:
            return Period(months_back(self.start, back), months_back(self.end, back), self.compare)
        end = self.start - dt.timedelta(days=1)
        return Period(end - dt.timedelta(days=self.days - 1), end)

    def includes(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def query(self) -> str:
        suffix = "" if self.compare == COMPARE_DAYS else f"&ss={self.compare}"
        return f"tu={self.start:%Y-%m-%d}&den={self.end:%Y-%m-%d}{suffix}"


def parse_date(text: str | None) -> dt.date | None:
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime((text or "").strip(), fmt).date()  # noqa: DTZ007
        except ValueError:
            continue
    return None


def period_from_preset(preset: str, today: dt.date) -> Period:
    """A preset period ending today."""
    if preset == "thang":
        return Period(today.replace(day=1), today, COMPARE_MONTH)
    if preset == "quy":
        first = today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1)
        return Period(first, today, COMPARE_QUARTER)
    if preset == "nam":
        return Period(today.replace(month=1, day=1), today, COMPARE_YEAR)
    days = int(preset) if preset in PRESETS else int(DEFAULT_PRESET)
    return Period(today - dt.timedelta(days=days - 1), today)


def preset_of(period: Period, today: dt.date) -> str:
    """The preset this period is (to highlight it), or "" for a range of one's own."""
    for key in PRESETS:
        if period_from_preset(key, today) == period:
            return key
    return ""


def period_from_params(params, today: dt.date) -> tuple[Period, list[str]]:
    """The period asked for, or the last 30 days with a message saying what was wrong."""
    errors: list[str] = []
    raw_start, raw_end = params.get("tu"), params.get("den")
    if raw_start or raw_end:
        start, end = parse_date(raw_start), parse_date(raw_end)
        if start is None or end is None:
            errors.append(
                str(
                    _(
                        "Ngày không hợp lệ: hãy chọn ngày theo dạng ngày/tháng/năm. "
                        "Đang hiển thị 30 ngày qua."
                    )
                )
            )
        elif end < start:
            errors.append(
                str(
                    _(
                        "Ngày kết thúc đứng trước ngày bắt đầu: hãy đổi lại. "
                        "Đang hiển thị 30 ngày qua."
                    )
                )
            )
        elif (end - start).days >= MAX_DAYS:
            errors.append(
                str(
                    _(
                        "Khoảng thời gian dài quá 3 năm: hãy chọn ngắn hơn. "
                        "Đang hiển thị 30 ngày qua."
                    )
                )
            )
        else:
            compare = params.get("ss")
            if compare not in _MONTHS_BACK:
                compare = COMPARE_DAYS
            return Period(start, end, compare), errors
        return period_from_preset(DEFAULT_PRESET, today), errors
    return period_from_preset(params.get("ky") or DEFAULT_PRESET, today), errors
