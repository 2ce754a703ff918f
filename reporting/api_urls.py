"""Reporting API routes (under /api/v1/ on the public host)."""

from django.urls import path

from reporting import api, transfer_api

urlpatterns = [
    path("reports/units/", api.ReportUnitsApi.as_view(), name="reports-units"),
    path("reports/units/<int:unit_id>/", api.ReportUnitApi.as_view(), name="reports-unit"),
    path("reports/units/<int:unit_id>/pool/", transfer_api.PoolApi.as_view(), name="reports-pool"),
]
