"""Access audit: every staff view or export of personal data is logged and readable."""

from __future__ import annotations

import importlib

import pytest
from django.urls import clear_url_caches

from catalog.models import Order
from privacy.models import AccessLog
from privacy.services import access_log_write
from tenants.admin_sites import StallModelAdmin, stall_admin_site
from tests.conftest import in_stall


class _OrderAdmin(StallModelAdmin):
    # Thousands of communes: a select box of them would make the page take minutes.
    raw_id_fields = ["province", "commune"]


@pytest.fixture
def order_admin():
    """The stall admin with orders registered (as the storefront does), URLs rebuilt."""
    import gianhang.urls_tenant

    added = Order not in stall_admin_site._registry
    if added:
        stall_admin_site.register(Order, _OrderAdmin)
        clear_url_caches()
        importlib.reload(gianhang.urls_tenant)
    yield
    if added:
        stall_admin_site.unregister(Order)
        clear_url_caches()
        importlib.reload(gianhang.urls_tenant)


def test_an_officer_opening_an_order_in_the_admin_is_logged(
    stall_a, order_factory, officer_factory, client_for, order_admin
):
    order = order_factory(stall_a)
    officer = officer_factory(stall_a)
    client = client_for(stall_a, officer)
    assert client.get(f"/quan-tri/catalog/order/{order.pk}/change/").status_code == 200
    assert client.get("/quan-tri/catalog/order/").status_code == 200
    with in_stall(stall_a):
        entries = list(
            AccessLog.objects.order_by("pk").values_list(
                "user_id", "username", "action", "object_type", "object_id"
            )
        )
    assert entries == [
        (officer.pk, officer.username, "view", "catalog.order", str(order.pk)),
        (officer.pk, officer.username, "view", "catalog.order", ""),
    ]


def test_admin_pages_without_personal_data_are_not_logged(stall_a, officer_factory, client_for):
    client = client_for(stall_a, officer_factory(stall_a))
    assert client.get("/quan-tri/").status_code == 200
    with in_stall(stall_a):
        assert not AccessLog.objects.exists()


def test_a_refused_view_is_not_logged_as_access(
    stall_a, stall_b, order_factory, officer_factory, client_for
):
    order_factory(stall_a, code="CNRY-0001")
    client = client_for(stall_a, officer_factory(stall_b))
    assert client.get("/can-bo/bao-mat/don/CNRY-0001/xuat.json").status_code == 403
    with in_stall(stall_a):
        assert not AccessLog.objects.exists()


def test_officers_read_their_own_stalls_log(stall_a, stall_b, officer_factory, client_for):
    officer_a, officer_b = officer_factory(stall_a), officer_factory(stall_b)
    with in_stall(stall_a):
        access_log_write(
            user=officer_a,
            action="export",
            object_type="catalog.order",
            object_id="AAAA1111",
            path="/x",
        )
    with in_stall(stall_b):
        access_log_write(
            user=officer_b,
            action="view",
            object_type="catalog.order",
            object_id="BBBB2222",
            path="/y",
        )
    body = client_for(stall_a, officer_a).get("/can-bo/bao-mat/nhat-ky/").content.decode()
    assert "AAAA1111" in body
    assert officer_a.username in body
    assert "BBBB2222" not in body
    assert officer_b.username not in body


def test_the_log_can_be_narrowed_to_one_account(stall_a, officer_factory, client_for):
    officer = officer_factory(stall_a)
    other = officer_factory(stall_a, username="canbo-khac@example.vn")
    with in_stall(stall_a):
        access_log_write(
            user=officer, action="view", object_type="catalog.order", object_id="MINE0001"
        )
        access_log_write(
            user=other, action="view", object_type="catalog.order", object_id="THEIRS01"
        )
    client = client_for(stall_a, officer)
    body = client.get(f"/can-bo/bao-mat/nhat-ky/?tai_khoan={other.pk}").content.decode()
    assert "THEIRS01" in body
    assert "MINE0001" not in body
    assert client.get("/can-bo/bao-mat/nhat-ky/?tai_khoan=abc&trang=zz").status_code == 200


def test_opening_the_request_register_is_logged(stall_a, officer_factory, client_for):
    officer = officer_factory(stall_a)
    assert client_for(stall_a, officer).get("/can-bo/bao-mat/yeu-cau/").status_code == 200
    with in_stall(stall_a):
        assert (
            AccessLog.objects.filter(object_type="privacy.datarequest", user_id=officer.pk).count()
            == 1
        )


def test_officer_order_api_reads_are_logged(stall_a, order_factory, officer_factory, client_for):
    order = order_factory(stall_a)
    officer = officer_factory(stall_a)
    client = client_for(stall_a, officer)
    assert client.get("/api/v1/officer/orders/").status_code == 200
    assert client.get(f"/api/v1/officer/orders/{order.pk}/").status_code == 200
    with in_stall(stall_a):
        logged = list(AccessLog.objects.order_by("pk").values_list("object_type", "object_id"))
    assert logged == [("catalog.order", ""), ("catalog.order", str(order.pk))]
