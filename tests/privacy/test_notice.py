"""One notice, by version: the text a person accepts at checkout is the one recorded."""

from __future__ import annotations

import pytest

from catalog.models import Order
from privacy.models import ConsentRecord, SubjectKind
from privacy.notices import NOTICE_CURRENT, NOTICE_VERSIONS
from tests.catalog.factories import item_make
from tests.catalog.test_pages import _basket_with, _checkout_data
from tests.conftest import in_stall

pytestmark = pytest.mark.django_db


def test_checkout_links_the_current_notice_by_version_and_sends_that_version(stall_a, client_for):
    body = client_for(stall_a).get("/dat-hang/").content.decode()
    assert f'href="/bao-mat/thong-bao/{NOTICE_CURRENT}/"' in body
    assert f'name="notice_version" value="{NOTICE_CURRENT}"' in body


def test_the_consent_on_file_names_the_version_the_person_was_shown(stall_a, client_for):
    older = min(NOTICE_VERSIONS)
    assert older != NOTICE_CURRENT
    with in_stall(stall_a):
        item = item_make(quantity=2)
    client = client_for(stall_a)
    _basket_with(client, item)
    # A page opened before the notice changed still carries the older version.
    client.post("/dat-hang/", _checkout_data(notice_version=older))
    with in_stall(stall_a):
        order = Order.objects.get()
        consent = ConsentRecord.objects.get(subject_kind=SubjectKind.RECIPIENT, subject_id=order.pk)
    assert order.consent_version == older
    assert consent.notice_version == older
    # ...and that text is still readable at its own address.
    page = client.get(f"/bao-mat/thong-bao/{older}/").content.decode()
    assert "phiên bản cũ" in page
    assert "Thông báo xử lý dữ liệu cá nhân" in page


def test_an_unknown_version_is_refused_in_vietnamese_and_nothing_is_saved(stall_a, client_for):
    with in_stall(stall_a):
        item = item_make(quantity=2)
    client = client_for(stall_a)
    _basket_with(client, item)
    response = client.post("/dat-hang/", _checkout_data(notice_version="1999-01"))
    assert response.status_code == 200
    assert "Thông báo về dữ liệu cá nhân vừa được cập nhật" in response.content.decode()
    assert f"/bao-mat/thong-bao/{NOTICE_CURRENT}/" in response.content.decode()
    # Sent again from that page, the person now accepts the current text.
    assert f'name="notice_version" value="{NOTICE_CURRENT}"' in response.content.decode()
    with in_stall(stall_a):
        assert not Order.objects.exists()


def test_the_current_notice_follows_the_law_in_force(stall_a, client_for):
    page = client_for(stall_a).get("/bao-mat/thong-bao/").content.decode()
    assert "91/2025/QH15" in page
    assert "356/2025/NĐ-CP" in page
    assert "13/2023" not in page
    assert "phiên bản cũ" not in page


def test_the_storefront_privacy_address_leads_to_the_one_notice(stall_a, client_for):
    response = client_for(stall_a).get("/du-lieu-ca-nhan/")
    assert response.status_code == 302
    assert response["Location"] == "/bao-mat/thong-bao/"
