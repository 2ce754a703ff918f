"""API shapes of fair distribution: public ones carry no personal data."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from catalog.serializers import OrderCreateSerializer
from core.text import CleanCharSerializerField
from distribution.models import Request, Round, RoundItem, TextbookSeries, Wish


class RoundItemSerializer(serializers.ModelSerializer):
    title = serializers.CharField(source="item.title", read_only=True)

    class Meta:
        model = RoundItem
        fields = ["id", "title", "quantity"]


class RoundSerializer(serializers.ModelSerializer):
    items = RoundItemSerializer(many=True, read_only=True)
    published_list = serializers.SerializerMethodField(
        help_text=_("Danh sách mã đã khóa lúc đóng (mỗi dòng: MÃ MÓN [*]), rỗng khi còn mở.")
    )

    class Meta:
        model = Round
        fields = [
            "id",
            "title",
            "state",
            "eligibility",
            "priority_group",
            "opens_at",
            "closes_at",
            "hold_days",
            "items",
            "published_list",
            "public_number",
            "draw_key",
        ]

    def get_published_list(self, round_: Round) -> str:
        return round_.published_list


class RequestCreateSerializer(OrderCreateSerializer):
    """The checkout's recipient fields, the item of the round and the priority claim."""

    lines = None  # type: ignore[assignment]
    round_item = serializers.IntegerField(min_value=1, max_value=2_147_483_647)
    priority_claimed = serializers.BooleanField(default=False)


class RequestPublicSerializer(serializers.ModelSerializer):
    """What the person who asked may read with the code and four digits: no name, no phone."""

    round = serializers.IntegerField(source="round_id", read_only=True)
    item = serializers.CharField(source="round_item.item.title", read_only=True)
    order_code = serializers.SerializerMethodField()

    class Meta:
        model = Request
        fields = [
            "code",
            "round",
            "item",
            "state",
            "draw_position",
            "order_code",
            "hold_until",
            "confirmed_at",
        ]

    def get_order_code(self, request: Request) -> str | None:
        return request.order.code if request.order_id and request.order else None


class RequestOfficerSerializer(serializers.ModelSerializer):
    item = serializers.CharField(source="round_item.item.title", read_only=True)
    order_code = serializers.SerializerMethodField()

    class Meta:
        model = Request
        fields = [
            "id",
            "code",
            "item",
            "state",
            "recipient_name",
            "phone",
            "address_line",
            "priority_claimed",
            "priority_verified_at",
            "draw_position",
            "order_code",
            "hold_until",
            "confirmed_at",
            "created_at",
        ]

    def get_order_code(self, request: Request) -> str | None:
        return request.order.code if request.order_id and request.order else None


class LookupSerializer(serializers.Serializer):
    phone_last4 = serializers.RegexField(r"^\d{4}$", max_length=4, min_length=4)


class RoundRefusalSerializer(serializers.Serializer):
    code = serializers.CharField()
    detail = serializers.CharField()


class WantedSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    category = serializers.CharField()
    grade = serializers.IntegerField(allow_null=True)
    subject = serializers.CharField()
    sizes = serializers.CharField()


class WishCreateSerializer(serializers.Serializer):
    category = serializers.SlugField(max_length=80)
    size = CleanCharSerializerField(max_length=8, required=False, allow_blank=True)
    grade = serializers.IntegerField(min_value=1, max_value=12, required=False, allow_null=True)
    subject = CleanCharSerializerField(max_length=60, required=False, allow_blank=True)
    note = CleanCharSerializerField(max_length=200, required=False, allow_blank=True)
    phone = CleanCharSerializerField(max_length=32)
    consent = serializers.BooleanField()

    def validate_consent(self, value: bool) -> bool:
        if not value:
            raise serializers.ValidationError(
                _("Hãy đồng ý với thông báo về dữ liệu cá nhân để ghi mong muốn.")
            )
        return value


class WishPublicSerializer(serializers.ModelSerializer):
    category = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Wish
        fields = ["code", "state", "category", "size", "grade", "subject", "expires_at"]


class SeriesSerializer(serializers.ModelSerializer):
    class Meta:
        model = TextbookSeries
        fields = ["slug", "name"]


class SetQuerySerializer(serializers.Serializer):
    grade = serializers.IntegerField(min_value=1, max_value=12)
    series = serializers.SlugField(max_length=40)


class SetTitleSerializer(serializers.Serializer):
    subject = serializers.CharField()
    item = serializers.IntegerField(allow_null=True)
    in_stock = serializers.BooleanField()


class SetSerializer(serializers.Serializer):
    grade = serializers.IntegerField()
    series = SeriesSerializer()
    titles = SetTitleSerializer(many=True)


class SetCreateSerializer(OrderCreateSerializer):
    lines = None  # type: ignore[assignment]
    grade = serializers.IntegerField(min_value=1, max_value=12)
    series = serializers.SlugField(max_length=40)


class SetAskedSerializer(serializers.Serializer):
    order_code = serializers.CharField(allow_null=True)
    titles_total = serializers.IntegerField()
    titles_given = serializers.IntegerField()
    wish_codes = serializers.ListField(child=serializers.CharField())
