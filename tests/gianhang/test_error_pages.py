"""403, 404 and 500 pages in Vietnamese, in the site's layout, with a way back, on every host."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from django.urls import path

from gianhang.urls_common import urlpatterns as common_urls
from tests.conftest import host_of

pytestmark = pytest.mark.django_db


def _boom(request):
    raise RuntimeError("a bug")


urlpatterns = [path("loi/", _boom), *common_urls]  # the layout links the common pages


@pytest.mark.parametrize("public", [True, False])
def test_404_is_vietnamese_with_the_layout(stall_a, public):
    host = "localhost" if public else host_of(stall_a)
    response = Client(HTTP_HOST=host).get("/khong-co-trang-nay/")
    body = response.content.decode()
    assert response.status_code == 404
    assert "Không tìm thấy trang" in body
    assert 'href="/"' in body
    assert 'class="top"' in body  # the site's header
    assert "Not Found" not in body


def test_403_is_vietnamese_with_the_layout(stall_a, stall_b, client_for, officer_factory):
    client = client_for(stall_b, user=officer_factory(stall_a))
    response = client.get("/can-bo/bao-mat/nhat-ky/")
    body = response.content.decode()
    if response.status_code == 302:  # signed out on the other host: the login page says it
        pytest.fail("an officer of another stall should be refused, not sent to log in")
    assert response.status_code == 403
    assert "Không được phép" in body
    assert 'href="/"' in body
    assert "Forbidden" not in body


@pytest.mark.parametrize("public", [True, False])
def test_500_is_vietnamese_with_the_layout(stall_a, public):
    host = "localhost" if public else host_of(stall_a)
    with override_settings(ROOT_URLCONF=__name__, PUBLIC_SCHEMA_URLCONF=__name__):
        client = Client(HTTP_HOST=host, raise_request_exception=False)
        response = client.get("/loi/")
    body = response.content.decode()
    assert response.status_code == 500
    assert "Có lỗi xảy ra" in body
    assert 'href="/"' in body
    assert "Traceback" not in body
    assert "Server Error" not in body
