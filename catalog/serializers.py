"""API shapes of the catalog: public (no personal data) and officer (the stall's own)."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from catalog.forms import ITEM_AGE_MAX, ITEM_AGE_MIN
from catalog.models import Category, Donation, Item, ItemPhoto, Order, OrderEvent, OrderLine
from catalog.phones import phone_normalise
from catalog.services import RECIPIENT_CANCELLABLE, TRANSITIONS, recipient_guardian_clean
from catalog.stock import MANUAL_KINDS
from core.text import (
    CleanCharSerializerField,
    CleanTextModelSerializerMixin,
    CleanTextSerializerField,
)


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "slug", "name", "name_en"]


class PhotoSerializer(serializers.ModelSerializer):
    image = serializers.SerializerMethodField()
    thumbnail = serializers.SerializerMethodField()

    class Meta:
        model = ItemPhoto
        fields = ["image", "thumbnail"]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_image(self, photo) -> str | None:
        return photo.image.url if photo.image else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_thumbnail(self, photo) -> str | None:
        return photo.thumbnail.url if photo.thumbnail else None


class ItemListSerializer(serializers.ModelSerializer):
    category = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    thumbnail = serializers.SerializerMethodField()

    class Meta:
        model = Item
        fields = [
            "id",
            "title",
            "category",
            "condition",
            "size",
            "gender",
            "grade",
            "subject",
            "available",
            "thumbnail",
        ]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_thumbnail(self, item) -> str | None:
        photo = item.first_photo
        return photo.thumbnail.url if photo is not None and photo.thumbnail else None


class ItemDetailSerializer(ItemListSerializer):
    photos = PhotoSerializer(many=True, read_only=True)

    class Meta(ItemListSerializer.Meta):
        fields = [
            *ItemListSerializer.Meta.fields,
            "description",
            "size_kind",
            "age_min",
            "age_max",
            "photos",
        ]


class OrderLineInSerializer(serializers.Serializer):
    item = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    quantity = serializers.IntegerField(min_value=1, max_value=20, default=1)


class OrderCreateSerializer(serializers.Serializer):
    """What a recipient sends to place an order."""

    lines = OrderLineInSerializer(many=True, allow_empty=False, max_length=20)
    name = CleanCharSerializerField(max_length=120)
    phone = CleanCharSerializerField(
        max_length=32, help_text=_("Số di động Việt Nam, ví dụ 0901234567.")
    )
    commune_code = CleanCharSerializerField(
        max_length=10,
        required=False,
        allow_blank=True,
        help_text=_("Mã xã/phường hiện hành (từ 1/7/2025)."),
    )
    legacy_address = CleanCharSerializerField(
        max_length=255,
        required=False,
        allow_blank=True,
        help_text=_("Hoặc địa chỉ cũ có huyện: “Xã …, Huyện …, Tỉnh …”; sẽ được chuyển đổi."),
    )
    address_line = CleanCharSerializerField(max_length=200)
    note = CleanTextSerializerField(max_length=1000, required=False, allow_blank=True)
    consent = serializers.BooleanField(help_text=_("Đồng ý với thông báo về dữ liệu cá nhân."))
    recipient_is_minor = serializers.BooleanField(default=False)
    guardian_name = CleanCharSerializerField(max_length=120, required=False, allow_blank=True)
    guardian_phone = CleanCharSerializerField(max_length=32, required=False, allow_blank=True)

    def validate_phone(self, value: str) -> str:
        return phone_normalise(value)

    def validate_consent(self, value: bool) -> bool:
        if not value:
            raise serializers.ValidationError(
                _("Hãy đồng ý với thông báo về dữ liệu cá nhân để đặt hàng.")
            )
        return value

    def validate_lines(self, value: list[dict]) -> list[dict]:
        items = [line["item"] for line in value]
        if len(items) != len(set(items)):
            raise serializers.ValidationError(_("Mỗi món chỉ ghi một dòng."))
        return value

    def validate(self, attrs: dict) -> dict:
        from catalog.addresses import address_text_convert, commune_by_code

        commune = None
        if attrs.get("commune_code"):
            commune = commune_by_code(attrs["commune_code"])
            if commune is None:
                raise serializers.ValidationError(
                    {"commune_code": _("Không có xã/phường với mã này. Hãy kiểm tra lại.")}
                )
            attrs["legacy_address"] = attrs.get("legacy_address", "")
        elif attrs.get("legacy_address"):
            converted = address_text_convert(attrs["legacy_address"])
            if converted is None:
                raise serializers.ValidationError(
                    {
                        "legacy_address": _(
                            "Không nhận ra địa chỉ cũ này. Hãy ghi đủ “Xã …, Huyện …, Tỉnh …” hoặc "
                            "gửi mã xã/phường hiện hành."
                        )
                    }
                )
            commune = converted.commune
        else:
            raise serializers.ValidationError(
                {"commune_code": _("Hãy gửi mã xã/phường hoặc địa chỉ cũ có huyện.")}
            )
        attrs["commune"] = commune
        try:
            recipient_guardian_clean(
                is_minor=attrs.get("recipient_is_minor", False),
                guardian_name=attrs.get("guardian_name", ""),
                guardian_phone=attrs.get("guardian_phone", ""),
            )
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.message_dict) from exc
        return attrs


class OrderLinePublicSerializer(serializers.ModelSerializer):
    title = serializers.CharField(source="item.title", read_only=True)

    class Meta:
        model = OrderLine
        fields = ["item", "title", "quantity"]


class OrderEventPublicSerializer(serializers.ModelSerializer):
    state = serializers.CharField(source="to_state")
    label = serializers.SerializerMethodField()

    class Meta:
        model = OrderEvent
        fields = ["state", "label", "at", "public_note"]

    def get_label(self, event) -> str:
        return str(Order.State(event.to_state).label)


class OrderPublicSerializer(serializers.ModelSerializer):
    """What the recipient sees with code + last 4 digits: no name, phone or address."""

    state_label = serializers.CharField(source="get_state_display", read_only=True)
    lines = OrderLinePublicSerializer(many=True, read_only=True)
    events = OrderEventPublicSerializer(many=True, read_only=True)
    can_cancel = serializers.SerializerMethodField()

    class Meta:
        model = Order
        fields = [
            "code",
            "state",
            "state_label",
            "delivery",
            "placed_at",
            "lines",
            "events",
            "can_cancel",
        ]

    def get_can_cancel(self, order) -> bool:
        return order.state in RECIPIENT_CANCELLABLE


class TrackingQuerySerializer(serializers.Serializer):
    phone_last4 = serializers.RegexField(r"^\d{4}$", help_text=_("4 số cuối điện thoại."))


class RefusalSerializer(serializers.Serializer):
    code = serializers.CharField()
    detail = serializers.CharField()
    item = serializers.IntegerField(allow_null=True)


# --- Officers ----------------------------------------------------------------------------


class ItemOfficerSerializer(CleanTextModelSerializerMixin, serializers.ModelSerializer):
    category = serializers.SlugRelatedField(slug_field="slug", queryset=Category.objects.all())

    class Meta:
        model = Item
        fields = [
            "id",
            "title",
            "category",
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
            "available",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["available", "created_at", "updated_at"]
        extra_kwargs = {
            "age_min": {"min_value": ITEM_AGE_MIN, "max_value": ITEM_AGE_MAX},
            "age_max": {"min_value": ITEM_AGE_MIN, "max_value": ITEM_AGE_MAX},
        }

    def validate(self, attrs: dict) -> dict:
        from catalog.forms import item_size_problem

        size_kind = attrs.get("size_kind", getattr(self.instance, "size_kind", ""))
        size = attrs.get("size", getattr(self.instance, "size", ""))
        problem = item_size_problem(size_kind, size)
        if problem:
            raise serializers.ValidationError({"size": problem})
        age_min = attrs.get("age_min", getattr(self.instance, "age_min", None))
        age_max = attrs.get("age_max", getattr(self.instance, "age_max", None))
        if age_min is not None and age_max is not None and age_min > age_max:
            raise serializers.ValidationError({"age_max": _("“Đến tuổi” phải lớn hơn “từ tuổi”.")})
        return attrs


class OrderOfficerSerializer(serializers.ModelSerializer):
    """The stall's own officers see the recipient's contact to deliver the order."""

    state_label = serializers.CharField(source="get_state_display", read_only=True)
    province = serializers.CharField(source="province.name", read_only=True, allow_null=True)
    commune = serializers.CharField(source="commune.name", read_only=True, allow_null=True)
    lines = OrderLinePublicSerializer(many=True, read_only=True)
    next_states = serializers.SerializerMethodField()

    class Meta:
        model = Order
        fields = [
            "id",
            "code",
            "state",
            "state_label",
            "delivery",
            "recipient_name",
            "phone",
            "province",
            "commune",
            "address_line",
            "legacy_address",
            "note",
            "recipient_is_minor",
            "guardian_name",
            "guardian_phone",
            "placed_at",
            "updated_at",
            "lines",
            "next_states",
        ]
        read_only_fields = fields

    def get_next_states(self, order) -> list[str]:
        return sorted(TRANSITIONS.get(order.state, set()))


class TransitionSerializer(serializers.Serializer):
    to_state = serializers.ChoiceField(choices=Order.State.choices)
    public_note = CleanCharSerializerField(max_length=200, required=False, allow_blank=True)


class StockChangeSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[(k.value, k.label) for k in MANUAL_KINDS])
    quantity = serializers.IntegerField(min_value=-100000, max_value=100000)
    note = CleanCharSerializerField(max_length=200, required=False, allow_blank=True)


class DonationLineInSerializer(serializers.Serializer):
    item = serializers.PrimaryKeyRelatedField(queryset=Item.objects.all())
    quantity = serializers.IntegerField(min_value=1, max_value=100000)


class DonationSerializer(CleanTextModelSerializerMixin, serializers.ModelSerializer):
    lines = DonationLineInSerializer(many=True, allow_empty=False, write_only=True)

    class Meta:
        model = Donation
        fields = ["id", "donor_name", "received_on", "note", "lines", "created_at"]
        read_only_fields = ["id", "created_at"]
