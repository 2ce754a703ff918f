"""The texts queued for recipients, as officers see them."""

from __future__ import annotations

from django.shortcuts import render

from logistics import selectors
from privacy.audit import audited
from tenants.permissions import stall_officer_required


@stall_officer_required
@audited(object_type="logistics.notification")
def outbox(request):
    return render(
        request, "logistics/outbox.html", {"notifications": selectors.notifications_recent()[:100]}
    )
