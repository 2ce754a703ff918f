"""Officers' item pages: one form for item, photo and starting stock; edits; stock; donations."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from catalog.models import Category, Donation, Item, ItemPhoto, StockEntry
from catalog.stock import ledger_sum
from tests.catalog.factories import item_make
from tests.catalog.test_photos import jpeg_upload
from tests.conftest import in_stall

pytestmark = pytest.mark.django_db


def _category(stall, slug="mu-non") -> Category:
    with in_stall(stall):
        return Category.objects.get(slug=slug)


def _item_post(category, **extra):
    data = {
        "category": category.pk,
        "title": "Nón lá",
        "condition": "new",
        "size_kind": "",
        "size": "",
        "gender": "any",
        "is_listed": "on",
        "quantity": "7",
    }
    data.update(extra)
    return data


def test_new_item_with_photo_and_stock_in_one_form(stall_a, client_for, officer_factory):
    category = _category(stall_a)
    client = client_for(stall_a, user=officer_factory(stall_a))
    form = client.get("/can-bo/hang/moi/").content.decode()
    assert 'accept="image/*"' in form
    response = client.post(
        "/can-bo/hang/moi/", _item_post(category, photo=jpeg_upload()), follow=True
    )
    assert "Đã thêm “Nón lá” với 7 món trong kho" in response.content.decode()
    with in_stall(stall_a):
        item = Item.objects.get(title="Nón lá")
        assert item.available == 7 == ledger_sum(item=item)
        entry = StockEntry.objects.get(item=item)
        assert entry.kind == "intake"
        assert entry.actor_id is not None
        photo = ItemPhoto.objects.get(item=item)
        assert photo.thumbnail.name.endswith(".webp")


def test_a_non_image_is_refused_beside_the_field_and_nothing_is_saved(
    stall_a, client_for, officer_factory
):
    category = _category(stall_a)
    client = client_for(stall_a, user=officer_factory(stall_a))
    fake = SimpleUploadedFile("a.jpg", b"<svg/>", content_type="image/jpeg")
    response = client.post("/can-bo/hang/moi/", _item_post(category, photo=fake))
    body = response.content.decode()
    assert response.status_code == 200
    assert "không phải ảnh" in body
    assert 'value="Nón lá"' in body  # what was typed is kept
    with in_stall(stall_a):
        assert not Item.objects.exists()


def test_item_with_bad_shoe_size_is_refused(stall_a, client_for, officer_factory):
    category = _category(stall_a, "giay-dep")
    client = client_for(stall_a, user=officer_factory(stall_a))
    response = client.post(
        "/can-bo/hang/moi/", _item_post(category, title="Giày", size_kind="shoe", size="50")
    )
    assert response.status_code == 200
    assert "28 đến 45" in response.content.decode()


def test_negative_starting_quantity_is_refused_in_vietnamese(stall_a, client_for, officer_factory):
    client = client_for(stall_a, user=officer_factory(stall_a))
    response = client.post("/can-bo/hang/moi/", _item_post(_category(stall_a), quantity="-3"))
    assert "Số lượng không được âm" in response.content.decode()


def test_edit_unlist_and_list_again(stall_a, client_for, officer_factory):
    with in_stall(stall_a):
        item = item_make(title="Áo khoác", quantity=2)
    client = client_for(stall_a, user=officer_factory(stall_a))
    client.post(f"/can-bo/hang/{item.pk}/hien-an/", {"hien": "0"})
    with in_stall(stall_a):
        assert not Item.objects.get(pk=item.pk).is_listed
    assert "Áo khoác" not in client_for(stall_a).get("/hang/").content.decode()
    client.post(f"/can-bo/hang/{item.pk}/hien-an/", {"hien": "1"})
    with in_stall(stall_a):
        assert Item.objects.get(pk=item.pk).is_listed
    response = client.post(
        f"/can-bo/hang/{item.pk}/sua/",
        {"category": item.category_id, "title": "Áo khoác gió", "condition": "good",
         "size_kind": "", "size": "", "gender": "any", "is_listed": "on"},
        follow=True,
    )  # fmt: skip
    assert "Đã lưu “Áo khoác gió”" in response.content.decode()


def test_write_off_beyond_stock_is_refused_and_a_reason_is_needed(
    stall_a, client_for, officer_factory
):
    with in_stall(stall_a):
        item = item_make(quantity=2)
    client = client_for(stall_a, user=officer_factory(stall_a))
    url = f"/can-bo/hang/{item.pk}/"
    no_reason = client.post(url, {"kind": "write_off", "quantity": "1", "note": ""})
    assert "Hãy ghi lý do" in no_reason.content.decode()
    too_many = client.post(url, {"kind": "write_off", "quantity": "5", "note": "rách"})
    assert "không còn đủ" in too_many.content.decode()
    ok = client.post(url, {"kind": "write_off", "quantity": "1", "note": "rách"}, follow=True)
    body = ok.content.decode()
    assert "Còn 1 món" in body
    assert "Loại bỏ" in body  # the ledger in words
    assert "rách" in body
    with in_stall(stall_a):
        assert Item.objects.get(pk=item.pk).available == 1 == ledger_sum(item=item)


def test_donation_of_several_lines_puts_each_on_the_shelf(stall_a, client_for, officer_factory):
    with in_stall(stall_a):
        hat = item_make(title="Nón lá", quantity=0)
        book = item_make(title="Sách Toán 6", quantity=1)
    client = client_for(stall_a, user=officer_factory(stall_a))
    page = client.get("/can-bo/quyen-gop/").content.decode()
    assert page.index("Nón lá") < page.index("Sách Toán 6")  # Vietnamese order
    data = {
        "donor_name": "Cô Hạnh",
        "received_on": "2025-09-06",
        "note": "",
        "dong-TOTAL_FORMS": "3",
        "dong-INITIAL_FORMS": "0",
        "dong-MIN_NUM_FORMS": "0",
        "dong-MAX_NUM_FORMS": "50",
        "dong-0-item": str(hat.pk),
        "dong-0-quantity": "6",
        "dong-1-item": str(book.pk),
        "dong-1-quantity": "2",
        "dong-2-item": "",
        "dong-2-quantity": "",
    }
    response = client.post("/can-bo/quyen-gop/", data, follow=True)
    assert "Đã ghi lượt quyên góp với 8 món vào kho" in response.content.decode()
    with in_stall(stall_a):
        donation = Donation.objects.get()
        assert donation.lines.count() == 2
        assert Item.objects.get(pk=hat.pk).available == 6 == ledger_sum(item=hat)
        assert Item.objects.get(pk=book.pk).available == 3 == ledger_sum(item=book)


def test_donation_line_without_quantity_is_refused_and_nothing_saved(
    stall_a, client_for, officer_factory
):
    with in_stall(stall_a):
        hat = item_make(title="Nón lá", quantity=0)
    client = client_for(stall_a, user=officer_factory(stall_a))
    data = {
        "donor_name": "", "received_on": "2025-09-06", "note": "",
        "dong-TOTAL_FORMS": "1", "dong-INITIAL_FORMS": "0",
        "dong-MIN_NUM_FORMS": "0", "dong-MAX_NUM_FORMS": "50",
        "dong-0-item": str(hat.pk), "dong-0-quantity": "",
    }  # fmt: skip
    response = client.post("/can-bo/quyen-gop/", data)
    assert "Hãy nhập số lượng của món này" in response.content.decode()
    with in_stall(stall_a):
        assert not Donation.objects.exists()


def test_item_list_is_in_vietnamese_order(stall_a, client_for, officer_factory):
    with in_stall(stall_a):
        for title in ("Đồng phục", "Chăn", "Cặp sách", "Dép", "Ấm"):
            item_make(title=title)
    body = client_for(stall_a, user=officer_factory(stall_a)).get("/can-bo/hang/").content.decode()
    positions = [
        body.index(f"<strong>{t}</strong>") for t in ("Ấm", "Cặp sách", "Chăn", "Dép", "Đồng phục")
    ]
    assert positions == sorted(positions)
