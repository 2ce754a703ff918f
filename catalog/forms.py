"""Forms of the storefront (checkout, tracking) and of the officer pages (items, photos)."""

from __future__ import annotations

from typing import cast

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _

from catalog import addresses
from catalog.codes import tracking_code_clean
from catalog.models import Item, ItemPhoto
from catalog.phones import phone_normalise
from catalog.photos import photo_check
from catalog.services import recipient_guardian_clean
from core.text import CleanCharField, CleanTextField, clean_formfield
from privacy.notices import NOTICE_CURRENT, NOTICE_VERSIONS
from tenants.collation import area_sort_key

KIDS_CLOTHING_SIZES = [str(n) for n in range(1, 17)]
# "For ages a–b" on an item: a person's age, in years.
ITEM_AGE_MIN, ITEM_AGE_MAX = 0, 100


def item_size_problem(size_kind: str, size: str) -> str | None:
    """Why this size does not fit its kind, or None when it does."""
    size = (size or "").strip().upper()
    if size_kind == Item.SizeKind.CLOTHING:
        if size not in Item.CLOTHING_SIZES + KIDS_CLOTHING_SIZES:
            return str(_("Cỡ quần áo: XS, S, M, L, XL, XXL, 3XL hoặc cỡ trẻ em 1–16."))
    elif size_kind == Item.SizeKind.SHOE:
        if size not in Item.SHOE_SIZES:
            return str(_("Cỡ giày dép từ 28 đến 45."))
    elif size:
        return str(_("Chọn loại cỡ (quần áo hoặc giày dép) trước khi ghi cỡ."))
    return None


