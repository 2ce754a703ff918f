"""Saturday runs: volunteers sign up, stops are planned into routes, volunteers mark outcomes."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, Max, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import Order
from catalog.services import order_transition
from core.tenancy import current_schema
from logistics.models import Route, RunSignup, RunStop, SaturdayRun, Volunteer
from logistics.planner import plan_routes
from logistics.volunteers import VOLUNTEER_GUARDIAN_AGE, volunteer_may_deliver
from logistics.zones import StallZone, current_zone

logger = logging.getLogger(__name__)

State = Order.State
SATURDAY = 5
# After this many failed Saturday visits an order goes by post instead.
MAX_VOLUNTEER_ATTEMPTS = 2
LINK_SALT = "logistics.route-link"

# Where an order may be in a run: waiting in it, put on a route, marked by a volunteer.
IN_RUN_STATES = (State.CONFIRMED, State.PACKED, State.ROUTED, State.OUT_FOR_DELIVERY)
ON_ROUTE_STATES = (State.PACKED, State.ROUTED, State.OUT_FOR_DELIVERY)
MARKABLE_STATES = (State.ROUTED, State.OUT_FOR_DELIVERY)


class RunError(Exception):
    """A run or stop change cannot be made; the message says why and what to do."""


def saturday_on_or_after(day: dt.date) -> dt.date:
    return day + dt.timedelta(days=(SATURDAY - day.weekday()) % 7)


def run_get_or_create(*, date: dt.date) -> SaturdayRun:
    if date.weekday() != SATURDAY:
        raise RunError(_("Ngày %(d)s không phải thứ Bảy.") % {"d": f"{date:%d/%m/%Y}"})
    run, _created = SaturdayRun.objects.get_or_create(date=date)
    return run


def run_for_new_stops(*, after: dt.date | None = None) -> SaturdayRun:
    """The first Saturday run (from today, or after a given day) still taking orders."""
    day = saturday_on_or_after(after + dt.timedelta(days=1) if after else timezone.localdate())
    for _week in range(52):
        run = run_get_or_create(date=day)
        if run.state == SaturdayRun.State.OPEN:
            return run
        day += dt.timedelta(days=7)
    raise RunError(_("Không tìm được chuyến thứ Bảy nào còn nhận đơn."))


def order_not_deliverable(order: Order) -> RunError:
    """The refusal for an order that cannot be delivered in a run as it stands."""
    if order.state == State.CANCELLED:
        return RunError(_("Đơn %(code)s đã hủy, không giao.") % {"code": order.code})
    if order.state == State.DELIVERED:
        return RunError(_("Đơn %(code)s đã giao xong rồi.") % {"code": order.code})
    if order.state in (State.PLACED, State.CONFIRMED):
        return RunError(
            _("Đơn %(code)s chưa đóng gói. Hãy đóng gói đơn trước khi xếp vào tuyến.")
            % {"code": order.code}
        )
    return RunError(
        _("Đơn %(code)s đang “%(state)s”, không giao trong chuyến này được.")
        % {"code": order.code, "state": order.get_state_display()}
    )


def stop_add(*, order_id: int, run: SaturdayRun) -> RunStop | None:
    """Put an order in a run, unless it already has a current stop (then nothing changes).

    Only an order that can still be delivered goes in: a cancelled or finished one is refused.
    """
    order = Order.objects.filter(pk=order_id).only("pk", "code", "state").first()
    if order is None or order.state not in IN_RUN_STATES:
        raise order_not_deliverable(order) if order else RunError(_("Không tìm thấy đơn."))
    try:
        with transaction.atomic():
            return RunStop.objects.create(order_id=order_id, run=run)
    except IntegrityError:
        return None


def volunteer_signup(*, volunteer: Volunteer, run: SaturdayRun) -> RunSignup:
    if not volunteer_may_deliver(volunteer):
        raise RunError(
            _(
                "%(name)s chưa thể đi giao: đoàn viên dưới %(age)d tuổi cần cha mẹ đồng ý "
                "trước (ghi ngày đồng ý trong hồ sơ)."
            )
            % {"name": volunteer.name, "age": VOLUNTEER_GUARDIAN_AGE}
        )
    if run.state not in (SaturdayRun.State.OPEN, SaturdayRun.State.PLANNED):
        raise RunError(_("Chuyến này đã bắt đầu hoặc đã xong, không đăng ký thêm được."))
    signup, _created = RunSignup.objects.get_or_create(run=run, volunteer=volunteer)
    return signup


def _pairs(volunteers: list[Volunteer]) -> list[tuple[Volunteer, Volunteer | None]]:
    # Classmates together: they know each other and leave school at the same time.
    ordered = sorted(volunteers, key=lambda v: (v.chi_doan, v.name, v.pk))
    pairs: list[tuple[Volunteer, Volunteer | None]] = [
        (ordered[i], ordered[i + 1]) for i in range(0, len(ordered) - 1, 2)
    ]
    if len(ordered) % 2 and not pairs:
        pairs.append((ordered[-1], None))
    return pairs


def _coordinates(orders: list[Order], zone: StallZone) -> tuple[tuple[float, float], list]:
    depot = (zone.latitude or 0.0, zone.longitude or 0.0)
    points = []
    for order in orders:
        commune = order.commune
        if commune is not None and commune.latitude is not None:
            points.append((commune.latitude, commune.longitude))
        else:
            points.append(depot)
    return depot, points


def stop_withdraw(*, order_id: int) -> int:
    """Take an order that can no longer be delivered out of its run. Returns stops touched.

    A stop not yet on a route is deleted. A stop already on a route stays there, no longer
    current, so the volunteers' page says the order is not to be delivered; finished stops
    (delivered, failed) are history and are never touched.
    """
    with transaction.atomic():
        pending = RunStop.objects.filter(order_id=order_id, is_current=True, outcome="")
        deleted, _kinds = pending.filter(route__isnull=True).delete()
        kept = pending.filter(route__isnull=False).update(is_current=False)
    return deleted + kept


def _stops_withdraw_stale(run: SaturdayRun) -> None:
    """Stops whose order was cancelled or finished elsewhere leave the run before planning."""
    for order_id in (
        run.stops.filter(is_current=True, outcome="")
        .exclude(order__state__in=IN_RUN_STATES)
        .values_list("order_id", flat=True)
    ):
        stop_withdraw(order_id=order_id)


@transaction.atomic
def run_plan(*, run: SaturdayRun, seconds: float = 2.0, actor=None) -> SaturdayRun:
    """Split the run's open, packed stops into routes for pairs of signed-up volunteers.

    Planning again moves only the open stops: finished stops (delivered, failed) keep their
    route and place, and a route with finished stops is kept. Links sent to volunteers for
    the earlier plan stop working. Stops that do not fit stay without a route, shown to the
    officer.
    """
    run = SaturdayRun.objects.select_for_update().get(pk=run.pk)
    if run.state not in (SaturdayRun.State.OPEN, SaturdayRun.State.PLANNED):
        raise RunError(
            _("Chuyến %(d)s đã bắt đầu giao, không chia tuyến lại được.")
            % {"d": f"{run.date:%d/%m/%Y}"}
        )
    # Stops left over from earlier runs (not planned, or never started) come along.
    RunStop.objects.filter(
        is_current=True,
        outcome="",
        run__date__lt=run.date,
        order__state__in=(State.CONFIRMED, State.PACKED, State.ROUTED),
    ).update(run=run, route=None, position=0)
    _stops_withdraw_stale(run)
    stops = list(
        run.stops.filter(is_current=True, outcome="", order__state__in=(State.PACKED, State.ROUTED))
        .select_related("order__commune")
        .order_by("order__placed_at", "pk")
    )
    unpacked = run.stops.filter(is_current=True, outcome="", order__state=State.CONFIRMED).count()
    if not stops:
        message = _("Không có điểm giao nào cần chia tuyến.")
        if unpacked:
            message += " " + (
                _("%(n)d đơn chưa đóng gói: hãy đóng gói rồi chia tuyến.") % {"n": unpacked}
            )
        raise RunError(message)
    volunteers = [
        s.volunteer
        for s in run.signups.select_related("volunteer")
        if volunteer_may_deliver(s.volunteer)
    ]
    pairs = _pairs(volunteers)
    if not pairs:
        raise RunError(
            _(
                "Chưa có đoàn viên nào đăng ký (và được phép) đi giao chuyến này. "
                "Hãy thêm đăng ký rồi chia tuyến lại."
            )
        )
    # Only open stops move; routes holding finished stops stay, the others are rebuilt.
    RunStop.objects.filter(run=run, is_current=True, outcome="").update(route=None, position=0)
    finished = RunStop.objects.filter(route=OuterRef("pk")).exclude(outcome="")
    run.routes.filter(~Exists(finished)).delete()
    kept = {(r.volunteer_a_id, r.volunteer_b_id): r for r in run.routes.all()}
    number = run.routes.aggregate(m=Max("number"))["m"] or 0
    # A pair whose route already has finished stops has that much less room left.
    done = {r.pk: r.stops.exclude(outcome="").count() for r in kept.values()}
    routes_of_pairs = [kept.get((a.pk, b.pk if b else None)) for a, b in pairs]
    zone = current_zone()
    depot, points = _coordinates([s.order for s in stops], zone)
    plan = plan_routes(
        depot=depot,
        stops=points,
        pairs=len(pairs),
        capacity=run.pair_capacity,
        seconds=seconds,
        capacities=[max(run.pair_capacity - (done[r.pk] if r else 0), 0) for r in routes_of_pairs],
    )
    for (first, second), route, visit, metres in zip(
        pairs, routes_of_pairs, plan.routes, plan.metres, strict=True
    ):
        if not visit:
            continue
        if route is None:
            number += 1
            route = Route.objects.create(
                run=run,
                number=number,
                volunteer_a=first,
                volunteer_b=second,
                capacity=run.pair_capacity,
                distance_km=metres / 1000,
            )
        else:
            Route.objects.filter(pk=route.pk).update(distance_km=metres / 1000)
        start = RunStop.objects.filter(route=route).aggregate(m=Max("position"))["m"] or 0
        for position, index in enumerate(visit, start=start + 1):
            stop = stops[index]
            RunStop.objects.filter(pk=stop.pk).update(route=route, position=position)
            if stop.order.state == State.PACKED:
                order_transition(
                    order=stop.order,
                    to_state=State.ROUTED,
                    actor=actor,
                    expected_from=State.PACKED,
                    public_note=_("Xếp vào chuyến thứ Bảy %(d)s") % {"d": f"{run.date:%d/%m/%Y}"},
                )
    for index in plan.dropped:
        order = stops[index].order
        if order.state == State.ROUTED:
            order_transition(
                order=order, to_state=State.PACKED, actor=actor, expected_from=State.ROUTED
            )
    # Links sent for the earlier plan show an out-of-date list: they stop working.
    run.routes.filter(pk__in=[r.pk for r in kept.values()]).update(
        token_version=F("token_version") + 1
    )
    notes = []
    if plan.dropped:
        notes.append(
            _("%(n)d điểm vượt sức chở của các cặp, chưa có tuyến.") % {"n": len(plan.dropped)}
        )
    if unpacked:
        notes.append(_("%(n)d đơn chưa đóng gói nên chưa xếp tuyến.") % {"n": unpacked})
    if len(volunteers) % 2 and len(volunteers) > 1:
        notes.append(_("Có một đoàn viên lẻ chưa ghép cặp."))
    run.state = SaturdayRun.State.PLANNED
    run.planned_at = timezone.now()
    run.plan_note = " ".join(notes)[:300]
    run.save(update_fields=["state", "planned_at", "plan_note"])
    return run


def _renumber(route_id: int | None) -> None:
    if route_id is None:
        return
    for position, pk in enumerate(
        RunStop.objects.filter(route_id=route_id, is_current=True)
        .order_by("position", "pk")
        .values_list("pk", flat=True),
        start=1,
    ):
        RunStop.objects.filter(pk=pk).update(position=position)


@transaction.atomic
def stop_move(*, stop: RunStop, route: Route | None, actor=None) -> RunStop:
    """An officer moves a stop to another route of the same run (to the end of it)."""
    stop = RunStop.objects.select_for_update().select_related("run", "order").get(pk=stop.pk)
    if route is not None and route.run_id != stop.run_id:
        raise RunError(_("Chỉ chuyển được sang một tuyến của cùng chuyến."))
    if stop.outcome:
        raise RunError(_("Điểm này đã được đánh dấu giao xong/không thành, không chuyển được."))
    if stop.run.state not in (SaturdayRun.State.PLANNED, SaturdayRun.State.IN_PROGRESS):
        raise RunError(_("Hãy chia tuyến cho chuyến trước khi chuyển điểm giao."))
    if route is not None and (not stop.is_current or stop.order.state not in ON_ROUTE_STATES):
        raise order_not_deliverable(stop.order)
    if not stop.is_current:
        raise RunError(_("Điểm này không còn trong chuyến."))
    old_route = stop.route_id
    if route is not None and stop.order.state == State.PACKED:
        order_transition(
            order=stop.order, to_state=State.ROUTED, actor=actor, expected_from=State.PACKED
        )
    last = RunStop.objects.filter(route=route).aggregate(m=Max("position"))["m"] or 0
    RunStop.objects.filter(pk=stop.pk).update(route=route, position=last + 1 if route else 0)
    _renumber(old_route)
    stop.refresh_from_db()
    return stop


@transaction.atomic
def run_start(*, run: SaturdayRun, actor=None) -> SaturdayRun:
    """Saturday morning: the planned run goes out; recipients hear their order is coming."""
    updated = SaturdayRun.objects.filter(pk=run.pk, state=SaturdayRun.State.PLANNED).update(
        state=SaturdayRun.State.IN_PROGRESS
    )
    if not updated:
        run.refresh_from_db()
        if run.state == SaturdayRun.State.IN_PROGRESS:
            return run
        raise RunError(_("Hãy chia tuyến trước khi bắt đầu giao."))
    for stop in run.stops.filter(
        is_current=True, route__isnull=False, order__state=State.ROUTED
    ).select_related("order"):
        order_transition(
            order=stop.order,
            to_state=State.OUT_FOR_DELIVERY,
            actor=actor,
            expected_from=State.ROUTED,
        )
    run.refresh_from_db()
    return run


@transaction.atomic
def stop_mark(*, stop: RunStop, outcome: str, reason: str = "", note: str = "") -> RunStop:
    """A volunteer marks a stop delivered or failed (with a reason). Repeating is harmless."""
    if outcome not in (RunStop.Outcome.DELIVERED, RunStop.Outcome.FAILED):
        raise RunError(_("Hãy chọn “đã giao” hoặc “không giao được”."))
    if outcome == RunStop.Outcome.FAILED and reason not in RunStop.FailReason.values:
        raise RunError(_("Hãy chọn lý do không giao được."))
    stop = RunStop.objects.select_related("run", "order").get(pk=stop.pk)
    if stop.route_id is None:
        raise RunError(_("Điểm này chưa thuộc tuyến nào."))
    if stop.outcome == outcome:
        return stop  # a double tap on a slow connection
    if stop.run.state not in (SaturdayRun.State.PLANNED, SaturdayRun.State.IN_PROGRESS):
        raise RunError(_("Chuyến này đã kết thúc."))
    if not stop.outcome and (not stop.is_current or stop.order.state not in MARKABLE_STATES):
        if stop.order.state in (State.CANCELLED, State.DELIVERED):
            raise order_not_deliverable(stop.order)
        raise RunError(
            _("Đơn %(code)s không còn trong tuyến này. Đừng giao; hãy báo cán bộ Đoàn.")
            % {"code": stop.order.code}
        )
    won = RunStop.objects.filter(pk=stop.pk, outcome="", is_current=True).update(
        outcome=outcome,
        reason=reason if outcome == RunStop.Outcome.FAILED else "",
        reason_note=note[:200],
        marked_at=timezone.now(),
    )
    if not won:
        stop.refresh_from_db()
        if stop.outcome == outcome:
            return stop  # a double tap on a slow connection
        raise RunError(
            _("Điểm này đã được đánh dấu “%(o)s” rồi. Nếu nhầm, hãy báo cán bộ Đoàn.")
            % {"o": stop.get_outcome_display()}
        )
    order = stop.order
    if order.state == State.ROUTED:
        order = order_transition(
            order=order, to_state=State.OUT_FOR_DELIVERY, expected_from=State.ROUTED
        )
    if outcome == RunStop.Outcome.DELIVERED:
        order_transition(order=order, to_state=State.DELIVERED, expected_from=order.state)
    else:
        order = order_transition(
            order=order,
            to_state=State.FAILED,
            expected_from=order.state,
            public_note=str(RunStop.FailReason(reason).label),
        )
        _stop_retry(stop=stop, order=order, reason=reason)
    if not RunStop.objects.filter(
        run=stop.run, route__isnull=False, outcome="", is_current=True
    ).exists():
        SaturdayRun.objects.filter(pk=stop.run_id).exclude(state=SaturdayRun.State.DONE).update(
            state=SaturdayRun.State.DONE
        )
    stop.refresh_from_db()
    return stop


def _stop_retry(*, stop: RunStop, order: Order, reason: str) -> None:
    """A failed visit: back into the next run, or to post after too many tries."""
    RunStop.objects.filter(pk=stop.pk).update(is_current=False)
    order = order_transition(
        order=order, to_state=State.PACKED, expected_from=State.FAILED, public_note=_("Sẽ giao lại")
    )
    attempts = RunStop.objects.filter(order=order, outcome=RunStop.Outcome.FAILED).count()
    if attempts >= MAX_VOLUNTEER_ATTEMPTS or reason == RunStop.FailReason.WRONG_ADDRESS:
        Order.objects.filter(pk=order.pk).update(delivery=Order.Delivery.POST)
    else:
        stop_add(order_id=order.pk, run=run_for_new_stops(after=stop.run.date))


# --- Volunteer links ---------------------------------------------------------------------


def route_link_token(*, route: Route) -> str:
    """A signed, expiring token for the route's phone page; tied to this stall's schema."""
    signer = signing.TimestampSigner(salt=LINK_SALT)
    schema = current_schema()
    return signer.sign(f"{schema}:{route.pk}:{route.token_version}")


def route_from_token(*, token: str) -> Route:
    """The route a link opens, or ``signing.BadSignature`` (wrong, altered, expired, revoked)."""
    signer = signing.TimestampSigner(salt=LINK_SALT)
    max_age = settings.LOGISTICS_ROUTE_LINK_MAX_AGE
    value = signer.unsign(token, max_age=dt.timedelta(seconds=max_age))
    schema, route_id, version = value.split(":")
    if schema != current_schema():
        raise signing.BadSignature("link of another stall")
    route = (
        Route.objects.select_related("run", "volunteer_a", "volunteer_b")
        .filter(pk=int(route_id), token_version=int(version))
        .first()
    )
    if route is None:
        raise signing.BadSignature("route replanned or gone")
    return route
