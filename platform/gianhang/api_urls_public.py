"""The platform API (/api/v1/ on the base host)."""

from django.urls import include, path

urlpatterns = [
    path("", include("reporting.api_urls")),
]
