"""Pages speak Vietnamese unless the person chose English; a phone's own setting does not decide."""

from __future__ import annotations

import pytest
from django.utils import translation

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _back_to_vietnamese():
    yield
    translation.activate("vi")


def test_a_phone_set_to_english_still_gets_the_vietnamese_page(stall_a, client_for):
    page = client_for(stall_a).get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert page.status_code == 200
    assert page["Content-Language"] == "vi"
    assert '<html lang="vi"' in page.content.decode()


def test_choosing_english_with_the_switch_is_kept_for_the_next_pages(stall_a, client_for):
    client = client_for(stall_a)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/hang/", HTTP_ACCEPT_LANGUAGE="vi")
    assert page["Content-Language"] == "en"


def test_a_made_up_language_cookie_falls_back_to_vietnamese(stall_a, client_for):
    client = client_for(stall_a)
    client.cookies["django_language"] = "xx"
    assert client.get("/")["Content-Language"] == "vi"


def test_api_clients_still_negotiate_with_accept_language(stall_a, client_for):
    answer = client_for(stall_a).get("/api/v1/items/?grade=abc", HTTP_ACCEPT_LANGUAGE="en")
    assert answer.status_code == 400
    assert answer["Content-Language"] == "en"
