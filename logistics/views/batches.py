"""Officers' postal-batch pages: batches, their parcels, hand-over and tracking numbers."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from logistics import selectors, services
from logistics.forms import HandOverForm, ReturnForm, TrackingCsvForm, TrackingForm
from logistics.models import Parcel, PostalBatch
from logistics.views.common import act
from privacy.audit import audited
from tenants.permissions import stall_officer_required


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
    act(
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
    act(request, action.execute, _("Đã ghi nhận giao lô cho bưu điện."))
    return redirect("logistics:batch", batch_id=batch.pk)


@require_POST
@stall_officer_required
def batch_close(request, batch_id: int):
    batch = get_object_or_404(PostalBatch, pk=batch_id)
    act(request, lambda: services.batch_close(batch=batch), _("Đã đóng lô."))
    return redirect("logistics:batch", batch_id=batch.pk)


@require_POST
@stall_officer_required
def parcel_tracking(request, parcel_id: int):
    parcel = get_object_or_404(Parcel.objects.select_related("batch"), pk=parcel_id)
    form = TrackingForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Hãy nhập mã vận đơn."))
    else:
        act(
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
        act(
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
    act(
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
