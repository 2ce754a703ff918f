"""A unit's dashboard for a period: totals, comparison, weekly series, units below, targets.

Everything here is counts. ``exact`` is True only for a school officer looking at their
own stall; everyone else (district, province, platform) sees any count from 1 to 4 as
"<5", and further cells hidden as "*" where the totals would give a small one away
(``reporting.suppression``), so a small number never points to a person.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.cache_version import version_token, version_token_change
from reporting import selectors
from reporting.models import Target
from reporting.periods import Period
from reporting.suppression import PRIMARY, columns_protect, is_hidden, primary
from tenants.models import Stall, Unit
from tenants.selectors import user_is_stall_officer

SUPPRESSED = PRIMARY
SUPPRESS_BELOW = 5

# (key, Vietnamese header) of the metrics shown in tables and exports, in order.
METRICS = [
    ("stalls", _("Số gian hàng")),
    ("active_stalls", _("Gian hàng hoạt động")),
    ("donations", _("Lượt quyên góp")),
    ("items_received", _("Món nhận tặng")),
    ("items_listed", _("Mặt hàng mới")),
    ("items_given", _("Món đã trao")),
    ("orders_placed", _("Đơn đã đặt")),
    ("orders_delivered_volunteer", _("Đơn đoàn viên giao")),
    ("orders_posted", _("Đơn gửi bưu điện")),
    ("orders_delivered_post", _("Đơn bưu điện giao xong")),
    ("orders_failed", _("Đơn giao không thành")),
    ("orders_cancelled", _("Đơn đã hủy")),
    ("recipients", _("Người nhận (không trùng)")),
    ("volunteers", _("Lượt đoàn viên tình nguyện")),
    ("volunteer_hours", _("Giờ tình nguyện")),
    ("rounds_held", _("Đợt phát đã bốc thăm")),
    ("round_requests", _("Đăng ký đợt phát")),
    ("round_allocated", _("Suất đợt phát đã trao")),
    ("waitlist_served", _("Suất chuyển cho danh sách chờ")),
    ("wishes_met", _("Mong muốn đã đáp ứng")),
    ("sets_completed", _("Bộ sách trao đủ")),
    ("set_books", _("Sách trao theo bộ")),
]
# Counts about organisations or time, not people: never suppressed.
NOT_PERSONAL = {"stalls", "active_stalls", "volunteer_hours", "rounds_held"}
HEADLINE = ["orders_placed", "items_given", "active_stalls", "recipients", "volunteers"]
# A unit's card on a phone: these few, the rest in the table and the exports.
CARD = ["orders_placed", "items_given", "orders_delivered_volunteer", "orders_delivered_post"]
# The weekly chart's two series, which add up to the period's totals.
SERIES = ("orders_placed", "items_given")
RANK_SIZE = 5


def shown(value, *, exact: bool, key: str = ""):
    """One count standing alone as a person may see it: 1–4 become "<5" unless ``exact``."""
    if exact or key in NOT_PERSONAL or value is None:
        return value
    return primary(value)


def viewer_sees_exact(*, user, unit: Unit) -> bool:
    """Exact numbers only for the school officers of the stall this unit runs."""
    stall = Stall.objects.filter(unit=unit).exclude(schema_name="public").first()
    return stall is not None and user_is_stall_officer(user=user, stall=stall)


@dataclass
class Row:
    unit: Unit | None
    label: str
    values: dict
    previous: dict
    is_school: bool = False
    # Share of the unit's stalls with any activity in the period (0–100), or None.
    active_share: int | None = None
    # Orders delivered per stall (volunteers' and the post's), when both counts are shown.
    delivered_per_stall: float | None = None
    # (target title, "3/5", percent, on pace?) of per-unit targets that apply to this unit.
    trends: list[tuple[str, str, int, bool]] = field(default_factory=list)

    @property
    def cells(self) -> list:
        return [self.values[key] for key, _label in METRICS]

    @property
    def card(self) -> list[tuple[str, object]]:
        labels = dict(METRICS)
        return [(str(labels[key]), self.values[key]) for key in CARD]


@dataclass
class TargetProgress:
    target: Target
    per_unit: list[tuple[str, object, bool]]  # (unit name, actual shown, met)
    actual: object
    met_units: int = 0
    total_units: int = 0
    percent: int | None = None
    # Share of the target's period gone by today (0–100): the pace to compare with.
    elapsed: int = 100

    @property
    def per_child(self) -> bool:
        return self.target.kind in Target.PER_CHILD_KINDS

    @property
    def on_pace(self) -> bool | None:
        return None if self.percent is None else self.percent >= self.elapsed


@dataclass
class Dashboard:
    unit: Unit
    period: Period
    previous_period: Period
    exact: bool
    totals: dict
    previous: dict
    comparison: list[tuple[str, str, object, object, str]] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    # (start of the week or month, orders placed, items given); ``bucket`` says which.
    weeks: list[tuple[dt.date, object, object]] = field(default_factory=list)
    bucket: str = "week"
    targets: list[TargetProgress] = field(default_factory=list)
    metrics: list = field(default_factory=list)
    # Units ranked by orders delivered per stall: the five best and the five lowest.
    top: list[Row] = field(default_factory=list)
    bottom: list[Row] = field(default_factory=list)
    unranked: int = 0
    active_share: int | None = None

    @property
    def total_cells(self) -> list:
        return [self.totals[key] for key, _label in METRICS]

    @property
    def detail(self) -> list[tuple[str, object, object]]:
        return [(str(label), self.totals[key], self.previous[key]) for key, label in METRICS]


def _counts(facts: dict | None, stalls: int) -> dict:
    """A row's raw values from a unit's summed facts."""
    values: dict[str, Any] = {key: 0 for key, _label in METRICS}
    values["volunteer_hours"] = Decimal("0")
    if facts:
        for key in values:
            if key in facts:
                values[key] = facts[key]
        values["active_stalls"] = len(facts["active"])
    values["stalls"] = stalls
    return values


def _share(active: int, stalls: int) -> int | None:
    return round(active * 100 / stalls) if stalls else None


def dashboard_build(
    *, unit: Unit, period: Period, exact: bool, with_targets: bool = True
) -> Dashboard:
    """A unit's dashboard from the facts pre-aggregated by unit: a handful of rows per
    unit below, whatever the number of stalls."""
    children = list(unit.children.filter(is_active=True).order_by("name"))
    previous_period = period.previous()
    ids = [unit.pk, *[child.pk for child in children]]
    current = selectors.unit_facts_by_unit(unit_ids=ids, since=period.start, until=period.end)
    before = selectors.unit_facts_by_unit(
        unit_ids=[unit.pk], since=previous_period.start, until=previous_period.end
    )
    stall_counts = selectors.stall_counts_by_unit(under=unit, units=[unit, *children])
    totals = _counts(current[unit.pk], stall_counts[unit.pk])
    previous = _counts(before[unit.pk], stall_counts[unit.pk])
    raw_rows: list[tuple[Unit | None, str, dict]] = [
        (child, child.name, _counts(current[child.pk], stall_counts[child.pk]))
        for child in children
    ]
    own_stalls = stall_counts[unit.pk] - sum(stall_counts[child.pk] for child in children)
    if own_stalls and children:
        # The unit's own stall: what is left of the unit's sums after its units below.
        own = {key: totals[key] - sum(values[key] for _c, _l, values in raw_rows) for key in totals}
        own["stalls"] = own_stalls
        under = set().union(*(current[child.pk]["active"] for child in children))
        own["active_stalls"] = len(current[unit.pk]["active"] - under)
        own_ids = list(
            Stall.objects.filter(unit=unit)
            .exclude(schema_name="public")
            .values_list("pk", flat=True)
        )
        own["recipients"] = selectors.recipients_distinct(
            groups=dict.fromkeys(own_ids, 0), since=period.start, until=period.end
        )[0]
        raw_rows.append((None, str(_("Gian hàng của chính đơn vị")), own))

    bucket, series = selectors.unit_facts_series(
        unit_id=unit.pk, since=period.start, until=period.end
    )
    buckets = _buckets(bucket, period)
    raw_series = {key: [int(series.get(b, {}).get(key) or 0) for b in buckets] for key in SERIES}

    shown_totals = dict(totals)
    shown_rows = [dict(values) for _c, _l, values in raw_rows]
    shown_series = {key: list(values) for key, values in raw_series.items()}
    if not exact:
        for key, _label in METRICS:
            if key in NOT_PERSONAL:
                continue
            tables = [[values[key] for _c, _l, values in raw_rows]] if raw_rows else []
            if key in SERIES:
                tables.append(raw_series[key])
            total, protected = (
                columns_protect(totals[key], tables)
                if tables
                else (
                    primary(totals[key]),
                    [],
                )
            )
            shown_totals[key] = total
            if raw_rows:
                for into, value in zip(shown_rows, protected[0], strict=True):
                    into[key] = value
            if key in SERIES:
                shown_series[key] = protected[-1]

    board = Dashboard(
        unit=unit,
        period=period,
        previous_period=previous_period,
        exact=exact,
        totals=shown_totals,
        previous=_shown_all(previous, exact),
        metrics=METRICS,
        bucket=bucket,
        active_share=_share(totals["active_stalls"], totals["stalls"]),
    )
    labels = dict(METRICS)
    for key in HEADLINE:
        now, then = board.totals[key], board.previous[key]
        change = "" if is_hidden(now) or is_hidden(then) else _change(totals[key], previous[key])
        board.comparison.append((key, str(labels[key]), now, then, change))
    for (child, label, values), values_shown in zip(raw_rows, shown_rows, strict=True):
        row = Row(
            unit=child,
            label=label,
            values=values_shown,
            previous={},
            is_school=child is not None and child.kind == Unit.Kind.SCHOOL,
            active_share=_share(values["active_stalls"], values["stalls"]),
        )
        delivered = (
            values_shown["orders_delivered_volunteer"],
            values_shown["orders_delivered_post"],
        )
        if values["stalls"] and all(isinstance(v, int) for v in delivered):
            row.delivered_per_stall = round(sum(delivered) / values["stalls"], 2)
        board.rows.append(row)
    ranked = sorted(
        (r for r in board.rows if r.unit is not None and r.delivered_per_stall is not None),
        key=lambda r: (-(r.delivered_per_stall or 0.0), r.label),
    )
    board.unranked = sum(1 for r in board.rows if r.unit is not None) - len(ranked)
    board.top = ranked[:RANK_SIZE]
    board.bottom = ranked[::-1][:RANK_SIZE] if len(ranked) > RANK_SIZE else []
    board.weeks = list(
        zip(buckets, shown_series["orders_placed"], shown_series["items_given"], strict=True)
    )
    if with_targets:
        board.targets = [
            target_progress(target=t, viewer_unit=unit, exact=exact)
            for t in selectors.targets_for(unit=unit, since=period.start, until=period.end)
        ]
        _trends_attach(board)
    return board


def _trends_attach(board: Dashboard) -> None:
    """Each unit below gets its progress on the per-unit targets shown on the page."""
    by_name = {r.label: r for r in board.rows if r.unit is not None}
    for progress in board.targets:
        if not progress.per_child:
            continue
        for name, actual, _ok in progress.per_unit:
            row = by_name.get(name)
            if row is None or not isinstance(actual, int):
                continue
            percent = min(100, round(actual * 100 / progress.target.value))
            row.trends.append(
                (
                    progress.target.title,
                    f"{actual}/{progress.target.value}",
                    percent,
                    percent >= progress.elapsed,
                )
            )


def _buckets(kind: str, period: Period) -> list[dt.date]:
    """Every week (Monday) or month (1st) that the period touches, empty ones included."""
    out = []
    if kind == "week":
        bucket = period.start - dt.timedelta(days=period.start.weekday())
        while bucket <= period.end:
            out.append(bucket)
            bucket += dt.timedelta(days=7)
        return out
    bucket = period.start.replace(day=1)
    while bucket <= period.end:
        out.append(bucket)
        bucket = (bucket + dt.timedelta(days=32)).replace(day=1)
    return out


def _shown_all(values: dict, exact: bool) -> dict:
    return {key: shown(value, exact=exact, key=key) for key, value in values.items()}


def _change(now, before) -> str:
    """ "+12%" / "−30%" / "mới" / "" (the caller hides it when either side is hidden)."""
    if not before:
        return "" if not now else "mới"
    percent = round((now - before) * 100 / before)
    return f"+{percent}%" if percent > 0 else (f"−{-percent}%" if percent < 0 else "0%")


def _elapsed(target: Target, today: dt.date) -> int:
    span = (target.period_end - target.period_start).days + 1
    gone = (min(today, target.period_end) - target.period_start).days + 1
    return max(0, min(100, round(gone * 100 / span)))


def target_progress(*, target: Target, viewer_unit: Unit, exact: bool) -> TargetProgress:
    """Progress of a target over its own period, for each unit below the one that set it.

    When the dashboard is of a unit below the target's unit, only that branch is shown.
    """
    base = target.unit
    scope = viewer_unit if viewer_unit.path.startswith(base.path) else base
    if scope.pk == base.pk:
        units = list(base.children.filter(is_active=True).order_by("name")) or [base]
    else:
        units = [scope]
    since, until = target.period_start, target.period_end
    facts = selectors.unit_facts_by_unit(unit_ids=[u.pk for u in units], since=since, until=until)
    progress = TargetProgress(
        target=target,
        per_unit=[],
        actual=None,
        total_units=len(units),
        elapsed=_elapsed(target, timezone.localdate()),
    )
    if target.kind in Target.PER_CHILD_KINDS:
        # Stalls are organisations, not people: these counts are never hidden.
        key = "ordering" if target.kind == Target.Kind.DIGITAL_ACTIVITY else "active"
        for unit in units:
            stalls = len(facts[unit.pk][key])
            ok = stalls >= target.value
            progress.per_unit.append((unit.name, stalls, ok))
            progress.met_units += ok
        progress.actual = f"{progress.met_units}/{len(units)}"
        progress.percent = round(progress.met_units * 100 / len(units)) if units else 0
        return progress
    values = [_total_for(target.kind, facts[unit.pk]) for unit in units]
    grand = sum(values)
    actual: object
    shown_values: list
    if exact:
        actual, shown_values = grand, values
    else:
        actual, (shown_values,) = columns_protect(grand, [values])
    progress.per_unit = [
        (unit.name, value, False) for unit, value in zip(units, shown_values, strict=True)
    ]
    progress.actual = actual
    # A percentage of a hidden count would give the count away.
    progress.percent = None if is_hidden(actual) else min(100, round(grand * 100 / target.value))
    return progress


def _total_for(kind: str, facts: dict) -> int:
    if kind == Target.Kind.VOLUNTEERS:
        return facts["volunteers"]
    if kind == Target.Kind.ITEMS_GIVEN:
        return facts["items_given"]
    return facts["orders_delivered_volunteer"] + facts["orders_delivered_post"]


# Facts change only when a rollup writes them (and targets when an officer sets one), so
# a built dashboard is kept until then: the version below moves on every such write.
CACHE_SECONDS = 60 * 60


def _version_key() -> str:
    # Per database: two deployments (or a benchmark) sharing one Redis never mix boards.
    return f"reporting:facts-version:{settings.DATABASES['default']['NAME']}"


def facts_version() -> str | None:
    return version_token(_version_key())


def facts_version_bump() -> None:
    version_token_change(_version_key())


def dashboard_cached(*, unit: Unit, period: Period, exact: bool) -> Dashboard:
    """``dashboard_build``, kept in the cache until the facts or targets change."""
    version = facts_version()
    if version is None:  # no cache (Redis down): build every time, never fail
        return dashboard_build(unit=unit, period=period, exact=exact)
    key = f"reporting:board:{settings.DATABASES['default']['NAME']}:{version}:{unit.pk}:{unit.path}:{period.start}:{period.end}:{period.compare}:{int(exact)}"
    board = cache.get(key)
    if board is None:
        board = dashboard_build(unit=unit, period=period, exact=exact)
        cache.set(key, board, CACHE_SECONDS)
    return board


def dashboards_warm(*, today: dt.date | None = None) -> int:
    """Build the default view (last 30 days) of every unit someone oversees, and of the
    units right below it, so the first page an officer opens after the night is ready."""
    from django.db.models import Q

    from reporting.periods import period_from_preset
    from tenants.models import Membership

    period = period_from_preset("30", today or timezone.localdate())
    roots = Unit.objects.filter(
        memberships__role__in=[
            Membership.Role.PROVINCE_OFFICER,
            Membership.Role.DISTRICT_OFFICER,
            Membership.Role.SCHOOL_OFFICER,
        ]
    ).distinct()
    units = Unit.objects.filter(Q(pk__in=roots) | Q(parent__in=roots), is_active=True).distinct()
    built = 0
    for unit in units:
        dashboard_cached(unit=unit, period=period, exact=False)
        built += 1
        if unit.kind == Unit.Kind.SCHOOL:
            dashboard_cached(unit=unit, period=period, exact=True)
    return built
