"""Template context for the storefront: what the stall needs, as counts (never who)."""

from __future__ import annotations

from distribution.wishes import wanted_counts


def wanted(request) -> dict:
    """``wanted_counts``: computed only by a template that shows it (the stall's home)."""
    tenant = getattr(request, "tenant", None)
    if tenant is None or tenant.is_public:
        return {"wanted_counts": ()}
    cached: dict = {}

    def counts() -> list[dict]:
        if "v" not in cached:
            cached["v"] = wanted_counts()[:12]
        return cached["v"]

    return {"wanted_counts": counts}
