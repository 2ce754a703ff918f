"""Factories for distribution tests: a round over some items, requests in it."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from catalog.models import Item
from distribution.models import Request, Round
from distribution.services import Asking, request_submit, round_open
from tests.catalog.factories import item_make, recipient_make


def round_make(
    *, items: list[tuple[Item, int]] | None = None, minutes_left: float = 60, **fields
) -> Round:
    """An open round (opened an hour ago) over ``items``; call inside a stall."""
    now = timezone.now()
    if items is None:
        items = [(item_make(title="Xe đạp", quantity=3), 3)]
    return round_open(
        title=fields.pop("title", "Đợt phát xe đạp"),
        opens_at=now - dt.timedelta(hours=1),
        closes_at=now + dt.timedelta(minutes=minutes_left),
        items=items,
        **fields,
    )


def request_make(*, stall, round_: Round, phone: str, item_index: int = 0, **asking) -> Request:
    round_item = list(round_.items.order_by("pk"))[item_index]
    return request_submit(
        stall=stall,
        round_=round_,
        asking=Asking(round_item_id=round_item.pk, recipient=recipient_make(phone=phone), **asking),
    )


def round_window_end(round_: Round) -> None:
    """Move the closing time into the past (the database clock decides the close)."""
    Round.objects.filter(pk=round_.pk).update(
        closes_at=timezone.now() - dt.timedelta(seconds=1),
        opens_at=timezone.now() - dt.timedelta(hours=2),
    )
    round_.refresh_from_db()
