"""Dashboards on the public host, under /bao-cao/."""

from django.urls import path

from reporting import views

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
]
