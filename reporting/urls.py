"""Dashboards on the public host, under /bao-cao/."""

from django.urls import path

from reporting import pool_views, poster_views, views

app_name = "reporting"

urlpatterns = [
    path("bao-cao/", views.report_home, name="home"),
    path("bao-cao/don-vi/<int:unit_id>/", views.unit_report, name="unit"),
    path("bao-cao/don-vi/<int:unit_id>/bao-cao.<str:fmt>", views.unit_export, name="export"),
    path("bao-cao/don-vi/<int:unit_id>/muc-tieu/", views.unit_targets, name="targets"),
    path(
        "bao-cao/don-vi/<int:unit_id>/muc-tieu/<int:target_id>/xoa/",
        views.target_remove,
        name="target-remove",
    ),
    path("bao-cao/don-vi/<int:unit_id>/kho-chung/", pool_views.pool_page, name="pool"),
    path("bao-cao/don-vi/<int:unit_id>/ap-phich.pdf", poster_views.unit_poster, name="unit-poster"),
    path(
        "bao-cao/don-vi/<int:unit_id>/kho-chung/chuyen/",
        pool_views.pool_propose,
        name="pool-propose",
    ),
    path(
        "bao-cao/don-vi/<int:unit_id>/kho-chung/chuyen/<int:transfer_id>/huy/",
        pool_views.pool_transfer_cancel,
        name="pool-transfer-cancel",
    ),
]
