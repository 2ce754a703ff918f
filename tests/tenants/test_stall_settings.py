"""The stall settings page: delivery zone, served communes, limits, sender address."""

from __future__ import annotations

import pytest

from tenants.collation import area_sort_key
from tenants.models import AdminArea, Stall
from tests.logistics.factories import stall_place

pytestmark = pytest.mark.django_db


def _form(stall, **changes):
    data = {
        "delivery_radius_km": "7.5",
        "max_items_per_period": "6",
        "limit_period_days": "30",
        "max_same_item": "2",
        "sender_address": "  Đoàn trường,  ấp Tân Hòa  ",
    }
    data.update(changes)
    return data


def test_officer_changes_zone_limits_and_sender_address(stall_a, client_for, officer_factory):
    stall_place(stall_a)
    client = client_for(stall_a, user=officer_factory(stall_a))
    page = client.get("/can-bo/cai-dat/").content.decode()
    communes = [
        line.split("</label>")[0].rsplit(">", 1)[1].strip()
        for line in page.split('name="served_communes"')[1:]
    ]
    assert len(communes) > 5
    areas = {
        a.name: a
        for a in AdminArea.objects.filter(era="current", parent_id=stall_a.commune.parent_id)
    }
    keys = [area_sort_key(areas[name]) for name in communes]
    assert keys == sorted(keys)
    near = stall_a.commune
    response = client.post(
        "/can-bo/cai-dat/", {**_form(stall_a), "served_communes": [near.pk]}, follow=True
    )
    assert "Đã lưu cài đặt của gian hàng" in response.content.decode()
    stall = Stall.objects.get(pk=stall_a.pk)
    assert str(stall.delivery_radius_km) == "7.5"
    assert stall.max_items_per_period == 6
    assert stall.max_same_item == 2
    assert stall.sender_address == "Đoàn trường, ấp Tân Hòa"
    assert list(stall.served_communes.values_list("pk", flat=True)) == [near.pk]


def test_bad_numbers_are_refused_in_vietnamese_and_nothing_changes(
    stall_a, client_for, officer_factory
):
    stall_place(stall_a)
    client = client_for(stall_a, user=officer_factory(stall_a))
    response = client.post(
        "/can-bo/cai-dat/", _form(stall_a, delivery_radius_km="abc", max_items_per_period="0")
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Hãy nhập một số" in body
    assert "Số quá nhỏ" in body
    assert Stall.objects.get(pk=stall_a.pk).max_items_per_period == stall_a.max_items_per_period


def test_a_commune_of_another_province_cannot_be_served(stall_a, client_for, officer_factory):
    from tests.logistics.factories import far_commune

    stall_place(stall_a)
    client = client_for(stall_a, user=officer_factory(stall_a))
    response = client.post(
        "/can-bo/cai-dat/", {**_form(stall_a), "served_communes": [far_commune().pk]}
    )
    assert response.status_code == 200
    assert not Stall.objects.get(pk=stall_a.pk).served_communes.exists()
