"""Counting one stall's days from its own schema: the source of every public fact.

Runs with the connection set to the stall. Returns plain numbers keyed by local day; no
personal data leaves this module except as HyperLogLog registers (``reporting.sketch``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from catalog.models import Donation, DonationLine, Item, Order, OrderEvent, OrderLine
from distribution.models import Request, Round, SetRequest, Wish
from reporting.forgetting import recipients_forgotten
from reporting.sketch import registers_merge, sketch_of

State = Order.State
Delivery = Order.Delivery


@dataclass
class DayCounts:
    items_received: int = 0
    items_listed: int = 0
    items_given: int = 0
    donations: int = 0
    orders_placed: int = 0
    orders_delivered_volunteer: int = 0
    orders_posted: int = 0
    orders_delivered_post: int = 0
    orders_failed: int = 0
    orders_cancelled: int = 0
    recipients: int = 0
    recipients_sketch: list[int] = field(default_factory=list)
    volunteers: int = 0
    volunteer_hours: Decimal = Decimal("0")
    rounds_held: int = 0
    round_requests: int = 0
    round_allocated: int = 0
    waitlist_served: int = 0
    wishes_met: int = 0
    sets_completed: int = 0
    set_books: int = 0


def local_bounds(since: dt.date, until: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """Aware datetimes from the start of ``since`` to the end of ``until``, local time."""
    tz = timezone.get_default_timezone()
    start = timezone.make_aware(dt.datetime.combine(since, dt.time.min), tz)
    end = timezone.make_aware(dt.datetime.combine(until + dt.timedelta(days=1), dt.time.min), tz)
    return start, end


def days_between(since: dt.date, until: dt.date) -> list[dt.date]:
    return [since + dt.timedelta(days=n) for n in range((until - since).days + 1)]


def stall_days_count(
    *, since: dt.date, until: dt.date, stall_id: int | None = None
) -> dict[dt.date, DayCounts]:
    """Every day from ``since`` to ``until`` (inclusive) of the current stall, zeros included.

    With ``stall_id``, recipients of anonymised orders are counted from what was frozen.
    """
    tz = timezone.get_default_timezone()
    start, end = local_bounds(since, until)
    days = {day: DayCounts() for day in days_between(since, until)}

    for row in (
        Donation.objects.filter(received_on__range=(since, until))
        .values("received_on")
        .annotate(n=Count("id"))
    ):
        days[row["received_on"]].donations = row["n"]
    for line_row in (
        DonationLine.objects.filter(donation__received_on__range=(since, until))
        .values("donation__received_on")
        .annotate(n=Sum("quantity"))
    ):
        days[line_row["donation__received_on"]].items_received = line_row["n"] or 0
    for item_row in (
        Item.objects.filter(created_at__gte=start, created_at__lt=end)
        .annotate(day=TruncDate("created_at", tzinfo=tz))
        .values("day")
        .annotate(n=Count("id"))
    ):
        days[item_row["day"]].items_listed = item_row["n"]

    placed = Order.objects.filter(placed_at__gte=start, placed_at__lt=end).annotate(
        day=TruncDate("placed_at", tzinfo=tz)
    )
    # An anonymised order (retention purge) keeps no phone hash: it is an order, not a person.
    people = Count("phone_hash", distinct=True, filter=~Q(phone_hash=""))
    for order_row in placed.values("day").annotate(n=Count("id"), r=people):
        days[order_row["day"]].orders_placed = order_row["n"]
        days[order_row["day"]].recipients = order_row["r"]
    hashes: dict[dt.date, list[str]] = defaultdict(list)
    for day, phone_hash in placed.values_list("day", "phone_hash").distinct():
        hashes[day].append(phone_hash)
    for day, day_hashes in hashes.items():
        days[day].recipients_sketch = sketch_of(day_hashes)
    # People whose orders were anonymised since: their count and registers were frozen
    # just before (reporting.forgetting), so a re-run never lowers a past figure.
    if stall_id is not None:
        frozen = recipients_forgotten(stall_id=stall_id, since=since, until=until)
        for day, (recipients, sketch) in frozen.items():
            days[day].recipients += recipients
            days[day].recipients_sketch = sorted(
                index * 64 + rank
                for index, rank in registers_merge([days[day].recipients_sketch, sketch]).items()
            )

    # A state reached by the same order twice in a day (failed, re-packed, failed) counts once.
    events = OrderEvent.objects.filter(at__gte=start, at__lt=end).annotate(
        day=TruncDate("at", tzinfo=tz)
    )
    for event_row in events.values("day", "to_state", "order__delivery").annotate(
        n=Count("order_id", distinct=True)
    ):
        counts, to_state, delivery, n = (
            days[event_row["day"]],
            event_row["to_state"],
            event_row["order__delivery"],
            event_row["n"],
        )
        if to_state == State.DELIVERED and delivery == Delivery.POST:
            counts.orders_delivered_post += n
        elif to_state == State.DELIVERED:
            # Undecided deliveries (handed over at the school) count with the volunteers'.
            counts.orders_delivered_volunteer += n
        elif to_state == State.HANDED_TO_POST:
            counts.orders_posted += n
        elif to_state == State.FAILED:
            counts.orders_failed += n
        elif to_state == State.CANCELLED:
            counts.orders_cancelled += n
    # DELIVERED is final: one delivered event per order, so the join does not double lines.
    for given_row in (
        OrderLine.objects.filter(
            order__events__to_state=State.DELIVERED,
            order__events__at__gte=start,
            order__events__at__lt=end,
        )
        .annotate(day=TruncDate("order__events__at", tzinfo=tz))
        .values("day")
        .annotate(n=Sum("quantity"))
    ):
        days[given_row["day"]].items_given = given_row["n"] or 0

    distribution_days_count(days=days, start=start, end=end)
    for day, counts in days.items():
        volunteers, hours = volunteer_day_summary(day=day)
        counts.volunteers = int(volunteers)
        counts.volunteer_hours = Decimal(str(round(float(hours), 2)))
    return days


def _by_day(queryset, field: str, *, start, end, total: str | None = None) -> dict:
    """{local day: count (or sum of ``total``)} of the rows whose ``field`` falls in range."""
    tz = timezone.get_default_timezone()
    rows = (
        queryset.filter(**{f"{field}__gte": start, f"{field}__lt": end})
        .annotate(day=TruncDate(field, tzinfo=tz))
        .values("day")
        .annotate(n=Sum(total) if total else Count("pk"))
    )
    return {row["day"]: row["n"] or 0 for row in rows}


def distribution_days_count(*, days: dict[dt.date, DayCounts], start, end) -> None:
    """Rounds, requests, allocations, wishes and textbook sets of the stall's days."""
    figures = {
        "rounds_held": _by_day(Round.objects.all(), "drawn_at", start=start, end=end),
        "round_requests": _by_day(Request.objects.all(), "created_at", start=start, end=end),
        "round_allocated": _by_day(
            Request.objects.filter(offered_at__isnull=False), "offered_at", start=start, end=end
        ),
        # Offered after the draw itself: a unit passed on from someone who did not take it.
        "waitlist_served": _by_day(
            Request.objects.filter(offered_at__gt=F("round__drawn_at")),
            "offered_at",
            start=start,
            end=end,
        ),
        "wishes_met": _by_day(
            Wish.objects.filter(state=Wish.State.MET), "updated_at", start=start, end=end
        ),
        "sets_completed": _by_day(SetRequest.objects.all(), "completed_at", start=start, end=end),
    }
    set_lines = _by_day(
        OrderLine.objects.filter(order__in=SetRequest.objects.values("order")),
        "order__placed_at",
        start=start,
        end=end,
        total="quantity",
    )
    set_wishes = _by_day(
        Wish.objects.filter(state=Wish.State.MET, set_request__isnull=False),
        "updated_at",
        start=start,
        end=end,
    )
    for name, by_day in figures.items():
        for day, n in by_day.items():
            setattr(days[day], name, n)
    for by_day in (set_lines, set_wishes):
        for day, n in by_day.items():
            days[day].set_books += n


def volunteer_day_summary(*, day: dt.date) -> tuple[int, float]:
    """(distinct volunteers, hours) of the current stall on a day, from logistics.

    The one place that bridges to logistics: until ``logistics.selectors`` provides
    ``volunteer_day_summary``, a stall has no recorded volunteers and this returns (0, 0.0).
    """
    try:
        from logistics.selectors import volunteer_day_summary as logistics_summary
    except (ImportError, AttributeError):
        return 0, 0.0
    return logistics_summary(day=day)