class ItemAdminForm(forms.ModelForm):
    class Meta:
        model = Item
        formfield_callback = clean_formfield
        fields = [
            "category",
            "title",
            "description",
            "condition",
            "size_kind",
            "size",
            "gender",
            "age_min",
            "age_max",
            "grade",
            "subject",
            "is_listed",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("age_min", "age_max"):
            field = self.fields.get(name)
            if field is not None:
                field.validators.append(MaxValueValidator(ITEM_AGE_MAX))
                field.widget.attrs.update(min=ITEM_AGE_MIN, max=ITEM_AGE_MAX)

    def clean_size(self) -> str:
        return (self.cleaned_data.get("size") or "").strip().upper()

    def clean(self):
        super().clean()
        data = self.cleaned_data
        problem = item_size_problem(data.get("size_kind", ""), data.get("size", ""))
        if problem:
            self.add_error("size", problem)
        if (
            data.get("age_min") is not None
            and data.get("age_max") is not None
            and data["age_min"] > data["age_max"]
        ):
            self.add_error("age_max", _("“Đến tuổi” phải lớn hơn hoặc bằng “từ tuổi”."))
        return data


class ItemPhotoForm(forms.ModelForm):
    class Meta:
        model = ItemPhoto
        fields = ["image", "position"]

    def clean_image(self):
        image = self.cleaned_data.get("image")
        if image and hasattr(image, "content_type"):  # a new upload, not the stored file
            photo_check(image)
        return image


class VietnameseOrderIterator(forms.models.ModelChoiceIterator):
    """Choices in Vietnamese alphabetical order ("Cái Bè" before "Chợ Gạo", "Đ" after "D")."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for area in sorted(self.queryset, key=area_sort_key):
            yield self.choice(area)


class AreaChoiceField(forms.ModelChoiceField):
    """Shows just the area's own name: the parent is already chosen above it."""

    iterator = VietnameseOrderIterator

    def label_from_instance(self, obj) -> str:
        return obj.name


class CheckoutForm(forms.Form):
    """Recipient details. Without JavaScript the address pickers fill in by round-trips."""

    MODE_CURRENT, MODE_LEGACY = "current", "legacy"

    name = CleanCharField(label=_("Họ tên người nhận"), max_length=120)
    phone = CleanCharField(
        label=_("Số điện thoại di động"),
        max_length=32,
        help_text=_("Ví dụ 0901234567. Đoàn trường gọi số này khi giao hàng."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    address_mode = forms.ChoiceField(
        label=_("Cách ghi địa chỉ"),
        initial=MODE_CURRENT,
        widget=forms.RadioSelect,
        choices=[
            (MODE_CURRENT, _("Địa chỉ mới (tỉnh – xã/phường, từ 1/7/2025)")),
            (MODE_LEGACY, _("Địa chỉ cũ (tỉnh – huyện – xã)")),
        ],
    )
    province = AreaChoiceField(
        label=_("Tỉnh/Thành phố"),
        required=False,
        queryset=addresses.provinces_current(),
        empty_label=_("— Chọn tỉnh/thành —"),
    )
    commune = AreaChoiceField(
        label=_("Xã/Phường/Đặc khu"),
        required=False,
        queryset=addresses.communes_current(province_id=None),
        empty_label=_("— Chọn xã/phường —"),
    )
    legacy_province = AreaChoiceField(
        label=_("Tỉnh (cũ)"),
        required=False,
        queryset=addresses.provinces_legacy(),
        empty_label=_("— Chọn tỉnh cũ —"),
    )
    legacy_district = AreaChoiceField(
        label=_("Huyện/Quận/Thị xã (cũ)"),
        required=False,
        queryset=addresses.districts_legacy(province_id=None),
        empty_label=_("— Chọn huyện —"),
    )
    legacy_commune = AreaChoiceField(
        label=_("Xã/Phường (cũ)"),
        required=False,
        queryset=addresses.communes_legacy(district_id=None),
        empty_label=_("— Chọn xã —"),
    )
    address_line = CleanCharField(label=_("Số nhà, đường, ấp/khu phố"), max_length=200)
    note = CleanTextField(
        label=_("Ghi chú (không bắt buộc)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    is_minor = forms.BooleanField(label=_("Người nhận dưới 16 tuổi"), required=False)
    guardian_name = CleanCharField(
        label=_("Họ tên cha mẹ/người giám hộ"), required=False, max_length=120
    )
    guardian_phone = CleanCharField(
        label=_("Điện thoại cha mẹ/người giám hộ"), required=False, max_length=32
    )
    consent = forms.BooleanField(
        label=_(
            "Tôi đồng ý cho Đoàn trường dùng họ tên, số điện thoại và địa chỉ này để giao "
            "hàng, theo thông báo về dữ liệu cá nhân."
        ),
        error_messages={"required": _("Hãy đánh dấu đồng ý để Đoàn trường có thể giao hàng.")},
    )
    # The version of the notice linked on this page: what the person accepts is recorded.
    notice_version = forms.CharField(widget=forms.HiddenInput, required=False, max_length=20)

    error_css_class = "has-error"

    @property
    def notice_shown(self) -> str:
        """The notice version this page links to (a known one, whatever was posted)."""
        version = self["notice_version"].value()
        return version if version in NOTICE_VERSIONS else NOTICE_CURRENT

    def clean_notice_version(self) -> str:
        version = self.cleaned_data.get("notice_version") or NOTICE_CURRENT
        if version not in NOTICE_VERSIONS:
            # The field is hidden: the message goes on top of the form, where it is seen.
            self.add_error(
                None,
                _(
                    "Thông báo về dữ liệu cá nhân vừa được cập nhật. Hãy đọc bản mới rồi "
                    "đánh dấu đồng ý lại."
                ),
            )
            return NOTICE_CURRENT
        return version

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["notice_version"].initial = NOTICE_CURRENT
        self.fields["name"].error_messages["required"] = _("Hãy nhập họ tên người nhận.")
        self.fields["phone"].error_messages["required"] = _("Hãy nhập số điện thoại di động.")
        self.fields["address_line"].error_messages["required"] = _(
            "Hãy nhập số nhà, đường hoặc ấp/khu phố."
        )
        source = self.data if self.is_bound else self.initial
        cast(forms.ModelChoiceField, self.fields["commune"]).queryset = addresses.communes_current(
            province_id=_int(source.get("province"))
        )
        cast(
            forms.ModelChoiceField, self.fields["legacy_district"]
        ).queryset = addresses.districts_legacy(province_id=_int(source.get("legacy_province")))
        cast(
            forms.ModelChoiceField, self.fields["legacy_commune"]
        ).queryset = addresses.communes_legacy(district_id=_int(source.get("legacy_district")))
        for name in ("province", "commune", "legacy_province", "legacy_district", "legacy_commune"):
            self.fields[name].error_messages["invalid_choice"] = _(
                "Lựa chọn này không thuộc danh sách. Hãy bấm “Cập nhật danh sách” rồi chọn lại."
            )
        for name in ("address_mode", "province", "legacy_province", "legacy_district"):
            self.fields[name].widget.attrs["data-refresh"] = "1"

    def clean_phone(self) -> str:
        return phone_normalise(self.cleaned_data.get("phone", ""))

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if data.get("address_mode") == self.MODE_LEGACY:
            legacy = data.get("legacy_commune")
            if legacy is None:
                self.add_error("legacy_commune", _("Hãy chọn tỉnh, huyện rồi xã (địa chỉ cũ)."))
            else:
                converted = addresses.legacy_convert(legacy_commune=legacy)
                if converted is None:
                    self.add_error(
                        "legacy_commune",
                        _(
                            "Chưa chuyển được địa chỉ cũ này sang xã/phường mới. Hãy chọn theo "
                            "địa chỉ mới."
                        ),
                    )
                else:
                    data["commune"] = converted.commune
                    data["province"] = converted.commune.parent
                    data["legacy_address"] = converted.legacy_text
        else:
            data["legacy_address"] = ""
            if data.get("commune") is None and "commune" not in self.errors:
                self.add_error("commune", _("Hãy chọn tỉnh/thành rồi xã/phường nơi nhận hàng."))
        try:
            recipient_guardian_clean(
                is_minor=bool(data.get("is_minor")),
                guardian_name=data.get("guardian_name") or "",
                guardian_phone=data.get("guardian_phone") or "",
            )
        except ValidationError as exc:
            for field, problems in exc.message_dict.items():
                self.add_error(field, problems)
        return data


class TrackingForm(forms.Form):
    code = CleanCharField(
        label=_("Mã đơn"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "placeholder": "ABCD-1234"}),
    )
    phone_last4 = forms.RegexField(
        label=_("4 số cuối điện thoại"),
        regex=r"^\d{4}$",
        max_length=4,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        error_messages={"invalid": _("Hãy nhập đúng 4 chữ số cuối của số điện thoại.")},
    )

    def clean_code(self) -> str:
        code = tracking_code_clean(self.cleaned_data.get("code", ""))
        if code is None:
            raise ValidationError(_("Mã đơn gồm 8 ký tự, dạng ABCD-1234. Hãy xem lại mã."))
        return code


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
