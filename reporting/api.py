"""The reporting API on the public host (/api/v1/reports/...), scoped by memberships."""

from __future__ import annotations

from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from reporting.dashboards import dashboard_cached, viewer_sees_exact
from reporting.periods import Period, period_from_preset
from reporting.selectors import units_to_report_on
from reporting.serializers import DashboardSerializer, PeriodQuerySerializer, UnitSerializer
from tenants.models import Unit
from tenants.selectors import user_oversees_unit


class OnPublicHost(BasePermission):
    def has_permission(self, request, view) -> bool:
        tenant = getattr(request, "tenant", None)
        if tenant is not None and not tenant.is_public:
            raise Http404
        return True


class ReportUnitsApi(APIView):
    """Units whose reports the caller may read (the tops of their subtrees)."""

    permission_classes = [OnPublicHost, IsAuthenticated]

    @extend_schema(responses=UnitSerializer(many=True))
    def get(self, request):
        return Response(UnitSerializer(units_to_report_on(user=request.user), many=True).data)


class ReportUnitApi(APIView):
    """A unit's dashboard for a period (default: the last 30 days)."""

    permission_classes = [OnPublicHost, IsAuthenticated]

    @extend_schema(
        parameters=[PeriodQuerySerializer],
        responses=DashboardSerializer,
    )
    def get(self, request, unit_id: int):
        unit = Unit.objects.filter(pk=unit_id).first()
        if unit is None or not user_oversees_unit(user=request.user, unit=unit):
            raise PermissionDenied("Bạn không theo dõi đơn vị này.")
        query = PeriodQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        if query.validated_data.get("tu"):
            period = Period(query.validated_data["tu"], query.validated_data["den"])
        else:
            period = period_from_preset("30", timezone.localdate())
        board = dashboard_cached(
            unit=unit, period=period, exact=viewer_sees_exact(user=request.user, unit=unit)
        )
        return Response(DashboardSerializer(board).data)
