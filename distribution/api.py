"""The stall API of fair distribution: rounds and requests, wishes, textbook sets."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.api import BAD_INPUT, DENIED, NOT_FOUND, RATE_LIMITED, PublicApi, StallPagination
from catalog.codes import tracking_code_clean
from catalog.limits import order_attempt_allowed, tracking_lookup_allowed
from catalog.models import Category
from catalog.services import Recipient
from core.api import throttled
from distribution import selectors
from distribution.models import Request, Round, TextbookSeries
from distribution.serializers import (
    LookupSerializer,
    RequestCreateSerializer,
    RequestOfficerSerializer,
    RequestPublicSerializer,
    RoundRefusalSerializer,
    RoundSerializer,
    SetAskedSerializer,
    SetCreateSerializer,
    SetQuerySerializer,
    SetSerializer,
    WantedSerializer,
    WishCreateSerializer,
    WishPublicSerializer,
)
from distribution.services import Asking, RequestRefused, request_submit
from distribution.textbooks import set_request_place, set_titles
from distribution.wishes import wanted_counts, wish_leave
from tenants.permissions import IsStallOfficer

CONFLICT = OpenApiResponse(RoundRefusalSerializer, description=_("Không ghi nhận được; xem lý do."))


def _bad(error: DjangoValidationError) -> Response:
    if hasattr(error, "error_dict"):
        return Response(error.message_dict, status=status.HTTP_400_BAD_REQUEST)
    return Response({"detail": error.messages[0]}, status=status.HTTP_400_BAD_REQUEST)


@extend_schema(responses={200: RoundSerializer(many=True), 400: BAD_INPUT})
class RoundListApi(PublicApi, generics.ListAPIView):
    serializer_class = RoundSerializer
    pagination_class = StallPagination

    def get_queryset(self):
        return selectors.rounds_public()


@extend_schema(responses={200: RoundSerializer, 404: NOT_FOUND})
class RoundDetailApi(PublicApi, generics.RetrieveAPIView):
    serializer_class = RoundSerializer

    def get_queryset(self):
        return selectors.rounds_public()


class RequestCreateApi(PublicApi, APIView):
    @extend_schema(
        request=RequestCreateSerializer,
        responses={
            201: RequestPublicSerializer,
            400: BAD_INPUT,
            404: NOT_FOUND,
            409: CONFLICT,
            429: RATE_LIMITED,
        },
    )
    def post(self, request, pk: int):
        round_ = get_object_or_404(Round, pk=pk)
        body = RequestCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        verdict = order_attempt_allowed(request=request, phone=data["phone"])
        if not verdict.allowed:
            raise throttled(retry_after=verdict.retry_after)
        asking = Asking(
            round_item_id=data["round_item"],
            priority_claimed=data["priority_claimed"],
            recipient=Recipient.from_api(data),
        )
        try:
            made = request_submit(stall=request.tenant, round_=round_, asking=asking)
        except DjangoValidationError as error:
            return _bad(error)
        except RequestRefused as refused:
            return Response(
                {"code": refused.code, "detail": refused.message},
                status=status.HTTP_409_CONFLICT,
            )
        return Response(RequestPublicSerializer(made).data, status=status.HTTP_201_CREATED)


class RequestStatusApi(PublicApi, APIView):
    shows_personal_data = True  # no-store: a request's outcome is the person's own

    @extend_schema(
        parameters=[LookupSerializer],
        responses={200: RequestPublicSerializer, 400: BAD_INPUT, 404: NOT_FOUND, 429: RATE_LIMITED},
    )
    def get(self, request, code: str):
        query = LookupSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        cleaned = tracking_code_clean(code)
        verdict = tracking_lookup_allowed(request=request, code=cleaned or code)
        if not verdict.allowed:
            raise throttled(retry_after=verdict.retry_after)
        found = (
            Request.objects.select_related("round_item__item", "order")
            .filter(
                code=cleaned or "",
                phone_last4=query.validated_data["phone_last4"],
                anonymised_at__isnull=True,
            )
            .first()
        )
        if found is None:
            raise NotFound(_("Không tìm thấy đăng ký với mã và 4 số cuối này."))
        return Response(RequestPublicSerializer(found).data)


@extend_schema(
    responses={
        200: RequestOfficerSerializer(many=True),
        400: BAD_INPUT,
        403: DENIED,
        404: NOT_FOUND,
    }
)
class OfficerRoundRequestsApi(generics.ListAPIView):
    """A round's requests with the contact officers need (logged in the access log)."""

    permission_classes = [IsStallOfficer]
    pagination_class = StallPagination
    serializer_class = RequestOfficerSerializer
    personal_data_audit = ("distribution.round", "pk", "view")

    def get_queryset(self):
        round_ = get_object_or_404(Round, pk=self.kwargs["pk"])
        return selectors.round_requests(round_=round_)


