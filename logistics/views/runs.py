"""Officers' Saturday-run pages: the run, planning, starting, sign-ups, moving stops."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from catalog.models import Order
from logistics import selectors, services
from logistics.forms import OverrideForm, SignupForm
from logistics.models import Route, RunStop, SaturdayRun
from logistics.runs import ON_ROUTE_STATES
from logistics.views.common import act
from privacy.audit import audited
from tenants.permissions import stall_officer_required


@stall_officer_required
@audited(object_type="logistics.saturdayrun", id_kwarg="run_id")
def run_detail(request, run_id: int):
    run = get_object_or_404(SaturdayRun, pk=run_id)
    routes = list(selectors.run_routes(run=run))
    links = {
        r.pk: request.build_absolute_uri(
            reverse("logistics:volunteer-route", args=[services.route_link_token(route=r)])
        )
        for r in routes
    }
    for route in routes:
        route.link = links[route.pk]  # type: ignore[attr-defined]
    return render(
        request,
        "logistics/run_detail.html",
        {
            "run": run,
            "routes": routes,
            "unplanned": selectors.run_stops(run=run).filter(route__isnull=True),
            "signups": run.signups.select_related("volunteer"),
            "signup_form": SignupForm(),
            "load": selectors.run_load(run=run),
            "on_route_states": ON_ROUTE_STATES,
        },
    )


@require_http_methods(["GET", "POST"])
@stall_officer_required
def run_coming_redirect(request):
    """The coming run's page. Opening a run is a POST: a GET (a tab, a prefetch) writes nothing."""
    if request.method == "POST":
        act(request, services.run_for_new_stops, _("Đã mở chuyến thứ Bảy tới."))
    coming = selectors.run_coming()
    if coming is None:
        return render(request, "logistics/run_none.html")
    return redirect("logistics:run", run_id=coming.pk)


@require_http_methods(["GET", "POST"])
@stall_officer_required
def run_plan(request, run_id: int):
    run = get_object_or_404(SaturdayRun, pk=run_id)
    # Planning again revokes the links volunteers already have: the officer confirms first.
    if run.state == SaturdayRun.State.PLANNED and request.POST.get("confirm") != "1":
        return render(
            request,
            "logistics/run_replan_confirm.html",
            {"run": run, "load": selectors.run_load(run=run)},
        )
    if request.method != "POST":
        return redirect("logistics:run", run_id=run.pk)
    act(
        request,
        lambda: services.run_plan(run=run, actor=request.user),
        _("Đã chia tuyến. In phiếu và gửi đường dẫn cho từng cặp đoàn viên."),
    )
    return redirect("logistics:run", run_id=run.pk)


@require_POST
@stall_officer_required
def run_start(request, run_id: int):
    run = get_object_or_404(SaturdayRun, pk=run_id)
    act(
        request,
        lambda: services.run_start(run=run, actor=request.user),
        _("Chuyến đã bắt đầu; người nhận được báo đơn đang đến."),
    )
    return redirect("logistics:run", run_id=run.pk)


@require_POST
@stall_officer_required
def run_signup(request, run_id: int):
    run = get_object_or_404(SaturdayRun, pk=run_id)
    form = SignupForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Hãy chọn một đoàn viên trong danh sách."))
    else:
        act(
            request,
            lambda: services.volunteer_signup(volunteer=form.cleaned_data["volunteer"], run=run),
            _("Đã ghi đăng ký."),
        )
    return redirect("logistics:run", run_id=run.pk)


@require_POST
@stall_officer_required
def stop_move(request, stop_id: int):
    stop = get_object_or_404(RunStop, pk=stop_id)
    raw = request.POST.get("route", "")
    route = None
    if raw:
        route = Route.objects.filter(pk=raw if raw.isdigit() else 0).first()
        if route is None:
            messages.error(request, _("Tuyến đã chọn không còn nữa. Hãy tải lại trang."))
            return redirect("logistics:run", run_id=stop.run_id)
    act(
        request,
        lambda: services.stop_move(stop=stop, route=route, actor=request.user),
        _("Đã chuyển điểm giao."),
    )
    return redirect("logistics:run", run_id=stop.run_id)


@require_POST
@stall_officer_required
def order_override(request, order_id: int):
    order = get_object_or_404(Order, pk=order_id)
    form = OverrideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Hãy chọn “đoàn viên giao” hoặc “gửi bưu điện”."))
    else:
        act(
            request,
            lambda: services.order_delivery_override(
                order=order, delivery=form.cleaned_data["delivery"], actor=request.user
            ),
            _("Đã đổi cách giao của đơn %(c)s.") % {"c": order.code},
        )
    run_id = request.POST.get("run", "")
    if run_id.isdigit():
        return redirect("logistics:run", run_id=int(run_id))
    return redirect("logistics:overview")
