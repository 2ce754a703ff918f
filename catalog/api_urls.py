"""Catalog API routes under /api/v1/ on a stall's host."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from catalog import api

officer = SimpleRouter()
officer.register("officer/items", api.OfficerItemViewSet, basename="officer-item")
officer.register("officer/orders", api.OfficerOrderViewSet, basename="officer-order")

urlpatterns = [
    path("categories/", api.CategoryListApi.as_view(), name="api-categories"),
    path("items/", api.ItemListApi.as_view(), name="api-items"),
    path("items/<int:pk>/", api.ItemDetailApi.as_view(), name="api-item"),
    path("orders/", api.OrderCreateApi.as_view(), name="api-orders"),
    path("orders/<str:code>/", api.OrderTrackApi.as_view(), name="api-order"),
    path("orders/<str:code>/cancel/", api.OrderCancelApi.as_view(), name="api-order-cancel"),
    path(
        "officer/donations/", api.OfficerDonationCreateApi.as_view(), name="api-officer-donations"
    ),
    path("", include(officer.urls)),
]
