"""A unit's dashboard for a period: totals, comparison, weekly series, units below, targets.

Everything here is counts. ``exact`` is True only for a school officer looking at their
own stall; everyone else (district, province, platform) sees any count from 1 to 4 as
"<5", so a small number never points to a person.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reporting import selectors
from reporting.models import Target
from reporting.periods import Period
from tenants.models import Stall, Unit
from tenants.selectors import user_is_stall_officer

SUPPRESSED = "<5"
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
    ("orders_cancelled", _("Đơn đã huỷ")),
    ("recipients", _("Người nhận (không trùng)")),
    ("volunteers", _("Lượt đoàn viên tình nguyện")),
    ("volunteer_hours", _("Giờ tình nguyện")),
]
# Counts about organisations or time, not people: never suppressed.
NOT_PERSONAL = {"stalls", "active_stalls", "volunteer_hours"}
HEADLINE = ["active_stalls", "items_given", "orders_placed", "recipients", "volunteers"]


def shown(value, *, exact: bool, key: str = ""):
    """The value as a person may see it: 1–4 become "<5" unless ``exact``."""
    if exact or key in NOT_PERSONAL or value is None:
        return value
    return SUPPRESSED if 0 < value < SUPPRESS_BELOW else value


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

    @property
    def cells(self) -> list:
        return [self.values[key] for key, _label in METRICS]


@dataclass
class TargetProgress:
    target: Target
    per_unit: list[tuple[str, object, bool]]  # (unit name, actual shown, met)
    actual: object
    met_units: int = 0
    total_units: int = 0
    percent: int | None = None

    @property
    def per_child(self) -> bool:
        return self.target.kind in Target.PER_CHILD_KINDS


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

    @property
    def total_cells(self) -> list:
        return [self.totals[key] for key, _label in METRICS]

    @property
    def detail(self) -> list[tuple[str, object, object]]:
        return [(label, self.totals[key], self.previous[key]) for key, label in METRICS]


def _empty() -> dict:
    values = {key: 0 for key, _label in METRICS}
    values["volunteer_hours"] = Decimal("0")
    return values


def _add(into: dict, row: dict) -> None:
    for key, value in row.items():
        if key in into:
            into[key] += value


def _group_of(stall_path: str, unit: Unit, children: list[Unit]) -> int:
    for index, child in enumerate(children):
        if stall_path.startswith(child.path):
            return index
    return len(children)  # the unit's own stall


def dashboard_build(
    *, unit: Unit, period: Period, exact: bool, with_targets: bool = True
) -> Dashboard:
    children = list(unit.children.filter(is_active=True).order_by("name"))
    stalls = list(selectors.stalls_under(unit=unit).values_list("pk", "unit__path"))
    stall_ids = [pk for pk, _path in stalls]
    groups = {pk: _group_of(path, unit, children) for pk, path in stalls}
    previous_period = period.previous()

    current = selectors.facts_by_stall(stall_ids=stall_ids, since=period.start, until=period.end)
    before = selectors.facts_by_stall(
        stall_ids=stall_ids, since=previous_period.start, until=previous_period.end
    )
    totals, previous = _empty(), _empty()
    by_group = {g: (_empty(), _empty()) for g in range(len(children) + 1)}
    for pk, group in groups.items():
        cur, prev = by_group[group]
        cur["stalls"] += 1
        prev["stalls"] += 1
        for facts, into in ((current.get(pk), cur), (before.get(pk), prev)):
            if facts is None:
                continue
            _add(into, facts)
            if (
                facts["orders_placed"]
                or facts["items_received"]
                or facts["items_listed"]
                or facts["items_given"]
            ):
                into["active_stalls"] += 1
    for cur, prev in by_group.values():
        _add(totals, cur)
        _add(previous, prev)
    totals["stalls"] = previous["stalls"] = len(stalls)
    # Summed daily distinct counts over-count people who came back: use the sketches.
    totals["recipients"], per_group = selectors.recipients_distinct(
        groups=groups, since=period.start, until=period.end
    )
    previous["recipients"], per_group_before = selectors.recipients_distinct(
        groups=groups, since=previous_period.start, until=previous_period.end
    )
    for group, (cur, prev) in by_group.items():
        cur["recipients"] = per_group.get(group, 0)
        prev["recipients"] = per_group_before.get(group, 0)

    board = Dashboard(
        unit=unit,
        period=period,
        previous_period=previous_period,
        exact=exact,
        totals=_shown_all(totals, exact),
        previous=_shown_all(previous, exact),
        metrics=METRICS,
    )
    labels = dict(METRICS)
    for key in HEADLINE:
        board.comparison.append(
            (
                key,
                labels[key],
                board.totals[key],
                board.previous[key],
                _change(totals[key], previous[key], exact, key),
            )
        )
    for index, child in enumerate(children):
        cur, prev = by_group[index]
        board.rows.append(
            Row(
                unit=child,
                label=child.name,
                values=_shown_all(cur, exact),
                previous=_shown_all(prev, exact),
                is_school=child.kind == Unit.Kind.SCHOOL,
            )
        )
    own_cur, own_prev = by_group[len(children)]
    if own_cur["stalls"] and children:
        board.rows.append(
            Row(
                unit=None,
                label=str(_("Gian hàng của chính đơn vị")),
                values=_shown_all(own_cur, exact),
                previous=_shown_all(own_prev, exact),
            )
        )
    board.bucket, series = selectors.facts_series(
        stall_ids=stall_ids, since=period.start, until=period.end
    )
    for bucket in _buckets(board.bucket, period):
        values = series.get(bucket, {})
        board.weeks.append(
            (
                bucket,
                shown(values.get("orders_placed", 0) or 0, exact=exact),
                shown(values.get("items_given", 0) or 0, exact=exact),
            )
        )
    if with_targets:
        board.targets = [
            target_progress(target=t, viewer_unit=unit, exact=exact)
            for t in selectors.targets_for(unit=unit, since=period.start, until=period.end)
        ]
    return board


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


def _change(now, before, exact: bool, key: str) -> str:
    """ "+12%" / "−30%" / "" — hidden when either side is suppressed (it would give it away)."""
    if (
        not exact
        and key not in NOT_PERSONAL
        and (0 < now < SUPPRESS_BELOW or 0 < before < SUPPRESS_BELOW)
    ):
        return ""
    if not before:
        return "" if not now else "mới"
    percent = round((now - before) * 100 / before)
    return f"+{percent}%" if percent > 0 else (f"−{-percent}%" if percent < 0 else "0%")


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
    per_unit: list[tuple[str, object, bool]] = []
    met = 0
    grand = 0
    for unit in units:
        stall_ids = list(selectors.stalls_under(unit=unit).values_list("pk", flat=True))
        if target.kind in Target.PER_CHILD_KINDS:
            actual = len(
                selectors.active_stall_ids(
                    stall_ids=stall_ids,
                    since=since,
                    until=until,
                    orders_only=target.kind == Target.Kind.DIGITAL_ACTIVITY,
                )
            )
            ok = actual >= target.value
            per_unit.append((unit.name, actual, ok))
        else:
            actual = _total_for(target.kind, stall_ids, since, until)
            ok = False
            per_unit.append((unit.name, shown(actual, exact=exact), ok))
        met += ok
        grand += actual
    progress = TargetProgress(
        target=target, per_unit=per_unit, actual=None, met_units=met, total_units=len(units)
    )
    if target.kind in Target.PER_CHILD_KINDS:
        progress.actual = f"{met}/{len(units)}"
        progress.percent = round(met * 100 / len(units)) if units else 0
    else:
        progress.actual = shown(grand, exact=exact)
        # A percentage of a suppressed count would give the count away.
        progress.percent = (
            None if progress.actual == SUPPRESSED else min(100, round(grand * 100 / target.value))
        )
        progress.per_unit = [(name, value, False) for name, value, _ok in per_unit]
    return progress


def _total_for(kind: str, stall_ids: list[int], since: dt.date, until: dt.date) -> int:
    facts = selectors.facts_by_stall(stall_ids=stall_ids, since=since, until=until).values()
    if kind == Target.Kind.VOLUNTEERS:
        return sum(f["volunteers"] for f in facts)
    if kind == Target.Kind.ITEMS_GIVEN:
        return sum(f["items_given"] for f in facts)
    return sum(f["orders_delivered_volunteer"] + f["orders_delivered_post"] for f in facts)


# Facts change only when a rollup writes them (and targets when an officer sets one), so
# a built dashboard is kept until then: the version below moves on every such write.
CACHE_SECONDS = 60 * 60


def _version_key() -> str:
    # Per database: two deployments (or a benchmark) sharing one Redis never mix boards.
    return f"reporting:facts-version:{settings.DATABASES['default']['NAME']}"


def facts_version() -> int:
    return int(cache.get_or_set(_version_key(), 1, timeout=None) or 0)


def facts_version_bump() -> None:
    try:
        cache.incr(_version_key())
    except ValueError:  # no version yet (or the cache was flushed): any new value will do
        cache.set(_version_key(), 2, timeout=None)


def dashboard_cached(*, unit: Unit, period: Period, exact: bool) -> Dashboard:
    """``dashboard_build``, kept in the cache until the facts or targets change."""
    version = facts_version()
    if not version:  # no cache (Redis down): build every time, never fail
        return dashboard_build(unit=unit, period=period, exact=exact)
    key = f"reporting:board:{settings.DATABASES['default']['NAME']}:{version}:{unit.pk}:{unit.path}:{period.start}:{period.end}:{int(exact)}"
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
