"""Reads on deliveries: unrouted orders, runs and routes, batches, outbox, reporting counts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from catalog.models import Order, OrderLine
from logistics.models import Notification, Parcel, PostalBatch, Route, RunStop, SaturdayRun
from logistics.runs import IN_RUN_STATES

State = Order.State


def orders_unrouted() -> QuerySet[Order]:
    """Confirmed or packed orders the router has not decided yet (a task was missed)."""
    return Order.objects.filter(
        state__in=(State.CONFIRMED, State.PACKED),
        delivery=Order.Delivery.UNDECIDED,
        delivery_overridden=False,
    ).order_by("placed_at", "pk")


def run_coming(*, today: dt.date | None = None) -> SaturdayRun | None:
    """The next run that is not finished (today's, on a Saturday)."""
    today = today or timezone.localdate()
    return (
        SaturdayRun.objects.filter(date__gte=today)
        .exclude(state=SaturdayRun.State.DONE)
        .order_by("date")
        .first()
    )


# A stop belongs on the officers' page while it is the order's current stop and the order
# can still be delivered, and for good once it has an outcome (delivered, failed).
_SHOWN = ~Q(outcome="") | Q(is_current=True, order__state__in=IN_RUN_STATES)


def runs_recent() -> QuerySet[SaturdayRun]:
    return SaturdayRun.objects.annotate(
        n_stops=Count(
            "stops",
            filter=~Q(stops__outcome="")
            | Q(stops__is_current=True, stops__order__state__in=IN_RUN_STATES),
            distinct=True,
        )
    ).order_by("-date")


def run_stops(*, run: SaturdayRun) -> QuerySet[RunStop]:
    """Every stop the run page lists: on a route or not yet, open or finished."""
    return (
        RunStop.objects.filter(run=run)
        .filter(_SHOWN)
        .select_related("order", "order__commune", "route")
        .prefetch_related("order__lines__item")
        .order_by("route__number", "position", "pk")
    )


def route_stops(*, route: Route, withdrawn: bool = False) -> QuerySet[RunStop]:
    """A route's stops in visiting order; ``withdrawn`` adds those whose order was taken
    out after planning (the volunteers' page shows them as not to be delivered)."""
    stops = RunStop.objects.filter(route=route)
    if not withdrawn:
        stops = stops.filter(_SHOWN)
    return (
        stops.select_related("order", "order__commune", "order__commune__parent")
        .prefetch_related("order__lines__item")
        .order_by("position", "pk")
    )


def run_routes(*, run: SaturdayRun) -> QuerySet[Route]:
    return (
        Route.objects.filter(run=run)
        .select_related("volunteer_a", "volunteer_b")
        .prefetch_related(
            Prefetch(
                "stops",
                queryset=RunStop.objects.filter(_SHOWN)
                .select_related("order", "order__commune")
                .order_by("position", "pk"),
            )
        )
        .order_by("number")
    )


def batches_recent() -> QuerySet[PostalBatch]:
    return PostalBatch.objects.annotate(
        n_parcels=Count("parcels", filter=Q(parcels__returned_at__isnull=True))
    ).order_by("-created_at")


def batch_parcels(*, batch: PostalBatch) -> QuerySet[Parcel]:
    return (
        Parcel.objects.filter(batch=batch)
        .select_related("order", "order__commune", "order__commune__parent", "order__province")
        .prefetch_related("order__lines__item")
        .order_by("pk")
    )


def orders_waiting_for_post() -> QuerySet[Order]:
    live = Parcel.objects.filter(order=OuterRef("pk"), returned_at__isnull=True)
    return Order.objects.filter(
        ~Exists(live),
        delivery=Order.Delivery.POST,
        state__in=(State.CONFIRMED, State.PACKED, State.FAILED),
    )


def notifications_recent() -> QuerySet[Notification]:
    return Notification.objects.select_related("order").order_by("-created_at")


def volunteer_day_summary(*, day: dt.date) -> tuple[int, float]:
    """(distinct volunteers who went out on that day, their total volunteer hours).

    A route counts when at least one of its stops was marked; each member of the pair is
    credited the run's hours per route. Counts only: nothing personal leaves the stall.
    """
    routes = (
        Route.objects.filter(run__date=day)
        .filter(Exists(RunStop.objects.filter(route=OuterRef("pk")).exclude(outcome="")))
        .select_related("run")
    )
    people: set[int] = set()
    hours = Decimal(0)
    for route in routes:
        members = {pk for pk in (route.volunteer_a_id, route.volunteer_b_id) if pk}
        people |= members
        hours += route.run.route_hours * len(members)
    return len(people), float(hours)


def deliveries_by_channel(*, day: dt.date) -> dict[str, int]:
    """Orders delivered on a day, by volunteer and by post (from the order history)."""
    rows = (
        Order.objects.filter(events__to_state=State.DELIVERED, events__at__date=day)
        .values("delivery")
        .annotate(n=Count("pk", distinct=True))
    )
    result = {Order.Delivery.VOLUNTEER.value: 0, Order.Delivery.POST.value: 0}
    for row in rows:
        if row["delivery"] in result:
            result[row["delivery"]] = row["n"]
    return result


def run_load(*, run: SaturdayRun) -> dict[str, int]:
    """The counts at the top of the run page, over exactly the stops the page lists."""
    stops = RunStop.objects.filter(run=run).filter(_SHOWN)
    load = stops.aggregate(
        total=Count("pk", distinct=True),
        routed=Count("pk", filter=Q(route__isnull=False), distinct=True),
        unrouted=Count("pk", filter=Q(route__isnull=True), distinct=True),
        delivered=Count("pk", filter=Q(outcome=RunStop.Outcome.DELIVERED), distinct=True),
        failed=Count("pk", filter=Q(outcome=RunStop.Outcome.FAILED), distinct=True),
    )
    # Summed apart: joining the order lines into the counts above would multiply them.
    load["items"] = (
        OrderLine.objects.filter(order__in=stops.values("order")).aggregate(n=Sum("quantity"))["n"]
        or 0
    )
    return load
