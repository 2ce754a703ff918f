"""The district pool on the public host: counts, matches, proposing and following transfers."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from reporting.forms import PoolProposeForm
from reporting.pool import pool_of, stalls_below, transfers_of_unit, user_sees_pool
from reporting.transfers import TransferError, transfer_cancel, transfer_propose_by_kind
from reporting.views import public_only
from tenants.models import Unit


def _pool_unit(request, unit_id: int) -> Unit:
    """The unit, if this person is a district or province officer over it; 403 otherwise."""
    unit = Unit.objects.filter(pk=unit_id).first()
    if unit is None or not user_sees_pool(user=request.user, unit=unit):
        raise PermissionDenied
    return unit


@public_only
@login_required
@require_GET
def pool_page(request, unit_id: int):
    unit = _pool_unit(request, unit_id)
    pool = pool_of(unit)
    return render(
        request,
        "reporting/pool.html",
        {
            "unit": unit,
            "pool": pool,
            "rows": pool.rows(),
            "matches": pool.matches[:50],
            "transfers": transfers_of_unit(unit=unit)[:30],
        },
    )


@public_only
@login_required
@require_POST
def pool_propose(request, unit_id: int):
    unit = _pool_unit(request, unit_id)
    form = PoolProposeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Số lượng phải là số nguyên từ 1 trở lên. Hãy nhập lại."))
        return redirect("reporting:pool", unit_id=unit.pk)
    data = form.cleaned_data
    stalls = stalls_below(unit)
    from_stall = stalls.filter(pk=data["from_stall"]).first()
    to_stall = stalls.filter(pk=data["to_stall"]).first()
    if from_stall is None or to_stall is None:
        raise PermissionDenied
    try:
        transfer = transfer_propose_by_kind(
            from_stall=from_stall,
            to_stall=to_stall,
            category_slug=data["category"],
            size=data["size"] or "",
            grade=data["grade"],
            quantity=data["quantity"],
            actor=request.user,
            unit=unit,
        )
    except TransferError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Đã đề nghị chuyển %(n)d món từ %(a)s cho %(b)s (số %(id)d).")
            % {"n": data["quantity"], "a": from_stall.name, "b": to_stall.name, "id": transfer.pk},
        )
    return redirect("reporting:pool", unit_id=unit.pk)


@public_only
@login_required
@require_POST
def pool_transfer_cancel(request, unit_id: int, transfer_id: int):
    unit = _pool_unit(request, unit_id)
    transfer = get_object_or_404(transfers_of_unit(unit=unit), pk=transfer_id)
    try:
        transfer_cancel(transfer=transfer, actor=request.user)
    except TransferError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Đã hủy chuyển hàng số %(id)d.") % {"id": transfer.pk})
    return redirect("reporting:pool", unit_id=unit.pk)
