"""Delivery pages: officers' run and batch pages, and the volunteers' phone page."""

from __future__ import annotations

from django.contrib import messages
from django.core import signing
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from catalog.models import Order
from catalog.services import OrderStateError
from logistics import selectors, services
from logistics.forms import (
    HandOverForm,
    OverrideForm,
    ReturnForm,
    SignupForm,
    StopMarkForm,
    TrackingCsvForm,
    TrackingForm,
)
from logistics.labels import labels_pdf, manifest_csv, manifest_pdf
from logistics.models import Parcel, PostalBatch, Route, RunStop, SaturdayRun
from logistics.runs import ON_ROUTE_STATES, route_from_token
from logistics.sheets import route_sheet_pdf
from logistics.zones import current_stall
from privacy.audit import audited
from tenants.permissions import stall_officer_required

# OrderStateError: two people acted on the same order at once; its message says what happened.
FAILURES = (services.BatchError, services.RunError, services.RoutingError, OrderStateError)


def _sender_address() -> str:
    stall = current_stall()
    commune = stall.commune
    return stall.sender_address or (str(commune) if commune else "")


def _stall_name() -> str:
    return current_stall().name


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- Officers ----------------------------------------------------------------------------


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


@stall_officer_required
def run_coming_redirect(request):
    run = services.run_for_new_stops()
    coming = selectors.run_coming() or run
    return redirect("logistics:run", run_id=coming.pk)


def _act(request, action, success: str):
    try:
        action()
    except FAILURES as exc:
        messages.error(request, str(exc))
        return False
    messages.success(request, success)
    return True


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
    _act(
        request,
        lambda: services.run_plan(run=run, actor=request.user),
        _("Đã chia tuyến. In phiếu và gửi đường dẫn cho từng cặp đoàn viên."),
    )
    return redirect("logistics:run", run_id=run.pk)


