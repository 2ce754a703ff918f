"""Storefront URLs on a stall's host."""

from django.urls import path

from tenants.views import stall_home

urlpatterns = [
    path("", stall_home, name="stall-home"),
]
