"""Past figures stay put: after anonymisation, and when SECRET_KEY is rotated."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.test import override_settings

from catalog.models import Order
from privacy.models import SubjectKind
from privacy.services import subjects_anonymise
from reporting.models import DailyFact, MonthlyFact, RecipientsForgotten
from reporting.services import facts_rollup_stall
from tests.conftest import in_stall
from tests.reporting.conftest import item_make, local, order_make

pytestmark = pytest.mark.django_db

D0 = dt.date(2026, 3, 2)
DAYS = [D0, D0 + dt.timedelta(days=1)]


def _figures(stall) -> tuple[list, list]:
    days = list(
        DailyFact.objects.filter(stall=stall)
        .order_by("day")
        .values_list("day", "orders_placed", "orders_cancelled", "recipients", "recipients_sketch")
    )
    months = list(
        MonthlyFact.objects.filter(stall=stall)
        .order_by("month")
        .values_list("month", "orders_placed", "recipients", "registers")
    )
    return days, months


def _rollup(stall) -> tuple[list, list]:
    facts_rollup_stall(stall=stall, since=DAYS[0], until=DAYS[-1])
    return _figures(stall)


def _anonymise(ids) -> None:
    with transaction.atomic():
        subjects_anonymise(kind=SubjectKind.RECIPIENT, ids=list(ids))


def test_rerunning_a_rollup_after_anonymisation_changes_no_past_figure(stall_a):
    with in_stall(stall_a):
        item = item_make()
        # 23 people on the first day, one of them twice; 3 people on the second day, one
        # of whom also came on the first day.
        first = [
            order_make(phone=f"09010000{n:02d}", placed_at=local(DAYS[0], 9), item=item)
            for n in range(23)
        ]
        twice = order_make(phone="0901000000", placed_at=local(DAYS[0], 15), item=item)
        second = [
            order_make(phone=phone, placed_at=local(DAYS[1], 10), item=item)
            for phone in ("0901000005", "0902000001", "0902000002")
        ]
    before = _rollup(stall_a)
    assert [row[3] for row in before[0]] == [23, 3]

    with in_stall(stall_a):
        # Retention goes in batches, and a deletion request takes one order of a person
        # who has another one the same day.
        _anonymise([first[0].pk])
        # That person is still countable from the other order: nothing to freeze yet.
        assert not RecipientsForgotten.objects.filter(stall=stall_a).exists()
    assert _rollup(stall_a) == before

    with in_stall(stall_a):
        _anonymise([o.pk for o in first[1:12]])
    assert _rollup(stall_a) == before

    with in_stall(stall_a):
        _anonymise([o.pk for o in [*first[12:], twice, *second]])
        assert not Order.objects.exclude(phone_hash="").exists()
        # Anonymising again (a second worker, a retried task) counts nobody twice.
        _anonymise([o.pk for o in first])
    assert _rollup(stall_a) == before
    assert RecipientsForgotten.objects.get(stall=stall_a, day=DAYS[0]).recipients == 23


def test_rotating_secret_key_leaves_every_report_count_unchanged(stall_a):
    with in_stall(stall_a):
        item = item_make()
        for n in range(30):
            order_make(phone=f"09030000{n:02d}", placed_at=local(DAYS[n % 2], 11), item=item)
    with override_settings(SECRET_KEY="first-secret-key-" + "a" * 40):
        before = _rollup(stall_a)
    with override_settings(SECRET_KEY="rotated-secret-key-" + "b" * 40):
        after = _rollup(stall_a)
    assert after == before
    # The sketch does depend on its own key: changing that one (never done) would show.
    with override_settings(GIANHANG_SKETCH_KEY="another-sketch-key"):
        changed = _rollup(stall_a)
    assert [row[4] for row in changed[0]] != [row[4] for row in before[0]]
