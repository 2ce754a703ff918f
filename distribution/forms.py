"""Forms of rounds: a recipient's request (the checkout's fields), officers' round forms."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from catalog.forms import CheckoutForm
from catalog.models import Category, Item
from core.text import CleanCharField, CleanTextField
from distribution.models import RoundItem, TextbookSeries


class RoundItemChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return str(_("%(title)s (%(n)d suất)") % {"title": obj.item.title, "n": obj.quantity})


class RequestForm(CheckoutForm):
    """The checkout's recipient fields, plus which item of the round and the priority claim."""

    round_item = RoundItemChoiceField(
        label=_("Món muốn nhận"),
        queryset=RoundItem.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={"required": _("Hãy chọn một món của đợt phát.")},
    )
    priority_claimed = forms.BooleanField(label=_("Tôi thuộc nhóm ưu tiên"), required=False)

    def __init__(self, *args, round_=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["round_item"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = RoundItem.objects.filter(round=round_).select_related("item")
        field.error_messages["invalid_choice"] = _("Hãy chọn một món của đợt phát này.")
        if round_ is not None and round_.priority_group:
            self.fields["priority_claimed"].help_text = _(
                "Nhóm ưu tiên: %(group)s. Cán bộ sẽ xem giấy tờ trực tiếp; trang này không "
                "lưu giấy tờ."
            ) % {"group": round_.priority_group}
        self.fields["consent"].label = _(
            "Tôi đồng ý cho Đoàn trường dùng họ tên, số điện thoại và địa chỉ này để bốc thăm "
            "và giao quà, theo thông báo về dữ liệu cá nhân."
        )


class RequestLookupForm(forms.Form):
    code = CleanCharField(label=_("Mã đăng ký"), max_length=20)
    phone_last4 = forms.RegexField(
        label=_("4 số cuối điện thoại"),
        regex=r"^\d{4}$",
        max_length=4,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        error_messages={"invalid": _("Hãy nhập đúng 4 chữ số cuối của số điện thoại.")},
    )


class RoundForm(forms.Form):
    """An officer opens a round: up to five items with their number of units."""

    LINES = 5

    title = CleanCharField(label=_("Tên đợt"), max_length=120)
    eligibility = CleanTextField(
        label=_("Ai được đăng ký"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    priority_group = CleanCharField(
        label=_("Nhóm ưu tiên (không bắt buộc)"),
        required=False,
        max_length=200,
        help_text=_("Ví dụ: hộ nghèo, hộ cận nghèo. Cán bộ xem giấy tờ trực tiếp."),
    )
    opens_at = forms.DateTimeField(
        label=_("Mở đăng ký lúc"),
        input_formats=["%d/%m/%Y %H:%M", "%Y-%m-%dT%H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    closes_at = forms.DateTimeField(
        label=_("Đóng đăng ký lúc"),
        input_formats=["%d/%m/%Y %H:%M", "%Y-%m-%dT%H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    hold_days = forms.IntegerField(
        label=_("Số ngày giữ suất"), min_value=1, max_value=30, initial=3
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        items = Item.objects.filter(available__gt=0).order_by("title")
        for n in range(1, self.LINES + 1):
            self.fields[f"item_{n}"] = forms.ModelChoiceField(
                label=_("Món %(n)d") % {"n": n},
                queryset=items,
                required=n == 1,
                empty_label=_("— Chọn món —"),
            )
            self.fields[f"quantity_{n}"] = forms.IntegerField(
                label=_("Số suất món %(n)d") % {"n": n},
                min_value=1,
                max_value=10_000,
                required=n == 1,
            )

    def lines(self) -> list[tuple[Item, int]]:
        data = self.cleaned_data
        return [
            (data[f"item_{n}"], data[f"quantity_{n}"])
            for n in range(1, self.LINES + 1)
            if data.get(f"item_{n}") and data.get(f"quantity_{n}")
        ]


class DrawForm(forms.Form):
    public_number = CleanCharField(
        label=_("Số công khai"),
        max_length=40,
        help_text=_(
            "Giải đặc biệt xổ số kiến thiết của tỉnh mở thưởng ngày đóng đăng ký. Không ai biết "
            "trước số này, nên không ai điều khiển được kết quả."
        ),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )


class VerifyForm(forms.Form):
    """Anyone: paste a published list and a number, get the draw's order."""

    published_list = forms.CharField(
        label=_("Danh sách mã đã công bố"),
        max_length=200_000,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    public_number = CleanCharField(label=_("Số công khai"), max_length=40)


class WishForm(forms.Form):
    """A wish: what is needed (category, size, grade and subject for books), a phone."""

    category = forms.ModelChoiceField(
        label=_("Loại"),
        queryset=Category.objects.filter(is_active=True).order_by("position", "name"),
        empty_label=_("— Chọn loại —"),
        error_messages={"required": _("Hãy chọn loại món cần tìm.")},
    )
    size = CleanCharField(
        label=_("Cỡ (không bắt buộc)"),
        required=False,
        max_length=8,
        help_text=_("Ví dụ giày 37, áo M hoặc cỡ trẻ em 10."),
    )
    grade = forms.TypedChoiceField(
        label=_("Lớp (với sách vở)"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("— Không —"))] + [(str(n), str(n)) for n in range(1, 13)],
    )
    subject = CleanCharField(label=_("Môn học (với sách)"), required=False, max_length=60)
    note = CleanCharField(
        label=_("Ghi chú ngắn (không bắt buộc)"),
        required=False,
        max_length=200,
        help_text=_("Không ghi họ tên hay địa chỉ ở đây."),
    )
    phone = CleanCharField(
        label=_("Số điện thoại di động"),
        max_length=32,
        help_text=_("Đoàn trường nhắn tin khi có món phù hợp."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        error_messages={"required": _("Hãy nhập số điện thoại di động.")},
    )
    consent = forms.BooleanField(
        label=_(
            "Tôi đồng ý cho Đoàn trường giữ số điện thoại này để báo khi có món phù hợp, theo "
            "thông báo về dữ liệu cá nhân."
        ),
        error_messages={"required": _("Hãy đánh dấu đồng ý để Đoàn trường có thể báo bạn.")},
    )


class SetPickForm(forms.Form):
    """Which set: a grade and a series (a GET form, so the page is a link people share)."""

    lop = forms.TypedChoiceField(
        label=_("Lớp"), coerce=int, choices=[(str(n), str(n)) for n in range(1, 13)]
    )
    bo = forms.ModelChoiceField(
        label=_("Bộ sách"),
        queryset=TextbookSeries.objects.all(),
        to_field_name="slug",
        empty_label=None,
    )


class TextbookIntakeForm(forms.Form):
    """Copies per subject of one grade and series; empty means none."""

    def __init__(self, *args, subjects=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.subjects = list(subjects)
        for subject in self.subjects:
            self.fields[f"mon_{subject.pk}"] = forms.IntegerField(
                label=subject.name,
                required=False,
                min_value=0,
                max_value=500,
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )

    def quantities(self) -> dict[int, int]:
        return {
            s.pk: self.cleaned_data.get(f"mon_{s.pk}") or 0
            for s in self.subjects
            if self.cleaned_data.get(f"mon_{s.pk}")
        }