@require_POST
@stall_officer_required
def run_start(request, run_id: int):
    run = get_object_or_404(SaturdayRun, pk=run_id)
    _act(
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
        _act(
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
    _act(
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
        _act(
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


@stall_officer_required
@audited(object_type="logistics.route", id_kwarg="route_id", action="export")
def route_sheet(request, route_id: int):
    route = get_object_or_404(
        Route.objects.select_related("run", "volunteer_a", "volunteer_b"), pk=route_id
    )
    link = request.build_absolute_uri(
        reverse("logistics:volunteer-route", args=[services.route_link_token(route=route)])
    )
    pdf = route_sheet_pdf(
        route=route,
        stops=selectors.route_stops(route=route),
        stall_name=_stall_name(),
        stop_link=lambda s: f"{link}#diem-{s.pk}",
    )
    return _pdf(pdf, f"tuyen-{route.run.date:%Y%m%d}-{route.number}.pdf")


@stall_officer_required
@audited(object_type="logistics.postalbatch")
def batches(request):
    return render(
        request,
        "logistics/batches.html",
        {
            "batches": selectors.batches_recent()[:30],
            "waiting_post": selectors.orders_waiting_for_post().count(),
            "waiting": selectors.orders_waiting_for_post().select_related("commune")[:100],
        },
    )


@require_POST
@stall_officer_required
def batch_build(request):
    batch = services.batch_build(actor=request.user)
    if batch is None:
        messages.info(request, _("Không có đơn đi bưu điện nào đã đóng gói để gom."))
        return redirect("logistics:batches")
    messages.success(request, _("Đã gom các đơn đã đóng gói vào lô #%(n)d.") % {"n": batch.pk})
    return redirect("logistics:batch", batch_id=batch.pk)


@stall_officer_required
@audited(object_type="logistics.postalbatch", id_kwarg="batch_id")
def batch_detail(request, batch_id: int):
    batch = get_object_or_404(PostalBatch, pk=batch_id)
    return render(
        request,
        "logistics/batch_detail.html",
        {
            "batch": batch,
            "parcels": selectors.batch_parcels(batch=batch),
            "handover_form": HandOverForm(),
            "csv_form": TrackingCsvForm(),
            "import_report": request.session.pop(f"tracking-import-{batch.pk}", None),
        },
    )


@require_POST
@stall_officer_required
def batch_ready(request, batch_id: int):
    batch = get_object_or_404(PostalBatch, pk=batch_id)
    _act(
        request,
        lambda: services.batch_mark_ready(batch=batch),
        _("Lô đã sẵn sàng gửi. Mang lô ra bưu điện và ghi số biên nhận."),
    )
    return redirect("logistics:batch", batch_id=batch.pk)


@require_POST
@stall_officer_required
def batch_hand_over(request, batch_id: int):
    batch = get_object_or_404(PostalBatch, pk=batch_id)
    form = HandOverForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Hãy nhập số biên nhận và ngày giao (ngày/tháng/năm)."))
        return redirect("logistics:batch", batch_id=batch.pk)
    action = services.BatchHandOver(batch, request.user, **form.cleaned_data)
    _act(request, action.execute, _("Đã ghi nhận giao lô cho bưu điện."))
    return redirect("logistics:batch", batch_id=batch.pk)


@require_POST
@stall_officer_required
def batch_close(request, batch_id: int):
    batch = get_object_or_404(PostalBatch, pk=batch_id)
    _act(request, lambda: services.batch_close(batch=batch), _("Đã đóng lô."))
    return redirect("logistics:batch", batch_id=batch.pk)


@require_POST
@stall_officer_required
def parcel_tracking(request, parcel_id: int):
    parcel = get_object_or_404(Parcel.objects.select_related("batch"), pk=parcel_id)
    form = TrackingForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Hãy nhập mã vận đơn."))
    else:
        _act(
            request,
            lambda: services.parcel_tracking_set(
                parcel=parcel, tracking_number=form.cleaned_data["tracking_number"]
            ),
            _("Đã lưu mã vận đơn."),
        )
    return redirect("logistics:batch", batch_id=parcel.batch_id)


@require_POST
@stall_officer_required
def parcel_return(request, parcel_id: int):
    parcel = get_object_or_404(Parcel, pk=parcel_id)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Hãy ghi lý do bưu điện hoàn trả."))
    else:
        _act(
            request,
            lambda: services.parcel_return(
                parcel=parcel, actor=request.user, reason=form.cleaned_data["reason"]
            ),
            _("Đã ghi nhận bưu kiện bị hoàn. Có thể gửi lại đơn từ trang tổng quan."),
        )
    return redirect("logistics:batch", batch_id=parcel.batch_id)


@require_POST
@stall_officer_required
def parcel_delivered(request, parcel_id: int):
    parcel = get_object_or_404(Parcel, pk=parcel_id)
    _act(
        request,
        lambda: services.parcel_delivered(parcel=parcel, actor=request.user),
        _("Đã ghi nhận người nhận đã nhận hàng."),
    )
    return redirect("logistics:batch", batch_id=parcel.batch_id)


@require_POST
@stall_officer_required
def tracking_import(request, batch_id: int):
    batch = get_object_or_404(PostalBatch, pk=batch_id)
    form = TrackingCsvForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect("logistics:batch", batch_id=batch.pk)
    report = services.tracking_csv_import(batch=batch, data=form.cleaned_data["file"].read())
    request.session[f"tracking-import-{batch.pk}"] = {
        "applied": report.applied,
        "unchanged": report.unchanged,
        "errors": report.errors,
    }
    if report.errors:
        messages.warning(
            request,
            _("Đã lưu %(a)d mã; %(e)d dòng có lỗi không được áp dụng.")
            % {"a": report.applied, "e": len(report.errors)},
        )
    else:
        messages.success(request, _("Đã lưu %(a)d mã vận đơn.") % {"a": report.applied})
    return redirect("logistics:batch", batch_id=batch.pk)


@stall_officer_required
@audited(object_type="logistics.postalbatch", id_kwarg="batch_id", action="export")
def batch_document(request, batch_id: int, kind: str):
    batch = get_object_or_404(PostalBatch, pk=batch_id)
    parcels = list(selectors.batch_parcels(batch=batch).filter(returned_at__isnull=True))
    if kind == "bang-ke.pdf":
        return _pdf(
            manifest_pdf(
                batch=batch,
                parcels=parcels,
                stall_name=_stall_name(),
                sender_address=_sender_address(),
            ),
            f"bang-ke-lo-{batch.pk}.pdf",
        )
    if kind == "bang-ke.csv":
        response = HttpResponse(manifest_csv(parcels=parcels), content_type="text/csv")
        response["Content-Disposition"] = f'attachment; filename="bang-ke-lo-{batch.pk}.csv"'
        return response
    if kind == "nhan.pdf":
        return _pdf(
            labels_pdf(parcels=parcels, stall_name=_stall_name(), sender_address=_sender_address()),
            f"nhan-lo-{batch.pk}.pdf",
        )
    raise Http404


@stall_officer_required
@audited(object_type="logistics.notification")
def outbox(request):
    return render(
        request, "logistics/outbox.html", {"notifications": selectors.notifications_recent()[:100]}
    )


# --- Volunteers (no account: a signed link per route) -------------------------------------


def _route_or_refuse(request, token: str):
    try:
        return route_from_token(token=token), None
    except (signing.BadSignature, ValueError):
        response = render(request, "logistics/link_invalid.html", status=403)
        response["Cache-Control"] = "private, no-store"
        return None, response


@audited(object_type="logistics.route", link_visitor="liên kết tuyến giao", masked_kwarg="token")
def volunteer_route(request, token: str):
    route, refused = _route_or_refuse(request, token)
    if refused:
        return refused
    request.personal_data_object_id = route.pk
    response = render(
        request,
        "logistics/volunteer_route.html",
        {
            "route": route,
            "token": token,
            "stops": selectors.route_stops(route=route, withdrawn=True),
            "reasons": RunStop.FailReason.choices,
        },
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def volunteer_stop_mark(request, token: str, stop_id: int):
    route, refused = _route_or_refuse(request, token)
    if refused:
        return refused
    stop = RunStop.objects.filter(pk=stop_id, route=route).first()
    if stop is None:
        messages.error(
            request,
            _("Điểm giao này không còn trong tuyến của bạn. Đừng giao; hãy báo cán bộ Đoàn."),
        )
        return redirect("logistics:volunteer-route", token=token)
    form = StopMarkForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Hãy chọn đã giao hoặc không giao được."))
    else:
        _act(
            request,
            lambda: services.stop_mark(stop=stop, **form.cleaned_data),
            _("Đã ghi điểm %(n)d.") % {"n": stop.position},
        )
    return redirect(reverse("logistics:volunteer-route", args=[token]) + f"#diem-{stop.pk}")
