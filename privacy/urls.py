"""Privacy pages of a stall: the notice, a person's own data, the officers' registers."""

from django.urls import path

from privacy import views, volunteer_views

app_name = "privacy"

urlpatterns = [
    path("bao-mat/thong-bao/", views.notice, name="notice"),
    path("bao-mat/thong-bao/<str:version>/", views.notice, name="notice-version"),
    path("bao-mat/du-lieu-cua-toi/", views.recipient_lookup, name="lookup"),
    path("bao-mat/du-lieu-cua-toi/xem/", views.recipient_data, name="my-data"),
    path("bao-mat/doan-vien/", volunteer_views.volunteer_start, name="volunteer-start"),
    path("bao-mat/doan-vien/<str:link>/", volunteer_views.volunteer_data, name="volunteer-data"),
    path(
        "bao-mat/doan-vien/<str:link>/ban-sao.<str:fmt>",
        volunteer_views.volunteer_copy,
        name="volunteer-copy",
    ),
    path(
        "can-bo/bao-mat/doan-vien/<int:volunteer_id>/",
        volunteer_views.officer_volunteer_data,
        name="volunteer-officer",
    ),
    path("can-bo/bao-mat/yeu-cau/", views.officer_requests, name="requests"),
    path(
        "can-bo/bao-mat/yeu-cau/<int:request_id>/",
        views.officer_request_process,
        name="request-process",
    ),
    path(
        "can-bo/bao-mat/don/<str:code>/xuat.<str:fmt>",
        views.officer_order_export,
        name="order-export",
    ),
    path(
        "can-bo/bao-mat/xuat/<str:subject_kind>/<int:subject_id>.<str:fmt>",
        views.officer_subject_export,
        name="subject-export",
    ),
    path("can-bo/bao-mat/nhat-ky/", views.officer_access_log, name="access-log"),
]
