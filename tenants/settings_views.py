"""The stall settings page of the officers' workspace."""

from __future__ import annotations

from typing import cast

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tenants.models import AdminArea
from tenants.permissions import stall_officer_required
from tenants.stall_settings import communes_near_stall, stall_settings_update


class StallSettingsForm(forms.Form):
    delivery_radius_km = forms.DecimalField(
        label=gettext_lazy("Bán kính giao tận nơi (km)"),
        min_value=0,
        max_value=100,
        decimal_places=1,
        help_text=gettext_lazy(
            "Đơn trong bán kính này do đoàn viên giao thứ Bảy; xa hơn thì gửi bưu điện."
        ),
    )
    served_communes = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Xã/phường giao tận nơi (ngoài bán kính)"),
        required=False,
        queryset=AdminArea.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    max_items_per_period = forms.IntegerField(
        label=gettext_lazy("Số món tối đa mỗi người nhận trong kỳ"), min_value=1, max_value=100
    )
    limit_period_days = forms.IntegerField(
        label=gettext_lazy("Độ dài kỳ (ngày)"), min_value=1, max_value=365
    )
    max_same_item = forms.IntegerField(
        label=gettext_lazy("Số lượng tối đa của cùng một món"), min_value=1, max_value=20
    )
    confirm_new_phones = forms.BooleanField(
        label=gettext_lazy("Cán bộ duyệt đơn của số điện thoại mới"), required=False
    )
    sender_address = forms.CharField(
        label=gettext_lazy("Địa chỉ người gửi trên nhãn bưu điện"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("Để trống thì dùng xã/phường của trường."),
    )

    def __init__(self, *args, communes=(), **kwargs):
        super().__init__(*args, **kwargs)
        served = cast(forms.ModelMultipleChoiceField, self.fields["served_communes"])
        served.queryset = AdminArea.objects.filter(pk__in=[c.pk for c in communes])
        served.choices = [(c.pk, c.name) for c in communes]  # Vietnamese order, not the DB's
        for field in self.fields.values():
            field.error_messages.setdefault("invalid", gettext_lazy("Giá trị không hợp lệ."))
            field.error_messages["required"] = gettext_lazy("Hãy điền ô này.")
            if isinstance(field, forms.IntegerField | forms.DecimalField):
                field.error_messages["invalid"] = gettext_lazy("Hãy nhập một số.")
                field.error_messages["min_value"] = gettext_lazy(
                    "Số quá nhỏ (ít nhất %(limit_value)s)."
                )
                field.error_messages["max_value"] = gettext_lazy(
                    "Số quá lớn (nhiều nhất %(limit_value)s)."
                )
                field.error_messages["max_decimal_places"] = gettext_lazy(
                    "Chỉ ghi một chữ số sau dấu phẩy."
                )


@stall_officer_required
def stall_settings(request):
    stall = request.tenant
    communes = communes_near_stall(stall=stall)
    initial = {
        "delivery_radius_km": stall.delivery_radius_km,
        "served_communes": list(stall.served_communes.values_list("pk", flat=True)),
        "max_items_per_period": stall.max_items_per_period,
        "limit_period_days": stall.limit_period_days,
        "max_same_item": stall.max_same_item,
        "confirm_new_phones": stall.confirm_new_phones,
        "sender_address": stall.sender_address,
    }
    form = StallSettingsForm(request.POST or None, initial=initial, communes=communes)
    if request.method == "POST" and form.is_valid():
        stall_settings_update(stall=stall, **form.cleaned_data)
        messages.success(request, _("Đã lưu cài đặt của gian hàng."))
        return redirect("workspace:settings")
    return render(
        request, "tenants/stall_settings.html", {"form": form, "has_communes": bool(communes)}
    )
