"""Transfers and the pool in the API: a stall's transfers on its host, a unit's pool on the
public host (/api/v1/reports/units/<id>/pool/)."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from reporting.api import OnPublicHost
from reporting.pool import pool_of, stalls_below, transfers_of_stall, user_sees_pool
from reporting.serializers import (
    PoolSerializer,
    TransferProposeSerializer,
    TransferSerializer,
    TransferStepSerializer,
)
from reporting.transfers import (
    LineRequest,
    TransferError,
    transfer_accept,
    transfer_cancel,
    transfer_propose,
    transfer_receive,
    transfer_send,
)
from tenants.models import Unit
from tenants.permissions import IsStallOfficer

DENIED = OpenApiResponse(description="Chưa đăng nhập hoặc không phải cán bộ gian hàng.")
BAD_INPUT = OpenApiResponse(description="Dữ liệu chưa đúng; “detail” nói cần sửa gì.")
NOT_FOUND = OpenApiResponse(description="Không tìm thấy.")


class TransferListApi(APIView):
    """This stall's transfers (sent and received), and proposing a new one."""

    permission_classes = [IsStallOfficer]

    @extend_schema(responses={200: TransferSerializer(many=True), 403: DENIED})
    def get(self, request):
        transfers = transfers_of_stall(stall=request.tenant)[:200]
        return Response(TransferSerializer(transfers, many=True).data)

    @extend_schema(
        request=TransferProposeSerializer,
        responses={201: TransferSerializer, 400: BAD_INPUT, 403: DENIED},
    )
    def post(self, request):
        data = TransferProposeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        stall = request.tenant
        parent = stall.unit.parent if stall.unit is not None else None
        to_stall = (
            stalls_below(parent).filter(slug=data.validated_data["to_stall"]).first()
            if parent is not None
            else None
        )
        if to_stall is None:
            raise ValidationError({"to_stall": "Không có gian hàng này cùng cấp trên với bạn."})
        lines = [
            LineRequest(line["item"], line["quantity"]) for line in data.validated_data["lines"]
        ]
        try:
            transfer = transfer_propose(
                from_stall=stall, to_stall=to_stall, lines=lines, actor=request.user
            )
        except TransferError as exc:
            raise ValidationError({"detail": exc.messages}) from exc
        return Response(TransferSerializer(transfer).data, status=status.HTTP_201_CREATED)


class TransferStepApi(APIView):
    """Take a step: the receiver accepts and receives, the sender sends, either cancels."""

    permission_classes = [IsStallOfficer]

    @extend_schema(
        request=TransferStepSerializer,
        responses={200: TransferSerializer, 400: BAD_INPUT, 403: DENIED, 404: NOT_FOUND},
    )
    def post(self, request, pk: int):
        data = TransferStepSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        stall = request.tenant
        transfer = transfers_of_stall(stall=stall).filter(pk=pk).first()
        if transfer is None:
            raise Http404
        step = data.validated_data["step"]
        receiver = transfer.to_stall_id == stall.pk
        if (step in ("accept", "receive") and not receiver) or (step == "send" and receiver):
            raise Http404
        try:
            if step == "accept":
                transfer = transfer_accept(transfer=transfer)
            elif step == "send":
                transfer = transfer_send(transfer=transfer)
            elif step == "receive":
                transfer = transfer_receive(transfer=transfer, actor=request.user)
            else:
                transfer = transfer_cancel(transfer=transfer, actor=request.user)
        except TransferError as exc:
            raise ValidationError({"detail": exc.messages}) from exc
        return Response(TransferSerializer(transfer).data)


class PoolApi(APIView):
    """A district's or province's pool: counts by category, size and grade, and matches."""

    permission_classes = [OnPublicHost, IsAuthenticated]

    @extend_schema(responses={200: PoolSerializer, 403: DENIED})
    def get(self, request, unit_id: int):
        unit = Unit.objects.filter(pk=unit_id).first()
        if unit is None or not user_sees_pool(user=request.user, unit=unit):
            raise PermissionDenied("Bạn không theo dõi kho chung của đơn vị này.")
        return Response(PoolSerializer(pool_of(unit)).data)
