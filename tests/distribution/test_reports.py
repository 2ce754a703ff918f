"""Fair distribution in the public facts: counts only (rounds, requests, allocations, the
waitlist served, wishes met, sets completed and their books)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from distribution.models import Request, TextbookSeries, TextbookSubject
from distribution.services import allocations_pass_on_due, round_close, round_draw
from distribution.textbooks import set_request_place, textbook_intake
from reporting.models import DailyFact
from reporting.services import facts_rollup_stall
from tests.catalog.factories import item_make, recipient_make
from tests.conftest import in_stall
from tests.distribution.factories import request_make, round_make, round_window_end

pytestmark = pytest.mark.django_db


def test_the_rollup_counts_rounds_allocations_wishes_and_sets(
    stall_a, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    later = timezone.now() + dt.timedelta(days=4)
    with in_stall(stall_a):
        bike = item_make(title="Xe đạp", quantity=2)
        round_ = round_make(items=[(bike, 2)], hold_days=3)
        for n in range(5):
            request_make(stall=stall_a, round_=round_, phone=f"09128880{n:02d}")
        round_window_end(round_)
        round_close(round_=round_)
        round_draw(round_=round_, public_number="556677")
        assert allocations_pass_on_due(now=later) == 2  # neither winner confirmed in time

        series = TextbookSeries.objects.get(slug="canh-dieu")
        subjects = list(TextbookSubject.objects.filter(grade=1).order_by("position"))
        with django_capture_on_commit_callbacks(execute=True):
            textbook_intake(series=series, quantities={s.pk: 1 for s in subjects[:3]})
        asked = set_request_place(grade=1, series=series, recipient=recipient_make())
        full = TextbookSeries.objects.get(slug="chan-troi-sang-tao")
        with django_capture_on_commit_callbacks(execute=True):
            textbook_intake(series=full, quantities={s.pk: 1 for s in subjects})
        complete = set_request_place(grade=1, series=full, recipient=recipient_make())
        assert asked.set_request.completed_at is None
        assert complete.set_request.completed_at is not None
        requests_today = Request.objects.count()

    facts_rollup_stall(stall=stall_a, since=today, until=today + dt.timedelta(days=5))
    day = DailyFact.objects.get(stall=stall_a, day=today)
    assert day.rounds_held == 1
    assert day.round_requests == requests_today == 5
    assert day.round_allocated == 2
    assert day.waitlist_served == 0
    assert day.sets_completed == 1
    assert day.set_books == 3 + len(subjects)
    passed_day = DailyFact.objects.get(stall=stall_a, day=timezone.localtime(later).date())
    assert passed_day.round_allocated == 2
    assert passed_day.waitlist_served == 2
