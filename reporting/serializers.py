"""API shapes of the reporting app: counts only, "<5" where the page shows it."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from reporting.models import Transfer
from tenants.models import Unit


class UnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = ["id", "name", "kind", "code", "parent_id"]


class PeriodQuerySerializer(serializers.Serializer):
    tu = serializers.DateField(required=False, input_formats=["%Y-%m-%d", "%d/%m/%Y"])
    den = serializers.DateField(required=False, input_formats=["%Y-%m-%d", "%d/%m/%Y"])

    def validate(self, data):
        start, end = data.get("tu"), data.get("den")
        if (start is None) != (end is None):
            raise serializers.ValidationError(
                "Cần cả “tu” và “den” (YYYY-MM-DD), hoặc không cái nào."
            )
        if start and end and end < start:
            raise serializers.ValidationError("“den” phải sau hoặc bằng “tu”.")
        if start and end and (end - start).days >= 3 * 366:
            raise serializers.ValidationError("Khoảng thời gian dài quá 3 năm: hãy chọn ngắn hơn.")
        return data


class _Values(serializers.DictField):
    child = serializers.JSONField()


class RowSerializer(serializers.Serializer):
    unit_id = serializers.IntegerField(allow_null=True, source="unit.pk", default=None)
    name = serializers.CharField(source="label")
    values = _Values()
    previous = _Values()


class TargetProgressSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="target.pk")
    title = serializers.CharField(source="target.title")
    kind = serializers.CharField(source="target.kind")
    value = serializers.IntegerField(source="target.value")
    set_by_unit_id = serializers.IntegerField(source="target.unit_id")
    period_start = serializers.DateField(source="target.period_start")
    period_end = serializers.DateField(source="target.period_end")
    actual = serializers.JSONField()
    percent = serializers.IntegerField(allow_null=True)
    per_unit = serializers.SerializerMethodField()

    def get_per_unit(self, obj) -> list[dict]:
        return [{"name": name, "actual": value, "met": ok} for name, value, ok in obj.per_unit]


class DashboardSerializer(serializers.Serializer):
    unit = UnitSerializer()
    period_start = serializers.DateField(source="period.start")
    period_end = serializers.DateField(source="period.end")
    previous_start = serializers.DateField(source="previous_period.start")
    previous_end = serializers.DateField(source="previous_period.end")
    exact = serializers.BooleanField()
    totals = _Values()
    previous = _Values()
    rows = RowSerializer(many=True)
    bucket = serializers.ChoiceField(choices=["week", "month"])
    series = serializers.SerializerMethodField()
    targets = TargetProgressSerializer(many=True)

    def get_series(self, obj) -> list[dict]:
        return [{"start": start, "orders_placed": a, "items_given": b} for start, a, b in obj.weeks]


class TransferLineSerializer(serializers.Serializer):
    description = serializers.CharField()
    category = serializers.CharField(source="category_slug")
    size = serializers.CharField()
    grade = serializers.IntegerField(allow_null=True)
    quantity = serializers.IntegerField()


class TransferSerializer(serializers.Serializer):
    """A transfer between two stalls: who sends, who receives, what and how many."""

    id = serializers.IntegerField()
    from_stall = serializers.CharField(source="from_stall.slug")
    to_stall = serializers.CharField(source="to_stall.slug")
    state = serializers.ChoiceField(choices=Transfer.State.choices)
    proposed_at = serializers.DateTimeField()
    accepted_at = serializers.DateTimeField(allow_null=True)
    sent_at = serializers.DateTimeField(allow_null=True)
    received_at = serializers.DateTimeField(allow_null=True)
    cancelled_at = serializers.DateTimeField(allow_null=True)
    lines = TransferLineSerializer(many=True)


class TransferLineInputSerializer(serializers.Serializer):
    item = serializers.IntegerField(min_value=1)
    quantity = serializers.IntegerField(min_value=1, max_value=100_000)


class TransferProposeSerializer(serializers.Serializer):
    """Propose sending some of this stall's items to another stall of the same district."""

    to_stall = serializers.SlugField(max_length=40)
    lines = TransferLineInputSerializer(many=True, min_length=1, max_length=50)


class TransferStepSerializer(serializers.Serializer):
    step = serializers.ChoiceField(choices=["accept", "send", "receive", "cancel"])


class PoolRowSerializer(serializers.Serializer):
    category_slug = serializers.CharField()
    category = serializers.CharField()
    size = serializers.CharField()
    grade = serializers.IntegerField(allow_null=True)
    stock = serializers.IntegerField()
    wished = serializers.IntegerField()
    stalls_with_stock = serializers.IntegerField()


class PoolMatchSerializer(serializers.Serializer):
    from_stall = serializers.CharField(source="from_stall.slug")
    to_stall = serializers.CharField(source="to_stall.slug")
    category_slug = serializers.CharField()
    size = serializers.CharField()
    grade = serializers.IntegerField(allow_null=True)
    quantity = serializers.IntegerField()
    distance_km = serializers.FloatField(allow_null=True)


class PoolSerializer(serializers.Serializer):
    """The district pool: counts by kind over the stalls below a unit, and proposed matches."""

    unit = UnitSerializer()
    stalls = serializers.SerializerMethodField()
    rows = serializers.SerializerMethodField()
    matches = PoolMatchSerializer(many=True)

    def get_stalls(self, pool) -> list[str]:
        return [stall.slug for stall in pool.stalls]

    @extend_schema_field(PoolRowSerializer(many=True))
    def get_rows(self, pool) -> list[dict]:
        return PoolRowSerializer(pool.rows(), many=True).data
