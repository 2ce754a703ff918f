"""Delivery pages on a stall's host: officers under /giao-nhan/, volunteers under /giao/."""

from django.urls import path

from logistics.views import batches, labels, outbox, overview, runs, sheets, volunteer_route

app_name = "logistics"

urlpatterns = [
    path("giao-nhan/", overview.overview, name="overview"),
    path("giao-nhan/chuyen/sap-toi/", runs.run_coming_redirect, name="run-coming"),
    path("giao-nhan/chuyen/<int:run_id>/", runs.run_detail, name="run"),
    path("giao-nhan/chuyen/<int:run_id>/chia-tuyen/", runs.run_plan, name="run-plan"),
    path("giao-nhan/chuyen/<int:run_id>/bat-dau/", runs.run_start, name="run-start"),
    path("giao-nhan/chuyen/<int:run_id>/dang-ky/", runs.run_signup, name="run-signup"),
    path("giao-nhan/diem/<int:stop_id>/chuyen-tuyen/", runs.stop_move, name="stop-move"),
    path("giao-nhan/don/<int:order_id>/cach-giao/", runs.order_override, name="order-override"),
    path("giao-nhan/tuyen/<int:route_id>/phieu.pdf", sheets.route_sheet, name="route-sheet"),
    path("giao-nhan/lo/", batches.batches, name="batches"),
    path("giao-nhan/lo/gom/", batches.batch_build, name="batch-build"),
    path("giao-nhan/lo/<int:batch_id>/", batches.batch_detail, name="batch"),
    path("giao-nhan/lo/<int:batch_id>/san-sang/", batches.batch_ready, name="batch-ready"),
    path(
        "giao-nhan/lo/<int:batch_id>/giao-buu-dien/",
        batches.batch_hand_over,
        name="batch-hand-over",
    ),
    path("giao-nhan/lo/<int:batch_id>/dong/", batches.batch_close, name="batch-close"),
    path(
        "giao-nhan/lo/<int:batch_id>/ma-van-don/", batches.tracking_import, name="tracking-import"
    ),
    path("giao-nhan/lo/<int:batch_id>/<str:kind>", labels.batch_document, name="batch-document"),
    path(
        "giao-nhan/buu-kien/<int:parcel_id>/ma-van-don/",
        batches.parcel_tracking,
        name="parcel-tracking",
    ),
    path("giao-nhan/buu-kien/<int:parcel_id>/hoan/", batches.parcel_return, name="parcel-return"),
    path(
        "giao-nhan/buu-kien/<int:parcel_id>/da-nhan/",
        batches.parcel_delivered,
        name="parcel-delivered",
    ),
    path("giao-nhan/tin-nhan/", outbox.outbox, name="outbox"),
    path("giao/<str:token>/", volunteer_route.volunteer_route, name="volunteer-route"),
    path(
        "giao/<str:token>/diem/<int:stop_id>/",
        volunteer_route.volunteer_stop_mark,
        name="volunteer-stop-mark",
    ),
]
