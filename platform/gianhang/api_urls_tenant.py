"""The stall API (/api/v1/ on a stall's host): each app adds its routes."""

from django.urls import include, path

from reporting import transfer_api

urlpatterns = [
    path("", include("catalog.api_urls")),
    path("transfers/", transfer_api.TransferListApi.as_view(), name="api-transfers"),
    path(
        "transfers/<int:pk>/step/", transfer_api.TransferStepApi.as_view(), name="api-transfer-step"
    ),
    path("", include("distribution.api_urls")),
]
