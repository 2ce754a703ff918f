"""Forms of the delivery pages: small, validated here, written by the services."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog.models import Order
from core.text import CleanCharField
from logistics.models import RunStop, Volunteer

MAX_CSV_BYTES = 512 * 1024


class HandOverForm(forms.Form):
    receipt_number = CleanCharField(label=_("Số biên nhận của bưu điện"), max_length=60)
    handed_over_on = forms.DateField(
        label=_("Ngày giao"),
        initial=timezone.localdate,
        # An <input type="date"> only shows an ISO value, whatever the page's language.
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class TrackingForm(forms.Form):
    tracking_number = CleanCharField(label=_("Mã vận đơn"), max_length=40)


class TrackingCsvForm(forms.Form):
    file = forms.FileField(label=_("Tệp CSV (mã đơn, mã vận đơn)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_CSV_BYTES:
            raise forms.ValidationError(_("Tệp quá lớn (tối đa 512 KB)."))
        return upload


class ReturnForm(forms.Form):
    reason = CleanCharField(label=_("Lý do hoàn"), max_length=200)


class OverrideForm(forms.Form):
    delivery = forms.ChoiceField(
        label=_("Cách giao"),
        choices=[
            (Order.Delivery.VOLUNTEER, Order.Delivery.VOLUNTEER.label),
            (Order.Delivery.POST, Order.Delivery.POST.label),
        ],
    )


class SignupForm(forms.Form):
    volunteer = forms.ModelChoiceField(label=_("Đoàn viên"), queryset=Volunteer.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["volunteer"]
        field.queryset = Volunteer.objects.filter(is_active=True)  # type: ignore[attr-defined]


class StopMarkForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=[
            (RunStop.Outcome.DELIVERED, _("Đã giao")),
            (RunStop.Outcome.FAILED, _("Không giao được")),
        ]
    )
    reason = forms.ChoiceField(
        label=_("Lý do"), required=False, choices=[("", "—"), *RunStop.FailReason.choices]
    )
    note = CleanCharField(label=_("Ghi chú"), required=False, max_length=200)
