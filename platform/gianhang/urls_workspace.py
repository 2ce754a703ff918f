"""The stall officers' workspace under /can-bo/ on a stall's host."""

from __future__ import annotations

from django.urls import path

from catalog import officer_items, officer_orders
from distribution import officer_views as distribution_views
from distribution import textbook_views, wish_views
from gianhang import workspace, workspace_officers
from logistics import volunteer_views
from reporting import poster_views, transfer_views
from tenants import settings_views

app_name = "workspace"

urlpatterns = [
    path("", workspace.home, name="home"),
    path("don-hang/", officer_orders.order_board, name="orders"),
    path("don-hang/buoc/", officer_orders.order_board_step, name="order-board-step"),
    path("don-hang/<str:code>/", officer_orders.order_page, name="order"),
    path("don-hang/<str:code>/buoc/", officer_orders.order_step, name="order-step"),
    path("hang/", officer_items.item_list, name="items"),
    path("hang/moi/", officer_items.item_new, name="item-new"),
    path("hang/<int:pk>/", officer_items.item_stock, name="item-stock"),
    path("hang/<int:pk>/sua/", officer_items.item_edit, name="item-edit"),
    path("hang/<int:pk>/hien-an/", officer_items.item_listing, name="item-listing"),
    path("quyen-gop/", officer_items.donations, name="donations"),
    path("tinh-nguyen-vien/", volunteer_views.volunteers, name="volunteers"),
    path("chuyen-hang/", transfer_views.transfers, name="transfers"),
    *[
        path(
            f"chuyen-hang/<int:pk>/{step}/",
            transfer_views.transfer_step,
            {"step": step},
            name=f"transfer-{step}",
        )
        for step in transfer_views.STEPS
    ],
    path("ap-phich.pdf", poster_views.stall_poster, name="poster"),
    path("cai-dat/", settings_views.stall_settings, name="settings"),
    path("cai-dat/can-bo/", workspace_officers.officers, name="officers"),
    path(
        "cai-dat/can-bo/<int:user_id>/mat-khau-tam/",
        workspace_officers.officer_password,
        name="officer-password",
    ),
    path("can-tim/", wish_views.officer_wishes, name="wishes"),
    path("sach-giao-khoa/", textbook_views.textbook_intake_page, name="textbooks"),
    path("dot-phat/", distribution_views.rounds, name="rounds"),
    path("dot-phat/<int:round_id>/", distribution_views.round_page, name="round"),
    path("dot-phat/<int:round_id>/dong/", distribution_views.round_close_view, name="round-close"),
    path(
        "dot-phat/<int:round_id>/boc-tham/", distribution_views.round_draw_view, name="round-draw"
    ),
    path(
        "dot-phat/<int:round_id>/dang-ky/<int:request_id>/",
        distribution_views.request_step,
        name="round-request-step",
    ),
]
