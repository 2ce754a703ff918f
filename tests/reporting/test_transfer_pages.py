"""The pool and transfers through the pages: who sees what, who may take which step."""

from __future__ import annotations

import pytest

from catalog.models import Item
from reporting.models import Transfer
from reporting.transfers import LineRequest, transfer_accept, transfer_propose, transfer_receive
from tenants.models import Membership
from tests.catalog.factories import item_make
from tests.conftest import in_stall, make_user
from tests.reporting.transfer_support import (
    FixedWishes,
    other_district,
    place,
    shoes_in,
    stock_of,
    use_wishes,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def three(stall_factory, monkeypatch):
    a = place(stall_factory(slug="truong-a", name="Đoàn trường A"), 10.40, 106.20)
    b = place(stall_factory(slug="truong-b", name="Đoàn trường B"), 10.43, 106.24)
    c = place(
        stall_factory(slug="truong-c", name="Đoàn trường C", parent=other_district()), 10.41, 106.21
    )
    use_wishes(monkeypatch, FixedWishes({"truong-b": [("giay-dep", "32", None, 12)]}))
    shoes_in(a, quantity=40)
    with in_stall(b):
        item_make(title="Sách Toán riêng của B", quantity=7, category="sach-tap-vo", grade=6)
    with in_stall(c):
        item_make(title="Áo riêng của C", quantity=3)
    return a, b, c


def district_officer(stall, name: str):
    return make_user(name, unit=stall.unit.parent, role=Membership.Role.DISTRICT_OFFICER)


def test_the_district_officer_sees_counts_and_proposes_a_to_b(three, client_for):
    a, b, _c = three
    district = a.unit.parent
    client = client_for(None, user=district_officer(a, "huyen@tanphuoc.vn"))

    page = client.get(f"/bao-cao/don-vi/{district.pk}/kho-chung/").content.decode()

    assert "Đoàn trường A → Đoàn trường B" in page
    assert "Giày dép" in page
    assert "Sách Toán riêng của B" not in page  # counts, never a stall's item list
    assert "Đoàn trường C" not in page
    response = client.post(
        f"/bao-cao/don-vi/{district.pk}/kho-chung/chuyen/",
        {
            "from_stall": a.pk,
            "to_stall": b.pk,
            "category": "giay-dep",
            "size": "32",
            "grade": "",
            "quantity": "12",
        },
    )
    assert response.status_code == 302
    transfer = Transfer.objects.get()
    assert (transfer.from_stall, transfer.to_stall, transfer.proposed_by_unit) == (a, b, district)
    assert stock_of(a) == {"Giày bata trắng": 28}


def test_bad_quantities_are_refused_with_a_message_not_an_error(three, client_for):
    a, b, _c = three
    district = a.unit.parent
    client = client_for(None, user=district_officer(a, "huyen@tanphuoc.vn"))
    url = f"/bao-cao/don-vi/{district.pk}/kho-chung/chuyen/"
    base = {"from_stall": a.pk, "to_stall": b.pk, "category": "giay-dep", "size": "32"}

    for quantity in ("-1", "abc", "999"):
        response = client.post(url, {**base, "quantity": quantity}, follow=True)
        assert response.status_code == 200
        assert "msg-error" in response.content.decode()
    assert not Transfer.objects.exists()
    assert stock_of(a) == {"Giày bata trắng": 40}


def test_another_district_sees_nothing_of_this_pool(three, client_for):
    a, b, c = three
    district = a.unit.parent
    client = client_for(None, user=district_officer(c, "huyen@caibe.vn"))

    assert client.get(f"/bao-cao/don-vi/{district.pk}/kho-chung/").status_code == 403
    assert client.get(f"/api/v1/reports/units/{district.pk}/pool/").status_code == 403
    response = client.post(
        f"/bao-cao/don-vi/{c.unit.parent.pk}/kho-chung/chuyen/",
        {"from_stall": a.pk, "to_stall": c.pk, "category": "giay-dep", "quantity": "1"},
    )
    assert response.status_code == 403
    assert not Transfer.objects.exists()


def test_an_officer_of_a_reads_the_pools_counts_but_not_bs_stock_lines(
    three, client_for, officer_factory
):
    a, b, _c = three
    officer_a = officer_factory(a)
    client = client_for(a, user=officer_a)

    page = client.get("/can-bo/chuyen-hang/").content.decode()

    assert 'id="pool-counts"' in page
    assert "Sách &amp; tập vở" in page  # B's books, as a count in the pool
    assert "Sách Toán riêng của B" not in page
    assert "Áo riêng của C" not in page
    assert "Đoàn trường B: Giày dép · cỡ 32 · cần 12" in page
    other = client_for(b, user=officer_a)
    assert other.get("/can-bo/chuyen-hang/").status_code == 403
    public = client_for(None, user=officer_a)
    assert public.get(f"/bao-cao/don-vi/{a.unit.parent.pk}/kho-chung/").status_code == 403


def test_a_proposes_and_b_accepts_and_receives_on_their_own_pages(
    three, client_for, officer_factory
):
    a, b, _c = three
    with in_stall(a):
        shoes = Item.objects.get()
    client_a = client_for(a, user=officer_factory(a))
    client_b = client_for(b, user=officer_factory(b))

    response = client_a.post(
        "/can-bo/chuyen-hang/", {"item": shoes.pk, "quantity": "5", "to_stall": b.pk}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    transfer = Transfer.objects.get()
    assert transfer.lines.get().source_item_id == shoes.pk
    # A cannot take B's steps, B cannot take A's.
    assert client_a.post(f"/can-bo/chuyen-hang/{transfer.pk}/nhan-loi/").status_code == 404
    assert (
        f"Số {transfer.pk} từ Đoàn trường A"
        in client_b.get("/can-bo/chuyen-hang/").content.decode()
    )
    assert client_b.post(f"/can-bo/chuyen-hang/{transfer.pk}/nhan-loi/").status_code == 302
    assert client_b.post(f"/can-bo/chuyen-hang/{transfer.pk}/da-gui/").status_code == 404
    assert client_a.post(f"/can-bo/chuyen-hang/{transfer.pk}/da-gui/").status_code == 302
    assert client_b.post(f"/can-bo/chuyen-hang/{transfer.pk}/da-nhan/").status_code == 302

    transfer.refresh_from_db()
    assert transfer.state == Transfer.State.RECEIVED
    assert stock_of(a)["Giày bata trắng"] == 35
    assert stock_of(b)["Giày bata trắng"] == 5
    home = client_b.get("/").content.decode()
    assert "Giày bata trắng" in home  # offered on B's storefront as it arrives


def test_the_unit_report_counts_transfers_out_and_in(three, client_for):
    a, b, _c = three
    client = client_for(None, user=district_officer(a, "huyen@tanphuoc.vn"))
    district = a.unit.parent
    client.post(
        f"/bao-cao/don-vi/{district.pk}/kho-chung/chuyen/",
        {
            "from_stall": a.pk,
            "to_stall": b.pk,
            "category": "giay-dep",
            "size": "32",
            "quantity": "4",
        },
    )
    transfer = Transfer.objects.get()
    transfer_receive(transfer=transfer_accept(transfer=transfer))

    page = client.get(f"/bao-cao/don-vi/{a.unit.pk}/?ky=7").content.decode()
    assert "Chuyển đi: 1 lần (4 món) · Nhận về: 0 lần (0 món)" in page
    page = client.get(f"/bao-cao/don-vi/{b.unit.pk}/?ky=7").content.decode()
    assert "Chuyển đi: 0 lần (0 món) · Nhận về: 1 lần (4 món)" in page


def testbad_input_on_the_workspace_form_says_what_to_fix(three, client_for, officer_factory):
    a, b, c = three
    with in_stall(a):
        shoes = Item.objects.get()
    client = client_for(a, user=officer_factory(a))

    for body in (
        {"item": shoes.pk, "quantity": "41", "to_stall": b.pk},
        {"item": shoes.pk, "quantity": "-2", "to_stall": b.pk},
        {"item": "999999", "quantity": "1", "to_stall": b.pk},
        {"item": shoes.pk, "quantity": "1", "to_stall": c.pk},  # another district
        {"item": "x", "quantity": "x", "to_stall": "x"},
    ):
        response = client.post("/can-bo/chuyen-hang/", body)
        assert response.status_code == 200, body
        assert (
            'class="error' in response.content.decode() or "errorlist" in response.content.decode()
        )
    assert not Transfer.objects.exists()
    assert stock_of(a) == {"Giày bata trắng": 40}


def test_platform_admins_read_transfers_and_cannot_change_them(three, client_for):
    a, b, _c = three
    with in_stall(a):
        shoes = Item.objects.get()
    transfer = transfer_propose(from_stall=a, to_stall=b, lines=[LineRequest(shoes.pk, 3)])
    admin = make_user("quantri@example.vn", is_superuser=True, is_staff=True)
    client = client_for(None, user=admin)

    listing = client.get("/quan-tri/reporting/transfer/")
    page = client.get(f"/quan-tri/reporting/transfer/{transfer.pk}/change/")

    assert listing.status_code == 200
    assert "Đoàn trường A" in listing.content.decode()
    assert page.status_code == 200
    assert "Giày bata trắng" in page.content.decode()
    assert 'name="_save"' not in page.content.decode()
    assert client.get("/quan-tri/reporting/transfer/add/").status_code == 403
