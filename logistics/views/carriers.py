"""Officers' pages for carriers: the stall's way of sending, booking a batch, its labels."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from logistics import shipments, tasks
from logistics.batches import BatchError
from logistics.models import PostalBatch, StallCarrier
from tenants.permissions import stall_officer_required


class StallCarrierForm(forms.Form):
    code = forms.ChoiceField(
        label=gettext_lazy("Cách gửi bưu kiện"),
        choices=StallCarrier.Code.choices,
        widget=forms.RadioSelect,
    )
    ghn_shop_id = forms.CharField(
        label=gettext_lazy("Mã cửa hàng GHN (ShopId)"),
        max_length=20,
        required=False,
        help_text=gettext_lazy("Chỉ cần khi gửi qua GHN: xem trong trang quản lý cửa hàng GHN."),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )


@stall_officer_required
def stall_carrier(request):
    setting = shipments.stall_carrier_get()
    form = StallCarrierForm(
        request.POST or None, initial={"code": setting.code, "ghn_shop_id": setting.ghn_shop_id}
    )
    if request.method == "POST" and form.is_valid():
        try:
            shipments.stall_carrier_set(**form.cleaned_data)
        except BatchError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Đã lưu cách gửi bưu kiện."))
            return redirect("logistics:batches")
    return render(request, "logistics/stall_carrier.html", {"form": form})


@require_POST
@stall_officer_required
def batch_ship(request, batch_id: int):
    batch = get_object_or_404(PostalBatch, pk=batch_id)
    if batch.state != PostalBatch.State.READY:
        messages.error(request, _("Hãy đánh dấu lô “sẵn sàng gửi” trước khi tạo vận đơn."))
    elif tasks.enqueue(tasks.batch_ship, batch.pk):
        messages.success(
            request, _("Đang tạo vận đơn với bên vận chuyển. Tải lại trang sau ít phút.")
        )
    else:
        messages.error(request, _("Hệ thống xử lý nền đang bận. Hãy thử lại sau ít phút."))
    return redirect("logistics:batch", batch_id=batch.pk)


@stall_officer_required
def batch_carrier_labels(request, batch_id: int):
    batch = get_object_or_404(PostalBatch, pk=batch_id)
    try:
        return redirect(shipments.batch_label_url(batch=batch))
    except BatchError as exc:
        messages.error(request, str(exc))
        return redirect("logistics:batch", batch_id=batch.pk)
