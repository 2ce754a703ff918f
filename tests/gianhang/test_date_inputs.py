"""Every date box of the staff pages carries an ISO value: a browser's date input shows
nothing for a day-first one (05/07/2025), whatever the page's language."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from tests.gianhang.staff_pages import stall_fill

pytestmark = pytest.mark.django_db

DATE_INPUT = re.compile(r"<input\b[^>]*\btype=\"date\"[^>]*>")
VALUE = re.compile(r"\bvalue=\"([^\"]*)\"")


def _date_values(html: str) -> list[str]:
    values = []
    for tag in DATE_INPUT.findall(html):
        match = VALUE.search(tag)
        values.append(match.group(1) if match else "")
    return values


@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_date_input_of_the_workspace_holds_an_iso_date(
    stall_a, client_for, officer_factory, language
):
    filled = stall_fill(stall_a)
    client = client_for(stall_a, user=officer_factory(stall_a))
    client.post("/i18n/setlang/", {"language": language, "next": "/can-bo/"})
    seen = {}
    for url in filled.pages:
        response = client.get(url)
        assert response.status_code == 200, url
        values = _date_values(response.content.decode())
        if values:
            seen[url] = values
    # The hand-over of a ready batch and a donation's date are among them.
    assert any(url.startswith("/giao-nhan/lo/") for url in seen), seen
    assert "/can-bo/quyen-gop/" in seen, seen
    today = timezone.localdate().isoformat()
    for url, values in seen.items():
        for value in values:
            assert value == "" or re.fullmatch(r"\d{4}-\d{2}-\d{2}", value), (url, value)
    assert today in [v for values in seen.values() for v in values]
