"""The target form: what a province or district officer fills in to set a goal."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.text import CleanCharField
from reporting.models import Target


class TargetForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại mục tiêu"), choices=Target.Kind.choices)
    title = CleanCharField(label=_("Tên mục tiêu"), max_length=200)
    period_start = forms.DateField(
        label=_("Từ ngày"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    period_end = forms.DateField(
        label=_("Đến ngày"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    value = forms.IntegerField(label=_("Chỉ tiêu (N)"), min_value=1, max_value=10_000_000)

    def clean(self):
        super().clean()
        data = self.cleaned_data
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("Ngày kết thúc phải sau ngày bắt đầu: hãy chọn lại."))
        return data
