"""Near or far: the routing decision for confirmed orders, automatic or overridden by officers."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils.translation import gettext as _

from catalog.models import Order
from catalog.services import order_transition
from logistics.batches import parcel_remove_from_draft
from logistics.models import RoutingDecision, RunStop
from logistics.runs import run_for_new_stops, stop_add
from logistics.selectors import orders_unrouted
from logistics.zones import StallZone, current_zone

logger = logging.getLogger(__name__)

State = Order.State
Delivery = Order.Delivery
ROUTABLE_STATES = (State.CONFIRMED, State.PACKED)


class RoutingError(Exception):
    """An officer's routing change cannot be made; the message says why, in Vietnamese."""


def order_route(
    *,
    order_id: int,
    source: str = RoutingDecision.Source.TASK,
    zone: StallZone | None = None,
    run=None,
) -> RoutingDecision | None:
    """Decide near/far for one order, once. Returns None when there is nothing to decide.

    Safe to run any number of times, concurrently: the decision is a conditional UPDATE on
    an undecided order, and the run stop and decision rows are unique per order.
    """

    order = (
        Order.objects.filter(pk=order_id)
        .select_related("commune")
        .only(
            "pk",
            "state",
            "delivery",
            "delivery_overridden",
            "commune__latitude",
            "commune__longitude",
            "commune_id",
        )
        .first()
    )
    if order is None or order.delivery or order.delivery_overridden:
        return None
    if order.state not in ROUTABLE_STATES:
        return None
    zone = zone or current_zone()
    commune = order.commune
    delivery, km, reason = zone.decide(
        commune_id=order.commune_id,
        latitude=commune.latitude if commune else None,
        longitude=commune.longitude if commune else None,
    )
    with transaction.atomic():
        won = Order.objects.filter(
            pk=order.pk,
            delivery=Delivery.UNDECIDED,
            delivery_overridden=False,
            state__in=ROUTABLE_STATES,
        ).update(delivery=delivery)
        if not won:
            return None
        decision = RoutingDecision.objects.create(
            order_id=order.pk, delivery=delivery, source=source, distance_km=km, reason=reason[:200]
        )
        if delivery == Delivery.VOLUNTEER:
            stop_add(order_id=order.pk, run=run or run_for_new_stops())
    return decision


def orders_route_sweep(*, limit: int = 50_000, chunk: int = 500) -> int:
    """Route every confirmed or packed order still undecided (missed tasks). Returns count.

    Works in chunks, one transaction each: the chunk's rows are locked (rows a concurrent
    task holds are skipped, it is deciding them), decided in memory and written in bulk.
    """

    zone = current_zone()
    routed = 0
    run = None
    while routed < limit:
        with transaction.atomic():
            rows = list(
                orders_unrouted()
                .select_for_update(skip_locked=True, of=("self",))
                .values_list("pk", "commune_id", "commune__latitude", "commune__longitude")[
                    : min(chunk, limit - routed)
                ]
            )
            if not rows:
                break
            by_delivery: dict[str, list[int]] = {}
            decisions = []
            for pk, commune_id, lat, lon in rows:
                delivery, km, reason = zone.decide(
                    commune_id=commune_id, latitude=lat, longitude=lon
                )
                by_delivery.setdefault(delivery, []).append(pk)
                decisions.append(
                    RoutingDecision(
                        order_id=pk,
                        delivery=delivery,
                        source=RoutingDecision.Source.SWEEP,
                        distance_km=km,
                        reason=reason[:200],
                    )
                )
            # The rows are locked and were undecided: these updates cannot lose a race.
            for delivery, ids in by_delivery.items():
                Order.objects.filter(pk__in=ids, delivery=Delivery.UNDECIDED).update(
                    delivery=delivery
                )
            RoutingDecision.objects.bulk_create(decisions, ignore_conflicts=True)
            near = by_delivery.get(Delivery.VOLUNTEER, [])
            if near:
                run = run or run_for_new_stops()
                RunStop.objects.bulk_create(
                    [RunStop(order_id=pk, run=run) for pk in near], ignore_conflicts=True
                )
            routed += len(rows)
    return routed


@transaction.atomic
def order_delivery_override(*, order: Order, delivery: str, actor=None) -> Order:
    """An officer sends an order by volunteer or by post, whatever the router said."""

    if delivery not in (Delivery.VOLUNTEER, Delivery.POST):
        raise RoutingError(_("Hãy chọn “đoàn viên giao” hoặc “gửi bưu điện”."))
    order = Order.objects.select_for_update().get(pk=order.pk)
    movable = (State.CONFIRMED, State.PACKED, State.ROUTED, State.FAILED)
    if order.state not in movable:
        raise RoutingError(
            _("Đơn %(code)s đang “%(state)s”: không đổi cách giao được nữa.")
            % {"code": order.code, "state": order.get_state_display()}
        )
    if order.delivery == delivery and order.delivery_overridden:
        return order
    stop = RunStop.objects.filter(order=order, is_current=True).select_related("run").first()
    if delivery == Delivery.POST and stop is not None:
        if stop.outcome or stop.run.state not in ("open", "planned"):
            raise RoutingError(
                _("Đơn %(code)s đang trên đường giao, không chuyển sang bưu điện được.")
                % {"code": order.code}
            )
        stop.delete()
    if delivery == Delivery.VOLUNTEER:
        parcel_remove_from_draft(order=order)
    order.refresh_from_db()
    if order.state in (State.ROUTED, State.FAILED):
        order = order_transition(
            order=order, to_state=State.PACKED, actor=actor, public_note=_("Đổi cách giao")
        )
    Order.objects.filter(pk=order.pk).update(delivery=delivery, delivery_overridden=True)
    RoutingDecision.objects.update_or_create(
        order=order,
        defaults={
            "delivery": delivery,
            "source": RoutingDecision.Source.OFFICER,
            "distance_km": None,
            "reason": _("Cán bộ chọn."),
        },
    )
    if delivery == Delivery.VOLUNTEER and stop is None:
        stop_add(order_id=order.pk, run=run_for_new_stops())
    order.refresh_from_db()
    return order
