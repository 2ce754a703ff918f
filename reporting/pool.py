"""The district pool: counts of stock and wishes of the stalls below a unit, and matches.

Counts only, by category, size and grade: never a person, never a stall's item list.
Wishes are the waiting wishes of the wanted lists (``distribution``), read through one
function (``stall_wishes_counts``), which tests may give a fixed answer.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Protocol

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import get_language
from django_tenants.utils import tenant_context

from catalog.models import Category, Item
from distribution.models import Wish
from reporting.models import Transfer
from tenants.geography import distance_km
from tenants.models import Membership, Stall, Unit
from tenants.selectors import units_with_role, user_is_platform_admin

# (category slug, size, grade): what the pool counts by. A blank size or no grade in a
# wish means "any".
Kind = tuple[str, str, int | None]

POOL_ROLES = (Membership.Role.PROVINCE_OFFICER, Membership.Role.DISTRICT_OFFICER)
# The nearest stalls offered for one stall's wish of one kind.
MATCHES_PER_WISH = 5


class WishSource(Protocol):
    def counts(self, stall: Stall) -> list[tuple[str, str, int | None, int]]: ...


class DistributionWishes:
    """The wanted lists' waiting wishes (``distribution.Wish``), counted in the stall's schema."""

    def counts(self, stall: Stall) -> list[tuple[str, str, int | None, int]]:
        with tenant_context(stall):
            rows = (
                Wish.objects.filter(state=Wish.State.WAITING)
                .values("category__slug", "size", "grade")
                .annotate(n=Count("pk"))
                .order_by()
            )
            return [
                (row["category__slug"], row["size"] or "", row["grade"], int(row["n"]))
                for row in rows
            ]


def wish_source() -> WishSource:
    return DistributionWishes()


def stall_wishes_counts(stall: Stall) -> list[tuple[str, str, int | None, int]]:
    """(category, size, grade, count) of the stall's open wishes; empty without wanted lists."""
    return wish_source().counts(stall)


def stall_stock_counts(stall: Stall) -> list[tuple[str, str, int | None, int]]:
    """(category, size, grade, units in stock) of one stall: counts, not its item list."""
    with tenant_context(stall):
        rows = (
            Item.objects.filter(available__gt=0)
            .values("category__slug", "size", "grade")
            .annotate(n=Sum("available"))
            .order_by()
        )
        return [
            (row["category__slug"], row["size"] or "", row["grade"], int(row["n"])) for row in rows
        ]


def pool_units_for(*, user) -> QuerySet[Unit]:
    """Units whose pool this person may open: district and province officers' own units."""
    if user_is_platform_admin(user=user):
        return Unit.objects.filter(kind__in=[Unit.Kind.DISTRICT, Unit.Kind.PROVINCE])
    return units_with_role(user=user, roles=POOL_ROLES)


def user_sees_pool(*, user, unit: Unit) -> bool:
    """District and province officers, for their unit and the units below it."""
    if not user.is_authenticated:
        return False
    if user_is_platform_admin(user=user):
        return True
    return any(unit.is_within(top) for top in pool_units_for(user=user))


def stalls_below(unit: Unit) -> QuerySet[Stall]:
    return (
        Stall.objects.exclude(schema_name="public")
        .filter(is_active=True, unit__path__startswith=unit.path)
        .select_related("unit", "commune")
        .order_by("name")
    )


@dataclass
class Match:
    from_stall: Stall
    to_stall: Stall
    category_slug: str
    size: str
    grade: int | None
    quantity: int
    distance_km: float | None
    category_name: str = ""


@dataclass
class Pool:
    unit: Unit
    stalls: list[Stall]
    categories: dict[str, str]
    # (category, size, grade) → {stall id: count}
    stock: dict[Kind, dict[int, int]] = field(default_factory=dict)
    wishes: dict[Kind, dict[int, int]] = field(default_factory=dict)
    matches: list[Match] = field(default_factory=list)

    def rows(self) -> list[dict]:
        """One row per kind: units in stock and wishes over all the stalls."""
        kinds = sorted(
            set(self.stock) | set(self.wishes),
            key=lambda k: (self.categories.get(k[0], k[0]), k[1], k[2] or 0),
        )
        return [
            {
                "category_slug": kind[0],
                "category": self.categories.get(kind[0], kind[0]),
                "size": kind[1],
                "grade": kind[2],
                "stock": sum(self.stock.get(kind, {}).values()),
                "wished": sum(self.wishes.get(kind, {}).values()),
                "stalls_with_stock": len(self.stock.get(kind, {})),
            }
            for kind in kinds
        ]


def _where(stall: Stall) -> tuple[float, float] | None:
    if stall.latitude is not None and stall.longitude is not None:
        return stall.latitude, stall.longitude
    commune = stall.commune
    if commune is not None and commune.latitude is not None and commune.longitude is not None:
        return commune.latitude, commune.longitude
    return None