class WantedApi(PublicApi, generics.ListAPIView):
    """What the stall needs, as counts (never who)."""

    serializer_class = WantedSerializer
    pagination_class = None

    def get_queryset(self):
        return wanted_counts()


class WishCreateApi(PublicApi, APIView):
    @extend_schema(
        request=WishCreateSerializer,
        responses={201: WishPublicSerializer, 400: BAD_INPUT, 429: RATE_LIMITED},
    )
    def post(self, request):
        body = WishCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        category = Category.objects.filter(slug=data["category"], is_active=True).first()
        if category is None:
            raise serializers.ValidationError({"category": [_("Không có loại này.")]})
        verdict = order_attempt_allowed(request=request, phone=None)
        if not verdict.allowed:
            raise throttled(retry_after=verdict.retry_after)
        try:
            wish = wish_leave(
                phone=data["phone"],
                category=category,
                size=data.get("size", ""),
                grade=data.get("grade"),
                subject=data.get("subject", ""),
                note=data.get("note", ""),
            )
        except DjangoValidationError as error:
            return _bad(error)
        return Response(WishPublicSerializer(wish).data, status=status.HTTP_201_CREATED)


class SetApi(PublicApi, APIView):
    @extend_schema(
        parameters=[SetQuerySerializer],
        responses={200: SetSerializer, 400: BAD_INPUT, 404: NOT_FOUND},
    )
    def get(self, request):
        query = SetQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        series = get_object_or_404(TextbookSeries, slug=query.validated_data["series"])
        grade = query.validated_data["grade"]
        titles = set_titles(grade=grade, series=series)
        return Response(
            SetSerializer(
                {
                    "grade": grade,
                    "series": series,
                    "titles": [
                        {
                            "subject": t.subject.name,
                            "item": t.item.pk if t.item else None,
                            "in_stock": t.in_stock,
                        }
                        for t in titles
                    ],
                }
            ).data
        )

    @extend_schema(
        request=SetCreateSerializer,
        responses={201: SetAskedSerializer, 400: BAD_INPUT, 404: NOT_FOUND, 429: RATE_LIMITED},
    )
    def post(self, request):
        body = SetCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        series = get_object_or_404(TextbookSeries, slug=data["series"])
        verdict = order_attempt_allowed(request=request, phone=data["phone"])
        if not verdict.allowed:
            raise throttled(retry_after=verdict.retry_after)
        try:
            asked = set_request_place(
                grade=data["grade"], series=series, recipient=Recipient.from_api(data)
            )
        except DjangoValidationError as error:
            return _bad(error)
        return Response(
            SetAskedSerializer(
                {
                    "order_code": asked.order.code if asked.order else None,
                    "titles_total": asked.set_request.titles_total,
                    "titles_given": asked.set_request.titles_given,
                    "wish_codes": [w.code for w in asked.wishes],
                }
            ).data,
            status=status.HTTP_201_CREATED,
        )
