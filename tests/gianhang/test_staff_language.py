"""Every staff page reads in Vietnamese: no English word a person can see or hear."""

from __future__ import annotations

import pytest

from tests.gianhang.staff_pages import stall_fill
from tests.gianhang.visible_text import english_words, visible_text

pytestmark = pytest.mark.django_db


def test_the_check_finds_english_when_there_is_some():
    html = '<main><button aria-label="Toggle theme">x</button><p>Skip to main content</p></main>'
    assert english_words(visible_text(html)) == ["Skip", "Toggle", "content", "main", "theme"]
    vietnamese = "<p>Đơn hàng đã đặt, in phiếu và giao cho đoàn viên. Tải CSV, JSON.</p>"
    assert english_words(visible_text(vietnamese)) == []


def test_every_staff_page_is_vietnamese(stall_a, client_for, officer_factory):
    filled = stall_fill(stall_a)
    client = client_for(stall_a, user=officer_factory(stall_a))
    found = {}
    for url in filled.pages:
        response = client.get(url)
        assert response.status_code == 200, url
        words = english_words(visible_text(response.content.decode()))
        if words:
            found[url] = words
    assert found == {}


def test_login_volunteer_and_error_pages_are_vietnamese(stall_a, client_for):
    filled = stall_fill(stall_a)
    client = client_for(stall_a)
    for url, status in [
        ("/dang-nhap/", 200),
        (filled.volunteer_page, 200),
        *((page, 200) for page in filled.own_data_pages),
        ("/khong-co/", 404),
    ]:
        response = client.get(url)
        assert response.status_code == status, url
        assert english_words(visible_text(response.content.decode())) == [], url
