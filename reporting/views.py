"""Dashboard pages on the public host: a unit's report, its exports, and its targets."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from reporting import exports
from reporting.chart import weekly_chart
from reporting.dashboards import dashboard_cached, viewer_sees_exact
from reporting.forms import TargetForm
from reporting.models import Target
from reporting.periods import PRESETS, period_from_params, preset_of
from reporting.pool import transfer_counts, user_sees_pool
from reporting.selectors import units_to_report_on, user_sets_targets_on
from reporting.services import target_create, target_delete
from tenants.models import Unit
from tenants.selectors import units_overseen_by, user_oversees_unit


def public_only(view):
    """Dashboards exist only on the public host: a stall's host never serves them."""

    def wrapper(request, *args, **kwargs):
        tenant = getattr(request, "tenant", None)
        if tenant is not None and not tenant.is_public:
            raise Http404
        return view(request, *args, **kwargs)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


def _unit_for(request, unit_id: int) -> Unit:
    """The unit, if this person oversees it; 403 otherwise (and the same for unknown ids)."""
    unit = Unit.objects.filter(pk=unit_id).first()
    if unit is None or not user_oversees_unit(user=request.user, unit=unit):
        raise PermissionDenied
    return unit


def _breadcrumbs(request, unit: Unit) -> list[Unit]:
    """The unit's ancestors this person oversees (a district officer's trail starts there)."""
    ids = [int(part) for part in unit.path.split("/") if part]
    seen = {u.pk: u for u in units_overseen_by(user=request.user).filter(pk__in=ids)}
    return [seen[pk] for pk in ids if pk in seen]


def _board(request, unit: Unit):
    period, errors = period_from_params(request.GET, timezone.localdate())
    for error in errors:
        messages.warning(request, error)
    exact = viewer_sees_exact(user=request.user, unit=unit)
    return dashboard_cached(unit=unit, period=period, exact=exact), period


@public_only
@login_required
@require_GET
def report_home(request):
    units = list(units_to_report_on(user=request.user))
    if len(units) == 1:
        return redirect("reporting:unit", unit_id=units[0].pk)
    return render(request, "reporting/home.html", {"units": units})


@public_only
@login_required
@require_GET
def unit_report(request, unit_id: int):
    unit = _unit_for(request, unit_id)
    board, period = _board(request, unit)
    chart = weekly_chart(
        board.weeks, first=_("đơn đặt"), second=_("món đã trao"), monthly=board.bucket == "month"
    )
    return render(
        request,
        "reporting/unit.html",
        {
            "board": board,
            "unit": unit,
            "period": period,
            "chart": chart,
            "crumbs": _breadcrumbs(request, unit),
            "presets": PRESETS,
            "preset": preset_of(period, timezone.localdate()),
            "period_has_today": period.includes(timezone.localdate()),
            "can_set_targets": user_sets_targets_on(user=request.user, unit=unit),
            "can_see_pool": user_sees_pool(user=request.user, unit=unit),
            "transfers": transfer_counts(unit=unit, start=period.start, end=period.end),
        },
    )


@public_only
@login_required
@require_GET
def unit_export(request, unit_id: int, fmt: str):
    unit = _unit_for(request, unit_id)
    board, _period = _board(request, unit)
    if fmt == "csv":
        return exports.csv_response(board, request.GET.get("bang", "don-vi"))
    if fmt == "xlsx":
        return exports.xlsx_response(board)
    if fmt == "pdf":
        return exports.pdf_response(board)
    raise Http404


@public_only
@login_required
@require_http_methods(["GET", "POST"])
def unit_targets(request, unit_id: int):
    unit = _unit_for(request, unit_id)
    if not user_sets_targets_on(user=request.user, unit=unit):
        raise PermissionDenied
    form = TargetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            target_create(unit=unit, created_by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(
                None,
                _(
                    "Đã có mục tiêu cùng loại cho đơn vị và khoảng thời gian này: "
                    "hãy sửa mục tiêu cũ hoặc chọn khoảng khác."
                )
                if "__all__" in getattr(exc, "error_dict", {})
                else exc,
            )
        else:
            messages.success(request, _("Đã lưu mục tiêu."))
            return redirect("reporting:targets", unit_id=unit.pk)
    targets = Target.objects.filter(unit=unit).order_by("-period_end", "kind")
    return render(
        request, "reporting/targets.html", {"unit": unit, "form": form, "targets": targets}
    )


@public_only
@login_required
@require_http_methods(["POST"])
def target_remove(request, unit_id: int, target_id: int):
    unit = _unit_for(request, unit_id)
    if not user_sets_targets_on(user=request.user, unit=unit):
        raise PermissionDenied
    target = get_object_or_404(Target, pk=target_id, unit=unit)
    target_delete(target=target)
    messages.success(request, _("Đã xóa mục tiêu."))
    return redirect("reporting:targets", unit_id=unit.pk)
