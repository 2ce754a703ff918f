"""Recipient pages of distribution rounds on a stall's host."""

from django.urls import path

from distribution import textbook_views, views, wish_views

app_name = "distribution"

urlpatterns = [
    path("dot-phat/", views.round_list, name="rounds"),
    path("dot-phat/dang-ky/", views.request_lookup, name="request-lookup"),
    path("dot-phat/dang-ky/<str:code>/", views.request_page, name="request"),
    path("dot-phat/<int:pk>/", views.round_page, name="round"),
    path("dot-phat/<int:pk>/kiem-tra/", views.draw_check, name="draw-check"),
    path("bo-sach/", textbook_views.set_page, name="sets"),
    path("bo-sach/da-gui/<int:pk>/", textbook_views.set_asked, name="set-asked"),
    path("can-tim/", wish_views.wishes, name="wishes"),
    path("can-tim/tra-cuu/", wish_views.wish_lookup, name="wish-lookup"),
    path("can-tim/<str:code>/", wish_views.wish_page, name="wish"),
]
