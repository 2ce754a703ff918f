"""The stall workspace's transfer pages (/can-bo/chuyen-hang/): propose, accept, send, receive.

An officer sees the transfers of their own stall, and of the district pool only its counts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from catalog.models import Item
from reporting.forms import TransferProposeForm
from reporting.models import Transfer
from reporting.pool import pool_of, stalls_below, transfers_of_stall
from reporting.transfers import (
    LineRequest,
    TransferError,
    transfer_accept,
    transfer_cancel,
    transfer_propose,
    transfer_receive,
    transfer_send,
)
from tenants.models import Stall
from tenants.permissions import stall_officer_required


def _neighbours(stall: Stall) -> list[Stall]:
    """The other stalls of the stall's district (the unit just above its own)."""
    parent = stall.unit.parent if stall.unit is not None else None
    if parent is None:
        return []
    return [s for s in stalls_below(parent) if s.pk != stall.pk]


@require_http_methods(["GET", "POST"])
@stall_officer_required
def transfers(request):
    stall: Stall = request.tenant
    items = list(Item.objects.filter(available__gt=0).order_by("title"))
    neighbours = _neighbours(stall)
    form = TransferProposeForm(request.POST or None, items=items, stalls=neighbours)
    if request.method == "POST" and form.is_valid():
        to_stall = next(s for s in neighbours if s.pk == form.cleaned_data["to_stall"])
        try:
            transfer = transfer_propose(
                from_stall=stall,
                to_stall=to_stall,
                lines=[LineRequest(form.cleaned_data["item"], form.cleaned_data["quantity"])],
                actor=request.user,
            )
        except TransferError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("Đã đề nghị chuyển cho %(b)s (số %(id)d); hàng đã rời kho chờ gửi.")
                % {"b": to_stall.name, "id": transfer.pk},
            )
            return redirect("workspace:transfers")
    mine = transfers_of_stall(stall=stall)
    pool = pool_of(stall.unit.parent) if stall.unit is not None and stall.unit.parent else None
    return render(
        request,
        "reporting/transfers.html",
        {
            "form": form,
            "incoming": [t for t in mine if t.to_stall_id == stall.pk][:30],
            "outgoing": [t for t in mine if t.from_stall_id == stall.pk][:30],
            "pool_rows": pool.rows() if pool else [],
            "offers": [m for m in pool.matches if m.from_stall.pk == stall.pk] if pool else [],
            "district": stall.unit.parent if stall.unit is not None else None,
        },
    )


# Which side of a transfer may take each step, the step, and what is said after it.
STEPS: dict[str, tuple[str, Callable[[Transfer, Any], Transfer], Promise]] = {
    "nhan-loi": (
        "to",
        lambda t, user: transfer_accept(transfer=t),
        gettext_lazy("Đã đồng ý nhận."),
    ),
    "da-gui": (
        "from",
        lambda t, user: transfer_send(transfer=t),
        gettext_lazy("Đã ghi nhận: hàng đã gửi đi."),
    ),
    "da-nhan": (
        "to",
        lambda t, user: transfer_receive(transfer=t, actor=user),
        gettext_lazy("Đã nhận hàng: hàng đã vào kho và lên gian hàng."),
    ),
    "huy": (
        "either",
        lambda t, user: transfer_cancel(transfer=t, actor=user),
        gettext_lazy("Đã hủy; hàng trở về kho của gian hàng gửi."),
    ),
}


@require_POST
@stall_officer_required
def transfer_step(request, pk: int, step: str):
    stall: Stall = request.tenant
    if step not in STEPS:
        raise Http404
    side, action, done = STEPS[step]
    transfer = transfers_of_stall(stall=stall).filter(pk=pk).first()
    if transfer is None:
        raise Http404
    ours = {"to": transfer.to_stall_id == stall.pk, "from": transfer.from_stall_id == stall.pk}
    if side != "either" and not ours[side]:
        raise Http404
    try:
        action(transfer, request.user)
    except TransferError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, str(done))
    return redirect("workspace:transfers")
