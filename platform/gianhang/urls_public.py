"""URLs of the public host (the bare base domain): dashboards and the platform admin."""

from __future__ import annotations

from django.urls import include, path

from gianhang.urls_common import urlpatterns as common
from tenants.admin_sites import platform_admin_site
from tenants.views import public_home

urlpatterns = [
    *common,
    path("quan-tri/", platform_admin_site.urls),
    path("api/v1/", include("gianhang.api_urls_public")),
    path("", include("reporting.urls")),
    path("", public_home, name="public-home"),
]

# Under /api/ errors answer JSON; elsewhere the site's pages. A database outage answers
# 503 "try again", anything else a short Vietnamese page (gianhang.errors).
handler400 = "core.api.handler400"
handler404 = "core.api.handler404"
handler500 = "gianhang.errors.server_error"
