"""The stall API (/api/v1/ on a stall's host): each app adds its routes."""

from django.urls import include, path

urlpatterns = [
    path("", include("catalog.api_urls")),
    path("", include("distribution.api_urls")),
]
