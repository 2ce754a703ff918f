"""The stall's REST API: public items and orders, officer catalog and order states."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import generics, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, Throttled
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog import selectors
from catalog.codes import tracking_code_clean
from catalog.items import item_create, item_update
from catalog.limits import order_attempt_allowed, tracking_lookup_allowed
from catalog.models import Item, Order
from catalog.serializers import (
    CategorySerializer,
    DonationSerializer,
    ItemDetailSerializer,
    ItemListSerializer,
    ItemOfficerSerializer,
    OrderCreateSerializer,
    OrderOfficerSerializer,
    OrderPublicSerializer,
    RefusalSerializer,
    StockChangeSerializer,
    TrackingQuerySerializer,
    TransitionSerializer,
)
from catalog.services import (
    OrderRefused,
    OrderStateError,
    Recipient,
    order_cancel_by_recipient,
    order_find,
    order_place,
    order_transition,
)
from catalog.stock import StockError, donation_record, stock_change
from core.api import throttled
from tenants.permissions import IsStallOfficer

BAD_INPUT = OpenApiResponse(description=_("Dữ liệu gửi lên chưa đúng."))
NOT_FOUND = OpenApiResponse(description=_("Không tìm thấy."))
RATE_LIMITED = OpenApiResponse(description=_("Quá nhiều yêu cầu; thử lại sau."))
DENIED = OpenApiResponse(description=_("Chưa đăng nhập hoặc không phải cán bộ gian hàng."))


def _throttled(verdict) -> Throttled:
    return throttled(retry_after=verdict.retry_after)


class StallPagination(LimitOffsetPagination):
    """Pages of 1 to 100 rows from offset 0 to 1,000,000, as the schema says; else 400."""

    max_limit = 100
    max_offset = 1_000_000

    def get_limit(self, request) -> int:
        return self._bounded(request, self.limit_query_param, 1, self.max_limit, self.default_limit)

    def get_offset(self, request) -> int:
        return self._bounded(request, self.offset_query_param, 0, self.max_offset, 0)

    def _bounded(self, request, name: str, low: int, high: int, default) -> int:
        raw = request.query_params.get(name)
        if raw is None:
            return default
        if not raw.isascii() or not raw.isdigit() or not low <= int(raw) <= high:
            raise serializers.ValidationError(
                {
                    name: [
                        _("Phải là số nguyên từ %(low)d đến %(high)d.") % {"low": low, "high": high}
                    ]
                }
            )
        return int(raw)

    def get_schema_operation_parameters(self, view):
        bounds = {
            self.limit_query_param: (1, self.max_limit),
            self.offset_query_param: (0, self.max_offset),
        }
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            low, high = bounds[parameter["name"]]
            parameter["schema"] = {"type": "integer", "minimum": low, "maximum": high}
        return parameters


class PublicApi:
    """Public endpoints: no session, so no CSRF and nothing tied to a login."""

    authentication_classes: list = []
    permission_classes = [AllowAny]


class ItemFilterSerializer(serializers.Serializer):
    # An empty filter (``size=``) means "no filter", as on the storefront page.
    category = serializers.SlugField(required=False, max_length=80, allow_blank=True)
    size = serializers.CharField(required=False, max_length=8, allow_blank=True)
    grade = serializers.IntegerField(required=False, min_value=1, max_value=12)
    q = serializers.CharField(required=False, max_length=100, allow_blank=True)


class CategoryListApi(PublicApi, generics.ListAPIView):
    serializer_class = CategorySerializer
    pagination_class = None

    def get_queryset(self):
        return selectors.categories_active()


@extend_schema(
    parameters=[ItemFilterSerializer],
    responses={200: ItemListSerializer(many=True), 400: BAD_INPUT},
)
class ItemListApi(PublicApi, generics.ListAPIView):
    serializer_class = ItemListSerializer
    pagination_class = StallPagination

    def get_queryset(self):
        filters = ItemFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        f = filters.validated_data
        return selectors.items_available(
            category=f.get("category"), size=f.get("size"), grade=f.get("grade"), query=f.get("q")
        )


@extend_schema(responses={200: ItemDetailSerializer, 404: NOT_FOUND})
class ItemDetailApi(PublicApi, generics.RetrieveAPIView):
    serializer_class = ItemDetailSerializer

    def get_queryset(self):
        return selectors.items_available(include_sold_out=True)


class OrderCreateApi(PublicApi, APIView):
    @extend_schema(
        request=OrderCreateSerializer,
        responses={
            201: OrderPublicSerializer,
            400: OpenApiResponse(description=_("Dữ liệu chưa đúng.")),
            409: RefusalSerializer,
            429: RATE_LIMITED,
        },
    )
    def post(self, request):
        serializer = OrderCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        verdict = order_attempt_allowed(request=request, phone=data["phone"])
        if not verdict.allowed:
            raise _throttled(verdict)
        recipient = Recipient.from_api(data)
        try:
            order = order_place(
                stall=request.tenant,
                recipient=recipient,
                lines={line["item"]: line["quantity"] for line in data["lines"]},
            )
        except OrderRefused as refused:
            return Response(
                {"code": refused.code, "detail": refused.message, "item": refused.item_id},
                status=status.HTTP_409_CONFLICT,
            )
        return Response(OrderPublicSerializer(order).data, status=status.HTTP_201_CREATED)


def _tracked_order(request, code: str, last4: str) -> Order:
    verdict = tracking_lookup_allowed(request=request, code=tracking_code_clean(code) or code)
    if not verdict.allowed:
        raise _throttled(verdict)
    order = order_find(code=code, phone_last4=last4)
    if order is None:
        raise NotFound(
            _("Không tìm thấy đơn với mã và 4 số cuối điện thoại này. Hãy kiểm tra lại mã đơn.")
        )
    return order


class OrderTrackApi(PublicApi, APIView):
    shows_personal_data = True  # sent with no-store: no shared cache keeps an order

    @extend_schema(
        parameters=[TrackingQuerySerializer],
        responses={
            200: OrderPublicSerializer,
            400: OpenApiResponse(description=_("Thiếu 4 số cuối.")),
            404: OpenApiResponse(description=_("Không tìm thấy đơn.")),
            429: RATE_LIMITED,
        },
    )
    def get(self, request, code: str):
        query = TrackingQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        order = _tracked_order(request, code, query.validated_data["phone_last4"])
        return Response(OrderPublicSerializer(order).data)


class OrderCancelApi(PublicApi, APIView):
    @extend_schema(
        request=TrackingQuerySerializer,
        responses={
            200: OrderPublicSerializer,
            400: OpenApiResponse(description=_("Thiếu 4 số cuối.")),
            404: OpenApiResponse(description=_("Không tìm thấy đơn.")),
            409: RefusalSerializer,
            429: RATE_LIMITED,
        },
    )
    def post(self, request, code: str):
        body = TrackingQuerySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        order = _tracked_order(request, code, body.validated_data["phone_last4"])
        try:
            order = order_cancel_by_recipient(order=order)
        except OrderStateError:
            return Response(
                {
                    "code": "not_cancellable",
                    "item": None,
                    "detail": _(
                        "Đơn đã được đóng gói hoặc đã kết thúc nên không hủy được nữa. Hãy liên hệ "
                        "Đoàn trường."
                    ),
                },
                status=status.HTTP_409_CONFLICT,
            )
        return Response(OrderPublicSerializer(order).data)


# --- Officers ----------------------------------------------------------------------------


class OfficerApi:
    permission_classes = [IsStallOfficer]
    pagination_class = StallPagination


@extend_schema_view(
    list=extend_schema(responses={200: ItemOfficerSerializer(many=True), 403: DENIED}),
    retrieve=extend_schema(responses={200: ItemOfficerSerializer, 403: DENIED, 404: NOT_FOUND}),
    create=extend_schema(responses={201: ItemOfficerSerializer, 400: BAD_INPUT, 403: DENIED}),
    update=extend_schema(
        responses={200: ItemOfficerSerializer, 400: BAD_INPUT, 403: DENIED, 404: NOT_FOUND}
    ),
    partial_update=extend_schema(
        responses={200: ItemOfficerSerializer, 400: BAD_INPUT, 403: DENIED, 404: NOT_FOUND}
    ),
)
class OfficerItemViewSet(
    OfficerApi,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """The stall's items, listed or not. Items are unlisted rather than deleted."""

    serializer_class = ItemOfficerSerializer
    queryset = Item.objects.select_related("category").order_by("-created_at", "-pk")

    def perform_create(self, serializer):
        serializer.instance = _item_write(
            lambda: item_create(fields=dict(serializer.validated_data), actor=self.request.user)
        )

    def perform_update(self, serializer):
        item = serializer.instance
        serializer.instance = _item_write(
            lambda: item_update(item=item, fields=dict(serializer.validated_data))
        )

    @extend_schema(
        request=StockChangeSerializer,
        responses={200: ItemOfficerSerializer, 400: BAD_INPUT, 403: DENIED, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def stock(self, request, pk=None):
        item = self.get_object()
        body = StockChangeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            stock_change(item=item, actor=request.user, **body.validated_data)
        except StockError as error:
            return Response({"detail": error.messages[0]}, status=status.HTTP_400_BAD_REQUEST)
        item.refresh_from_db()
        return Response(ItemOfficerSerializer(item).data)


def _item_write(write):
    """Run an item service; its model checks answer 400 with the fields' messages."""
    try:
        return write()
    except DjangoValidationError as error:
        raise serializers.ValidationError(
            error.message_dict if hasattr(error, "error_dict") else error.messages
        ) from error


class OrderFilterSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=Order.State.choices, required=False)


@extend_schema_view(
    list=extend_schema(
        parameters=[OrderFilterSerializer],
        responses={200: OrderOfficerSerializer(many=True), 400: BAD_INPUT, 403: DENIED},
    ),
    retrieve=extend_schema(responses={200: OrderOfficerSerializer, 403: DENIED, 404: NOT_FOUND}),
)
class OfficerOrderViewSet(OfficerApi, viewsets.ReadOnlyModelViewSet):
    serializer_class = OrderOfficerSerializer
    # Recipients' names, phones and addresses: every read is written to the access log.
    personal_data_audit = ("catalog.order", "pk", "view")

    def get_queryset(self):
        state = None
        if self.action == "list":
            filters = OrderFilterSerializer(data=self.request.query_params)
            filters.is_valid(raise_exception=True)
            state = filters.validated_data.get("state")
        return selectors.orders_by_state(state=state).prefetch_related("lines__item")

    @extend_schema(
        request=TransitionSerializer,
        responses={
            200: OrderOfficerSerializer,
            400: BAD_INPUT,
            403: DENIED,
            404: NOT_FOUND,
            409: RefusalSerializer,
        },
    )
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        order = self.get_object()
        body = TransitionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            order = order_transition(
                order=order, actor=request.user, expected_from=order.state, **body.validated_data
            )
        except OrderStateError as error:
            return Response(
                {"code": "bad_state", "detail": str(error), "item": None},
                status=status.HTTP_409_CONFLICT,
            )
        return Response(OrderOfficerSerializer(order).data)


class OfficerDonationCreateApi(OfficerApi, generics.CreateAPIView):
    serializer_class = DonationSerializer

    @extend_schema(responses={201: DonationSerializer, 400: BAD_INPUT, 403: DENIED})
    def post(self, request, *args, **kwargs):
        body = DonationSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            donation = donation_record(
                received_on=data["received_on"],
                donor_name=data.get("donor_name", ""),
                note=data.get("note", ""),
                actor=request.user,
                lines=[(line["item"], line["quantity"]) for line in data["lines"]],
            )
        except (StockError, DjangoValidationError, ProtectedError) as error:
            return Response(
                {"detail": getattr(error, "messages", [str(error)])[0]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        return Response(DonationSerializer(donation).data, status=status.HTTP_201_CREATED)
