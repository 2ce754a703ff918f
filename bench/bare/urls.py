"""The two measured views of the bare project."""

from django.urls import path

from bench.bare.shop import views

urlpatterns = [
    path("items/", views.item_list),
    path("claim/", views.claim),
]
