"""Officer pages: order board with bulk steps, donation intake, ledger, packing slips."""

from __future__ import annotations

import pytest

from catalog.models import Donation, Item, Order, StockEntry
from catalog.services import order_place, order_transition
from catalog.stock import ledger_sum
from tests.catalog.factories import item_make, recipient_make
from tests.conftest import in_stall

pytestmark = pytest.mark.django_db

BOARD = "/quan-tri/catalog/order/"


def test_order_board_shows_counts_by_state(stall_a, client_for, officer_factory):
    with in_stall(stall_a):
        order_place(stall=stall_a, lines={item_make().pk: 1}, recipient=recipient_make())
    response = client_for(stall_a, user=officer_factory(stall_a)).get(BOARD)
    assert response.status_code == 200
    assert "Đã xác nhận (1)" in response.content.decode()


def test_bulk_pack_moves_each_order_and_reports_those_that_cannot(
    stall_a, client_for, officer_factory
):
    with in_stall(stall_a):
        ready = order_place(stall=stall_a, lines={item_make().pk: 1}, recipient=recipient_make())
        gone = order_place(stall=stall_a, lines={item_make().pk: 1}, recipient=recipient_make())
        order_transition(order=gone, to_state="cancelled")
    client = client_for(stall_a, user=officer_factory(stall_a))
    response = client.post(
        BOARD, {"action": "to_packed", "_selected_action": [ready.pk, gone.pk]}, follow=True
    )
    body = response.content.decode()
    assert "Đã chuyển 1 đơn" in body
    assert gone.code in body
    assert "không thể chuyển" in body
    with in_stall(stall_a):
        assert Order.objects.get(pk=ready.pk).state == "packed"
        assert Order.objects.get(pk=gone.pk).state == "cancelled"


def test_donation_intake_in_the_admin_puts_stock_on_the_shelf(stall_a, client_for, officer_factory):
    with in_stall(stall_a):
        item = item_make(quantity=0, title="Nón lá")
    client = client_for(stall_a, user=officer_factory(stall_a))
    response = client.post(
        "/quan-tri/catalog/donation/add/",
        {
            "donor_name": "",
            "received_on": "2025-09-06",
            "note": "",
            "lines-TOTAL_FORMS": "1",
            "lines-INITIAL_FORMS": "0",
            "lines-MIN_NUM_FORMS": "0",
            "lines-MAX_NUM_FORMS": "1000",
            "lines-0-item": str(item.pk),
            "lines-0-quantity": "6",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    with in_stall(stall_a):
        item.refresh_from_db()
        assert item.available == 6 == ledger_sum(item=item)
        entry = StockEntry.objects.get(item=item)
        assert entry.kind == "intake"
        assert entry.donation == Donation.objects.get()
        assert entry.actor_id is not None


def test_write_off_beyond_stock_is_refused_with_a_message(stall_a, client_for, officer_factory):
    with in_stall(stall_a):
        item = item_make(quantity=2)
    client = client_for(stall_a, user=officer_factory(stall_a))
    response = client.post(
        "/quan-tri/catalog/stockentry/add/",
        {"item": str(item.pk), "kind": "write_off", "quantity": "5", "note": "rách"},
    )
    assert response.status_code == 200
    assert "không còn đủ" in response.content.decode()
    ok = client.post(
        "/quan-tri/catalog/stockentry/add/",
        {"item": str(item.pk), "kind": "write_off", "quantity": "1", "note": "rách"},
    )
    assert ok.status_code == 302
    with in_stall(stall_a):
        assert Item.objects.get(pk=item.pk).available == 1 == ledger_sum(item=item)


def test_item_with_bad_shoe_size_is_refused(stall_a, client_for, officer_factory):
    with in_stall(stall_a):
        from catalog.models import Category

        category = Category.objects.get(slug="giay-dep")
    client = client_for(stall_a, user=officer_factory(stall_a))
    response = client.post(
        "/quan-tri/catalog/item/add/",
        {
            "category": category.pk,
            "title": "Giày",
            "condition": "good",
            "size_kind": "shoe",
            "size": "50",
            "gender": "any",
            "is_listed": "on",
            "photos-TOTAL_FORMS": "0",
            "photos-INITIAL_FORMS": "0",
            "photos-MIN_NUM_FORMS": "0",
            "photos-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 200
    assert "28 đến 45" in response.content.decode()


def test_packing_slip_prints_items_and_address_for_officers_only(
    stall_a, client_for, officer_factory
):
    with in_stall(stall_a):
        order = order_place(
            stall=stall_a,
            lines={item_make(title="Áo dài trắng").pk: 1},
            recipient=recipient_make(name="Phạm Thị Lan"),
        )
    url = f"/can-bo/phieu-dong-goi/?id={order.pk}"
    assert client_for(stall_a).get(url).status_code == 302  # to login
    body = client_for(stall_a, user=officer_factory(stall_a)).get(url).content.decode()
    assert "Áo dài trắng" in body
    assert "Phạm Thị Lan" in body
    assert order.code in body


def test_photo_uploaded_in_the_admin_gets_a_thumbnail(stall_a, client_for, officer_factory):
    from catalog.models import Category, ItemPhoto
    from tests.catalog.test_photos import jpeg_upload

    with in_stall(stall_a):
        category = Category.objects.get(slug="mu-non")
    client = client_for(stall_a, user=officer_factory(stall_a))
    response = client.post(
        "/quan-tri/catalog/item/add/",
        {
            "category": category.pk,
            "title": "Nón lá",
            "condition": "new",
            "size_kind": "",
            "size": "",
            "gender": "any",
            "is_listed": "on",
            "photos-TOTAL_FORMS": "1",
            "photos-INITIAL_FORMS": "0",
            "photos-MIN_NUM_FORMS": "0",
            "photos-MAX_NUM_FORMS": "1000",
            "photos-0-image": jpeg_upload(),
            "photos-0-position": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    with in_stall(stall_a):
        photo = ItemPhoto.objects.get()
        assert photo.thumbnail.name.endswith(".webp")
        assert photo.image.name.endswith(".jpg")


def test_a_non_image_upload_in_the_admin_is_refused_beside_the_field(
    stall_a, client_for, officer_factory
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from catalog.models import Category

    with in_stall(stall_a):
        category = Category.objects.get(slug="mu-non")
    client = client_for(stall_a, user=officer_factory(stall_a))
    response = client.post(
        "/quan-tri/catalog/item/add/",
        {
            "category": category.pk,
            "title": "Nón lá",
            "condition": "new",
            "gender": "any",
            "photos-TOTAL_FORMS": "1",
            "photos-INITIAL_FORMS": "0",
            "photos-MIN_NUM_FORMS": "0",
            "photos-MAX_NUM_FORMS": "1000",
            "photos-0-image": SimpleUploadedFile("a.jpg", b"<svg/>", content_type="image/jpeg"),
            "photos-0-position": "0",
        },
    )
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    with in_stall(stall_a):
        from catalog.models import Item

        assert not Item.objects.exists()
