"""Report periods: read from a query string, forgiving, with the previous period to compare."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

PRESETS = {
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


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The period of the same length just before this one."""
        end = self.start - dt.timedelta(days=1)
        return Period(end - dt.timedelta(days=self.days - 1), end)

    def query(self) -> str:
        return f"tu={self.start:%Y-%m-%d}&den={self.end:%Y-%m-%d}"


def parse_date(text: str | None) -> dt.date | None:
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime((text or "").strip(), fmt).date()  # noqa: DTZ007
        except ValueError:
            continue
    return None


def period_from_preset(preset: str, today: dt.date) -> Period:
    yesterday = today - dt.timedelta(days=1)
    if preset == "thang":
        return Period(today.replace(day=1), today)
    if preset == "quy":
        return Period(today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1), today)
    if preset == "nam":
        return Period(today.replace(month=1, day=1), today)
    days = int(preset) if preset in PRESETS else int(DEFAULT_PRESET)
    return Period(yesterday - dt.timedelta(days=days - 1), yesterday)


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
            return Period(start, end), errors
        return period_from_preset(DEFAULT_PRESET, today), errors
    return period_from_preset(params.get("ky") or DEFAULT_PRESET, today), errors
