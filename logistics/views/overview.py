"""The officers' delivery overview: the coming run, recent runs and batches, what waits."""

from __future__ import annotations

from django.shortcuts import render

from logistics import selectors
from tenants.permissions import stall_officer_required


@stall_officer_required
def overview(request):
    run = selectors.run_coming()
    return render(
        request,
        "logistics/overview.html",
        {
            "run": run,
            "load": selectors.run_load(run=run) if run else None,
            "runs": selectors.runs_recent()[:8],
            "batches": selectors.batches_recent()[:8],
            "waiting_post": selectors.orders_waiting_for_post().count(),
            "unrouted": selectors.orders_unrouted().count(),
        },
    )
