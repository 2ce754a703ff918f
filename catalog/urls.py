"""Storefront URLs on a stall's host (Vietnamese paths: people read them aloud)."""

from django.urls import path

from catalog import views
from catalog.officer_views import packing_slips

app_name = "catalog"

urlpatterns = [
    path("", views.home, name="home"),
    path("hang/", views.item_list, name="items"),
    path("hang/<int:pk>/", views.item_detail, name="item"),
    path("gio/", views.basket, name="basket"),
    path("dat-hang/", views.checkout, name="checkout"),
    path("dat-hang/xong/", views.placed, name="placed"),
    path("theo-doi/", views.track, name="track"),
    path("theo-doi/<str:code>/", views.order_detail, name="order"),
    path("theo-doi/<str:code>/huy/", views.order_cancel, name="order-cancel"),
    path("du-lieu-ca-nhan/", views.privacy_notice, name="privacy"),
    path("can-bo/phieu-dong-goi/", packing_slips, name="packing-slips"),
]
