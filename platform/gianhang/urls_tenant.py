"""URLs of a stall's host (<slug>.<base domain>)."""

from __future__ import annotations

from django.urls import include, path

from gianhang.urls_common import urlpatterns as common
from tenants.admin_sites import stall_admin_site
from tenants.views import media_serve

urlpatterns = [
    *common,
    path("quan-tri/", stall_admin_site.urls),
    path("can-bo/", include("gianhang.urls_workspace")),
    path("media/<str:schema>/<path:path>", media_serve, name="media"),
    path("api/v1/", include("gianhang.api_urls_tenant")),
    path("", include("privacy.urls")),
    path("", include("logistics.urls")),
    path("", include("distribution.urls")),
    path("", include("catalog.urls")),
]

# Under /api/ errors answer JSON; elsewhere the site's pages. A database outage answers
# 503 "try again", anything else a short Vietnamese page (gianhang.errors).
handler400 = "core.api.handler400"
handler404 = "core.api.handler404"
handler500 = "gianhang.errors.server_error"
