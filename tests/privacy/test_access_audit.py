"""Access audit: every staff view or export of personal data is logged and readable."""

from __future__ import annotations

from privacy.models import AccessLog
from privacy.services import access_log_write
from tests.conftest import in_stall


def test_an_officer_opening_an_order_in_the_workspace_is_logged(
    stall_a, order_factory, officer_factory, client_for
):
    order = order_factory(stall_a)
    officer = officer_factory(stall_a)
    client = client_for(stall_a, officer)
    assert client.get(f"/can-bo/don-hang/{order.code}/").status_code == 200
    assert client.get("/can-bo/don-hang/").status_code == 200
    with in_stall(stall_a):
        entries = list(
            AccessLog.objects.order_by("pk").values_list(
                "user_id", "username", "action", "object_type", "object_id"
            )
        )
    assert entries == [
        (officer.pk, officer.username, "view", "catalog.order", order.code),
        (officer.pk, officer.username, "view", "catalog.order", ""),
    ]


def test_workspace_pages_without_personal_data_are_not_logged(stall_a, officer_factory, client_for):
    client = client_for(stall_a, officer_factory(stall_a))
    for url in ("/can-bo/", "/can-bo/hang/", "/can-bo/cai-dat/"):
        assert client.get(url).status_code == 200, url
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
