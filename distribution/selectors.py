"""Reads of distribution rounds."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from distribution import draw
from distribution.models import Request, Round


def rounds_public() -> QuerySet[Round]:
    """Rounds a recipient may look at: open ones first, then the recent draws."""
    return Round.objects.prefetch_related("items__item").order_by("state", "-closes_at")


def rounds_for_officers() -> QuerySet[Round]:
    return Round.objects.annotate(
        request_count=Count("requests"),
        won_count=Count("requests", filter=Q(requests__state=Request.State.WON)),
    ).order_by("-opens_at", "-pk")


def round_requests(*, round_: Round) -> QuerySet[Request]:
    return (
        Request.objects.filter(round=round_, anonymised_at__isnull=True)
        .select_related("round_item__item", "order")
        .order_by("draw_position", "created_at", "pk")
    )


def round_draw_check(*, round_: Round) -> dict:
    """The draw re-run from the round's published list and number, beside its stored result."""
    entries = draw.published_parse(round_.published_list)
    quantities = {str(pk): q for pk, q in round_.items.values_list("pk", "quantity")}
    outcome = draw.draw_run(entries, quantities, round_.public_number)
    stored = dict(
        Request.objects.filter(round=round_, draw_position__isnull=False).values_list(
            "code", "draw_position"
        )
    )
    recomputed = {code: n for n, code in enumerate(outcome.order, start=1)}
    return {
        "outcome": outcome,
        "matches": outcome.key == round_.draw_key and recomputed == stored,
        "rows": [
            {"position": n, "code": code, "won": code in outcome.winners}
            for n, code in enumerate(outcome.order, start=1)
        ],
    }
