"""Fifty requests in the last second of the window, the close in the middle of them: each
is recorded and in the frozen list, or clearly refused; nothing in between."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.db import connection
from django.utils import timezone

from distribution import draw
from distribution.models import Request, Round
from distribution.services import RequestRefused, RoundError, round_close
from tenants.models import Stall
from tests.catalog.factories import item_make
from tests.conftest import in_stall
from tests.distribution.factories import request_make, round_make
from tests.support.races import race

pytestmark = pytest.mark.slow

REQUESTS = 50


def _sleep_until(moment: dt.datetime) -> None:
    pause = (moment - timezone.now()).total_seconds()
    if pause > 0:
        time.sleep(pause)


def test_fifty_requests_at_the_close_are_all_recorded_or_clearly_refused(live_stall_factory):
    stall = live_stall_factory()
    with in_stall(stall):
        bike = item_make(title="Xe đạp", quantity=5)
        round_ = round_make(items=[(bike, 5)], minutes_left=60)
    closes_at = timezone.now() + dt.timedelta(seconds=3)
    with in_stall(stall):
        Round.objects.filter(pk=round_.pk).update(closes_at=closes_at)
        round_.refresh_from_db()
    # Requests spread over the last half second of the window and the first after it.
    start = closes_at - dt.timedelta(milliseconds=500)

    def work(n: int):
        connection.set_schema_to_public()
        connection.set_tenant(Stall.objects.get(pk=stall.pk))
        if n == REQUESTS:  # the closer: the beat's sweep, as soon as the time has come
            _sleep_until(closes_at)
            while True:
                try:
                    return round_close(round_=round_)
                except RoundError:
                    time.sleep(0.005)
        _sleep_until(start + dt.timedelta(milliseconds=20 * n))
        return request_make(stall=stall, round_=round_, phone=f"0913{n:06d}")

    outcomes = race(REQUESTS + 1, work)

    closed = outcomes[REQUESTS]
    assert isinstance(closed, Round), closed
    recorded = [o for o in outcomes[:REQUESTS] if isinstance(o, Request)]
    refused = [o for o in outcomes[:REQUESTS] if isinstance(o, RequestRefused)]
    assert len(recorded) + len(refused) == REQUESTS, outcomes
    assert recorded, "no request came before the close"
    assert refused, "no request came after the close"
    assert all(r.code == "closed" and "đã đóng đăng ký" in r.message for r in refused)
    with in_stall(stall):
        round_.refresh_from_db()
        published = {e.code for e in draw.published_parse(round_.published_list)}
        in_database = set(Request.objects.filter(round=round_).values_list("code", flat=True))
        assert published == in_database == {r.code for r in recorded}
        assert all(r.created_at < round_.closes_at for r in recorded)
        assert round_.closed_at >= round_.closes_at
