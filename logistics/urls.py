"""Delivery pages on a stall's host: officers under /giao-nhan/, volunteers under /giao/."""

from django.urls import path

from logistics import carrier_views, message_views, offline_views, views

app_name = "logistics"

urlpatterns = [
    path("giao-nhan/", views.overview, name="overview"),
    path("giao-nhan/chuyen/sap-toi/", views.run_coming_redirect, name="run-coming"),
    path("giao-nhan/chuyen/<int:run_id>/", views.run_detail, name="run"),
    path("giao-nhan/chuyen/<int:run_id>/chia-tuyen/", views.run_plan, name="run-plan"),
    path("giao-nhan/chuyen/<int:run_id>/bat-dau/", views.run_start, name="run-start"),
    path("giao-nhan/chuyen/<int:run_id>/dang-ky/", views.run_signup, name="run-signup"),
    path("giao-nhan/diem/<int:stop_id>/chuyen-tuyen/", views.stop_move, name="stop-move"),
    path("giao-nhan/don/<int:order_id>/cach-giao/", views.order_override, name="order-override"),
    path("giao-nhan/tuyen/<int:route_id>/phieu.pdf", views.route_sheet, name="route-sheet"),
    path("giao-nhan/lo/", views.batches, name="batches"),
    path("giao-nhan/lo/gom/", views.batch_build, name="batch-build"),
    path("giao-nhan/lo/cach-gui/", carrier_views.stall_carrier, name="stall-carrier"),
    path("giao-nhan/lo/<int:batch_id>/", views.batch_detail, name="batch"),
    path("giao-nhan/lo/<int:batch_id>/san-sang/", views.batch_ready, name="batch-ready"),
    path(
        "giao-nhan/lo/<int:batch_id>/giao-buu-dien/", views.batch_hand_over, name="batch-hand-over"
    ),
    path("giao-nhan/lo/<int:batch_id>/dong/", views.batch_close, name="batch-close"),
    path("giao-nhan/lo/<int:batch_id>/tao-van-don/", carrier_views.batch_ship, name="batch-ship"),
    path(
        "giao-nhan/lo/<int:batch_id>/nhan-van-chuyen/",
        carrier_views.batch_carrier_labels,
        name="batch-carrier-labels",
    ),
    path("giao-nhan/lo/<int:batch_id>/ma-van-don/", views.tracking_import, name="tracking-import"),
    path("giao-nhan/lo/<int:batch_id>/<str:kind>", views.batch_document, name="batch-document"),
    path(
        "giao-nhan/buu-kien/<int:parcel_id>/ma-van-don/",
        views.parcel_tracking,
        name="parcel-tracking",
    ),
    path("giao-nhan/buu-kien/<int:parcel_id>/hoan/", views.parcel_return, name="parcel-return"),
    path(
        "giao-nhan/buu-kien/<int:parcel_id>/da-nhan/",
        views.parcel_delivered,
        name="parcel-delivered",
    ),
    path("giao-nhan/tin-nhan/", views.outbox, name="outbox"),
    path(
        "giao-nhan/tin-nhan/<int:notification_id>/ngung-nhan/",
        message_views.notification_opt_out,
        name="notification-opt-out",
    ),
    path("giao/sw.js", offline_views.service_worker, name="volunteer-service-worker"),
    path("giao/<str:token>/", views.volunteer_route, name="volunteer-route"),
    path("giao/<str:token>/danh-dau/", offline_views.volunteer_mark, name="volunteer-mark"),
    path(
        "giao/<str:token>/diem/<int:stop_id>/",
        views.volunteer_stop_mark,
        name="volunteer-stop-mark",
    ),
]
