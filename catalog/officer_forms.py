"""Forms of the officers' workspace: items with photo and stock, stock changes, donations."""

from __future__ import annotations

from typing import cast

from django import forms
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from catalog.forms import ItemAdminForm
from catalog.models import Item, StockEntry
from catalog.photos import photo_check
from tenants.collation import vi_sorted


def _photo_field(label):
    return forms.ImageField(
        label=label,
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/*"}),
        help_text=_("Chụp bằng điện thoại hoặc chọn ảnh có sẵn (JPEG, PNG, WebP, tối đa 5 MB)."),
        error_messages={"invalid_image": _("Tệp này không phải ảnh JPEG, PNG hoặc WebP.")},
    )


class CategoryChoiceField(forms.ModelChoiceField):
    """The shelves by their English names when the page is in English (where they have one)."""

    def label_from_instance(self, obj) -> str:
        if (get_language() or "").startswith("en") and obj.name_en:
            return obj.name_en
        return obj.name


class ItemForm(ItemAdminForm):
    """An item's details; the photo is optional but makes the storefront much clearer."""

    photo = _photo_field(_("Ảnh"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        category = cast(forms.ModelChoiceField, self.fields["category"])
        category.empty_label = _("— Chọn danh mục —")
        self.fields["category"] = CategoryChoiceField(
            queryset=category.queryset,
            label=category.label,
            empty_label=category.empty_label,
            error_messages=category.error_messages,
        )
        self.fields["category"].error_messages["required"] = _("Hãy chọn danh mục.")
        self.fields["title"].error_messages["required"] = _("Hãy nhập tên món.")
        self.fields["description"].widget.attrs["rows"] = 3

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if photo:
            photo_check(photo)
        return photo

    def item_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class ItemCreateForm(ItemForm):
    quantity = forms.IntegerField(
        label=_("Số lượng nhập kho"),
        min_value=0,
        max_value=10_000,
        initial=1,
        help_text=_("Số món đang có trong tay; được ghi vào sổ kho là “Nhập kho”."),
        error_messages={
            "required": _("Hãy nhập số lượng (0 nếu chưa có)."),
            "invalid": _("Số lượng phải là số nguyên."),
            "min_value": _("Số lượng không được âm."),
            "max_value": _("Số lượng quá lớn (tối đa 10.000)."),
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )

    field_order = ["photo", "title", "category", "quantity"]


class StockChangeForm(forms.Form):
    KIND_CHOICES = [
        (StockEntry.Kind.INTAKE, _("Nhập thêm (+)")),
        (StockEntry.Kind.WRITE_OFF, _("Loại bỏ vì hỏng, mất (−)")),
        (StockEntry.Kind.ADJUSTMENT, _("Điều chỉnh sau kiểm kê (+ hoặc −)")),
    ]
    kind = forms.ChoiceField(
        label=_("Loại thay đổi"), choices=KIND_CHOICES, widget=forms.RadioSelect
    )
    quantity = forms.IntegerField(
        label=_("Số lượng"),
        min_value=-10_000,
        max_value=10_000,
        help_text=_("Với “điều chỉnh”, dùng số âm để bớt (ví dụ -2)."),
        error_messages={
            "required": _("Hãy nhập số lượng."),
            "invalid": _("Số lượng phải là số nguyên."),
        },
    )
    note = forms.CharField(
        label=_("Lý do"),
        max_length=200,
        required=False,
        help_text=_("Bắt buộc khi loại bỏ hoặc điều chỉnh, ví dụ: “rách”, “kiểm kê thiếu”."),
    )

    def clean(self):
        super().clean()
        data = self.cleaned_data
        kind = data.get("kind")
        if (
            kind in (StockEntry.Kind.WRITE_OFF, StockEntry.Kind.ADJUSTMENT)
            and not (data.get("note") or "").strip()
        ):
            self.add_error("note", _("Hãy ghi lý do thay đổi."))
        return data


def items_for_choice():
    return vi_sorted(Item.objects.only("pk", "title", "size"), key=lambda i: i.title)


class DonationForm(forms.Form):
    donor_name = forms.CharField(
        label=_("Người tặng"), max_length=120, required=False, help_text=_("Để trống nếu ẩn danh.")
    )
    received_on = forms.DateField(
        label=_("Ngày nhận"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Ngày không hợp lệ."), "required": _("Hãy nhập ngày nhận.")},
    )
    note = forms.CharField(
        label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class DonationLineForm(forms.Form):
    item = forms.TypedChoiceField(label=_("Món"), coerce=int, required=False, empty_value=None)
    quantity = forms.IntegerField(
        label=_("Số lượng"),
        min_value=1,
        max_value=10_000,
        required=False,
        error_messages={
            "invalid": _("Số lượng phải là số nguyên."),
            "min_value": _("Số lượng phải lớn hơn 0."),
            "max_value": _("Số lượng quá lớn (tối đa 10.000)."),
        },
    )

    def __init__(self, *args, item_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["item"]).choices = [
            ("", _("— Chọn món —")),
            *item_choices,
        ]

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if data.get("item") and not data.get("quantity"):
            self.add_error("quantity", _("Hãy nhập số lượng của món này."))
        if data.get("quantity") and not data.get("item"):
            self.add_error("item", _("Hãy chọn món."))
        return data


DonationLineFormSet = forms.formset_factory(DonationLineForm, extra=5, max_num=50)
