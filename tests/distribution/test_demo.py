"""The demo's fair distribution: a drawn round, an open one, a partial set, wishes; once."""

from __future__ import annotations

import pytest

from catalog.demo import demo_seed as catalog_seed
from distribution.demo import demo_seed
from distribution.models import Request, Round, Wish
from distribution.wishes import wanted_counts
from tests.conftest import in_stall
from tests.logistics.factories import stall_place

pytestmark = pytest.mark.django_db


def test_demo_has_a_drawn_round_an_open_one_and_wishes_once(stall_a):
    stall_place(stall_a)
    with in_stall(stall_a):
        catalog_seed(stall_a)
        demo_seed(stall_a)
        demo_seed(stall_a)
        assert sorted(Round.objects.values_list("state", flat=True)) == ["drawn", "open"]
        assert Request.objects.filter(state="won").count() == 2
        assert Request.objects.filter(state="waitlisted").count() == 3
        assert Wish.objects.count() == 4
        assert wanted_counts()[0]["sizes"] == "36–38"
