"""The target form: what a province or district officer fills in to set a goal."""

from __future__ import annotations

from typing import cast

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


class PoolProposeForm(forms.Form):
    """A match from the district pool, as proposed: which kind, how many, from whom to whom."""

    from_stall = forms.IntegerField(widget=forms.HiddenInput)
    to_stall = forms.IntegerField(widget=forms.HiddenInput)
    category = forms.SlugField(widget=forms.HiddenInput, max_length=80)
    size = forms.CharField(widget=forms.HiddenInput, max_length=8, required=False)
    grade = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=12, required=False)
    quantity = forms.IntegerField(label=_("Số lượng"), min_value=1, max_value=100_000)


class TransferProposeForm(forms.Form):
    """An officer of the sending stall picks one of its items and a stall of the district."""

    item = forms.TypedChoiceField(label=_("Món gửi đi"), coerce=int)
    quantity = forms.IntegerField(label=_("Số lượng"), min_value=1, max_value=100_000)
    to_stall = forms.TypedChoiceField(label=_("Gửi cho gian hàng"), coerce=int)

    def __init__(self, *args, items=(), stalls=(), **kwargs):
        super().__init__(*args, **kwargs)
        item_field = cast("forms.ChoiceField", self.fields["item"])
        stall_field = cast("forms.ChoiceField", self.fields["to_stall"])
        item_field.choices = [
            (item.pk, f"{item.title}{f' · {item.size}' if item.size else ''} ({item.available})")
            for item in items
        ]
        stall_field.choices = [(stall.pk, stall.name) for stall in stalls]
