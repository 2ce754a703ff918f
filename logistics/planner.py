"""Splitting a run's stops into short routes for volunteer pairs, with Google OR-Tools."""

from __future__ import annotations

from dataclasses import dataclass

from ortools.constraint_solver import pywrapcp, routing_enums_pb2

from tenants.geography import distance_km


@dataclass(frozen=True)
class Plan:
    routes: list[list[int]]  # per pair: indexes into the stop list, in visiting order
    dropped: list[int]  # stops that did not fit in any pair's capacity
    metres: list[int]  # length of each route, school → stops → school


def _metres(a: tuple[float, float], b: tuple[float, float]) -> int:
    return int(round(distance_km(a[0], a[1], b[0], b[1]) * 1000))


def plan_routes(
    *,
    depot: tuple[float, float],
    stops: list[tuple[float, float]],
    pairs: int,
    capacity: int,
    seconds: float = 2.0,
    capacities: list[int] | None = None,
) -> Plan:
    """Capacitated vehicle routing from the school and back; overflow stops are dropped.

    ``seconds`` bounds the guided local search that improves the first solution.
    ``capacities`` gives each pair its own limit (a pair that already finished some stops
    has less room left); otherwise every pair takes ``capacity``.
    """
    capacities = list(capacities) if capacities is not None else [capacity] * max(pairs, 0)
    if pairs < 1 or not stops:
        return Plan(
            routes=[[] for _ in range(max(pairs, 0))],
            dropped=list(range(len(stops))),
            metres=[0] * max(pairs, 0),
        )
    points = [depot, *stops]
    size = len(points)
    matrix = [[_metres(points[i], points[j]) for j in range(size)] for i in range(size)]
    manager = pywrapcp.RoutingIndexManager(size, pairs, 0)
    model = pywrapcp.RoutingModel(manager)

    def distance(i: int, j: int) -> int:
        return matrix[manager.IndexToNode(i)][manager.IndexToNode(j)]

    transit = model.RegisterTransitCallback(distance)
    model.SetArcCostEvaluatorOfAllVehicles(transit)
    model.AddDimension(transit, 0, 10_000_000, True, "distance")
    # Spread the walking: no pair gets a much longer round than the others.
    model.GetDimensionOrDie("distance").SetGlobalSpanCostCoefficient(20)

    def demand(i: int) -> int:
        return 0 if manager.IndexToNode(i) == 0 else 1

    demand_cb = model.RegisterUnaryTransitCallback(demand)
    model.AddDimensionWithVehicleCapacity(demand_cb, 0, capacities, True, "stops")
    # Dropping a stop costs more than any detour, so only what cannot fit is left out.
    penalty = 10_000_000
    for node in range(1, size):
        model.AddDisjunction([manager.NodeToIndex(node)], penalty)

    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC
    if seconds > 0:
        params.local_search_metaheuristic = (
            routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
        )
        params.time_limit.FromMilliseconds(int(seconds * 1000))
    else:
        params.solution_limit = 1  # the first solution only: instant, for on-demand replans
    solution = model.SolveWithParameters(params)
    if solution is None:
        return Plan(
            routes=[[] for _ in range(pairs)], dropped=list(range(len(stops))), metres=[0] * pairs
        )
    routes: list[list[int]] = []
    metres: list[int] = []
    visited: set[int] = set()
    for vehicle in range(pairs):
        index = model.Start(vehicle)
        route: list[int] = []
        length = 0
        while not model.IsEnd(index):
            nxt = solution.Value(model.NextVar(index))
            length += model.GetArcCostForVehicle(index, nxt, vehicle)
            node = manager.IndexToNode(index)
            if node:
                route.append(node - 1)
                visited.add(node - 1)
            index = nxt
        routes.append(route)
        metres.append(length if route else 0)
    dropped = [i for i in range(len(stops)) if i not in visited]
    return Plan(routes=routes, dropped=dropped, metres=metres)


def nearest_neighbour_routes(
    *, depot: tuple[float, float], stops: list[tuple[float, float]], pairs: int, capacity: int
) -> Plan:
    """The obvious hand method (fill one pair at a time, always the closest next stop).

    Kept as the baseline the benchmark compares OR-Tools against.
    """
    left = set(range(len(stops)))
    routes: list[list[int]] = []
    metres: list[int] = []
    for _pair in range(pairs):
        here, length = depot, 0
        route: list[int] = []
        while left and len(route) < capacity:
            nxt = min(left, key=lambda i: _metres(here, stops[i]))
            length += _metres(here, stops[nxt])
            here = stops[nxt]
            route.append(nxt)
            left.remove(nxt)
        length += _metres(here, depot) if route else 0
        routes.append(route)
        metres.append(length)
    return Plan(routes=routes, dropped=sorted(left), metres=metres)
