"""URL patterns served on every host: health, language switch, accounts, API schema."""

from __future__ import annotations

from django.urls import include, path
from drf_spectacular.views import SpectacularSwaggerSplitView

from gianhang import health, icons
from gianhang.schema import HostSchemaView
from tenants import login_views

urlpatterns = [
    path("favicon.ico", icons.favicon, name="favicon"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("dang-nhap/", login_views.StaffLoginView.as_view(), name="login"),
    path("dang-nhap/tiep/", login_views.login_landing, name="login-landing"),
    path("dang-nhap/mat-khau-moi/", login_views.password_new, name="password-new"),
    path("dang-nhap/chuyen/<str:token>/", login_views.login_handoff, name="login-handoff"),
    path("dang-xuat/", login_views.StaffLogoutView.as_view(), name="logout"),
    path("accounts/login/", login_views.login_old_address, name="login-old"),
    path("accounts/logout/", login_views.StaffLogoutView.as_view()),
    path("api/schema/", HostSchemaView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]
