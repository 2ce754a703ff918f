"""Link previews (OpenGraph, Twitter card) and the share button on the stall's pages."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from tests.catalog.factories import item_make
from tests.conftest import host_of, in_stall

pytestmark = pytest.mark.django_db


class _Head(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.meta: dict[str, str] = {}
        self.share_links: list[dict[str, str]] = []
        self.scripts: list[dict[str, str]] = []

    def handle_starttag(self, tag, attrs):
        found = {k: v or "" for k, v in attrs}
        if tag == "meta":
            key = found.get("property") or found.get("name")
            if key:
                self.meta[key] = found.get("content", "")
        if tag == "a" and "share-link" in found.get("class", ""):
            self.share_links.append(found)
        if tag == "script":
            self.scripts.append(found)


def _parse(html: str) -> _Head:
    head = _Head()
    head.feed(html)
    return head


def test_the_stall_home_has_a_vietnamese_preview_and_a_share_link(stall_a, client_for):
    host = host_of(stall_a)
    page = _parse(client_for(stall_a).get("/").content.decode())

    assert page.meta["og:title"] == "Đoàn trường A"
    assert page.meta["og:locale"] == "vi_VN"
    assert page.meta["og:type"] == "website"
    assert page.meta["og:url"] == f"http://{host}/"
    assert re.fullmatch(
        rf"http://{re.escape(host)}/static/catalog/share[.\w]*\.png", page.meta["og:image"]
    )
    assert "tặng miễn phí" in page.meta["og:description"]
    assert page.meta["twitter:card"] == "summary"
    assert page.meta["twitter:title"] == "Đoàn trường A"
    (link,) = page.share_links
    assert link["href"] == f"http://{host}/"  # works as a plain link without JavaScript
    assert link["data-copied"].startswith("Đã chép đường dẫn")
    assert all(script.get("src") for script in page.scripts)  # no inline script (CSP)


def test_an_item_page_previews_the_item_with_its_size(stall_a, client_for):
    with in_stall(stall_a):
        item = item_make(
            title="Giày bata trắng", category="giay-dep", size_kind="shoe", size="32", quantity=2
        )
    host = host_of(stall_a)

    page = _parse(client_for(stall_a).get(f"/hang/{item.pk}/").content.decode())

    assert page.meta["og:title"] == "Giày bata trắng – Đoàn trường A"
    assert page.meta["og:type"] == "product"
    assert "cỡ 32" in page.meta["og:description"]
    assert page.meta["og:url"] == f"http://{host}/hang/{item.pk}/"
    assert page.meta["og:image"].startswith(f"http://{host}/")
    (link,) = page.share_links
    assert link["href"] == f"http://{host}/hang/{item.pk}/"


def test_the_share_script_is_served(stall_a, client_for):
    page = _parse(client_for(stall_a).get("/").content.decode())
    (script,) = [s for s in page.scripts if "share" in s["src"]]
    assert "defer" in script
    response = client_for(stall_a).get(script["src"])
    assert response.status_code == 200
    body = b"".join(response) if response.streaming else response.content
    assert b"navigator.share" in body
    assert b"clipboard" in body
