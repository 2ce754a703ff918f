"""OR-Tools route planning on its own: capacities, every stop once, shorter than by hand."""

from __future__ import annotations

import random

from logistics.planner import nearest_neighbour_routes, plan_routes

DEPOT = (10.40, 106.20)


def _stops(n: int, seed: int = 7) -> list[tuple[float, float]]:
    rng = random.Random(seed)
    return [
        (DEPOT[0] + rng.uniform(-0.04, 0.04), DEPOT[1] + rng.uniform(-0.04, 0.04)) for _ in range(n)
    ]


def test_every_stop_is_visited_exactly_once_within_capacity():
    plan = plan_routes(depot=DEPOT, stops=_stops(30), pairs=4, capacity=8, seconds=0.5)
    visited = [i for route in plan.routes for i in route]
    assert sorted(visited) == list(range(30))
    assert all(len(route) <= 8 for route in plan.routes)
    assert plan.dropped == []


def test_stops_that_do_not_fit_are_dropped_not_overloaded():
    plan = plan_routes(depot=DEPOT, stops=_stops(10), pairs=2, capacity=3, seconds=0)
    assert sum(len(r) for r in plan.routes) == 6
    assert len(plan.dropped) == 4


def test_planned_routes_are_not_longer_than_nearest_neighbour_by_hand():
    stops = _stops(40, seed=3)
    solved = plan_routes(depot=DEPOT, stops=stops, pairs=5, capacity=8, seconds=1)
    by_hand = nearest_neighbour_routes(depot=DEPOT, stops=stops, pairs=5, capacity=8)
    assert sum(solved.metres) <= sum(by_hand.metres)


def test_no_pairs_leaves_every_stop_unplanned():
    plan = plan_routes(depot=DEPOT, stops=_stops(3), pairs=0, capacity=5)
    assert plan.dropped == [0, 1, 2]