def stalls_distance(a: Stall, b: Stall) -> float | None:
    here, there = _where(a), _where(b)
    if here is None or there is None:
        return None
    return distance_km(here[0], here[1], there[0], there[1])


def _fits(wish: Kind, stock: Kind) -> bool:
    return (
        wish[0] == stock[0]
        and (not wish[1] or wish[1] == stock[1])
        and (wish[2] is None or wish[2] == stock[2])
    )


def _nearest_first(match: Match) -> tuple:
    return (
        match.distance_km is None,
        match.distance_km or 0.0,
        -match.quantity,
        match.from_stall.name,
        match.to_stall.name,
    )


def pool_of(unit: Unit) -> Pool:
    """Stock and wishes of the stalls below ``unit``, with the proposed matches, nearest first.

    A's surplus of a kind is its stock less its own wishes for it; a match offers the
    smaller of A's surplus and B's wishes. Each of B's wishes gets its nearest few offers.
    """
    stalls = list(stalls_below(unit))
    pool = Pool(unit=unit, stalls=stalls, categories={})
    for stall in stalls:
        for slug, size, grade, n in stall_stock_counts(stall):
            pool.stock.setdefault((slug, size, grade), {})[stall.pk] = n
        for slug, size, grade, n in stall_wishes_counts(stall):
            pool.wishes.setdefault((slug, size, grade), {})[stall.pk] = n
    if stalls:
        with tenant_context(stalls[0]):
            english = (get_language() or "").startswith("en")
            for slug, name, name_en in Category.objects.values_list("slug", "name", "name_en"):
                pool.categories[slug] = name_en if english and name_en else name
    by_id = {stall.pk: stall for stall in stalls}
    wishes_by_category: dict[str, list[tuple[Kind, dict[int, int]]]] = defaultdict(list)
    for wkind, wishers in pool.wishes.items():
        wishes_by_category[wkind[0]].append((wkind, wishers))
    # Each stall's spare units of each kind, grouped by category so a wish only meets stock
    # of its own category (a province holds hundreds of stalls).
    spare_by_category: dict[str, list[tuple[int, Kind, int]]] = defaultdict(list)
    for kind, per_stall in pool.stock.items():
        fitting = [ws for wkind, ws in wishes_by_category[kind[0]] if _fits(wkind, kind)]
        for stall_id, n in per_stall.items():
            spare = n - sum(ws.get(stall_id, 0) for ws in fitting)
            if spare > 0:
                spare_by_category[kind[0]].append((stall_id, kind, spare))
    matches: list[Match] = []
    for wkind, wishers in pool.wishes.items():
        for to_id, wished in wishers.items():
            offers = [
                Match(
                    from_stall=by_id[from_id],
                    to_stall=by_id[to_id],
                    category_slug=kind[0],
                    size=kind[1],
                    grade=kind[2],
                    quantity=min(spare, wished),
                    distance_km=stalls_distance(by_id[from_id], by_id[to_id]),
                    category_name=pool.categories.get(kind[0], kind[0]),
                )
                for from_id, kind, spare in spare_by_category[wkind[0]]
                if from_id != to_id and _fits(wkind, kind)
            ]
            offers.sort(key=_nearest_first)
            matches.extend(offers[:MATCHES_PER_WISH])
    matches.sort(key=_nearest_first)
    pool.matches = matches
    return pool


def transfers_of_stall(*, stall: Stall) -> QuerySet[Transfer]:
    """Transfers this stall sends or receives, newest first."""
    return (
        Transfer.objects.filter(Q(from_stall=stall) | Q(to_stall=stall))
        .select_related("from_stall", "to_stall")
        .prefetch_related("lines")
    )


def transfers_of_unit(*, unit: Unit) -> QuerySet[Transfer]:
    """Transfers from or to the stalls below ``unit``, newest first."""
    return (
        Transfer.objects.filter(
            Q(from_stall__unit__path__startswith=unit.path)
            | Q(to_stall__unit__path__startswith=unit.path)
        )
        .select_related("from_stall", "to_stall")
        .prefetch_related("lines")
    )


def transfer_counts(*, unit: Unit, start, end) -> dict[str, int]:
    """Received transfers out of and into the stalls below ``unit`` in a period (dates)."""
    received = Transfer.objects.filter(
        state=Transfer.State.RECEIVED,
        received_at__date__gte=start,
        received_at__date__lte=end,
    )
    out = received.filter(from_stall__unit__path__startswith=unit.path)
    into = received.filter(to_stall__unit__path__startswith=unit.path)
    return {
        "out": out.count(),
        "out_items": out.aggregate(n=Sum("lines__quantity"))["n"] or 0,
        "in": into.count(),
        "in_items": into.aggregate(n=Sum("lines__quantity"))["n"] or 0,
    }
