"""Switched to English, the staff pages read in English: the only Vietnamese left is the
stall's own data (people, addresses, items, places) and the name of the Vietnamese choice
in the language switch."""

from __future__ import annotations

import re

import pytest

from catalog.models import Item, Order, OrderEvent
from distribution.models import Round, TextbookSeries, TextbookSubject
from logistics.models import PostalBatch, RoutingDecision, Volunteer
from tenants.models import AdminArea
from tenants.stall_settings import communes_near_stall
from tests.conftest import in_stall
from tests.gianhang.staff_pages import stall_fill
from tests.gianhang.visible_text import visible_text

pytestmark = pytest.mark.django_db

# A letter only Vietnamese writes: a word holding one is Vietnamese, never English.
VIETNAMESE_LETTER = re.compile(
    "[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]", re.IGNORECASE
)
# The switch names each language in itself; the product's name keeps its "đồng".
NAMES = ["Tiếng Việt", "Zero-đồng"]


def vietnamese_words(text: str) -> set[str]:
    return {w for w in re.findall(r"\w+", text) if VIETNAMESE_LETTER.search(w)}


def _data_words(stall) -> set[str]:
    """Every word of the stall's data the pages may show as it was written."""
    texts = [*NAMES, stall.name]
    # The stall's union and the units above it (a district pool is named after its unit).
    unit = stall.unit
    while unit is not None:
        texts.append(unit.name)
        unit = unit.parent
    texts += [area.name for area in communes_near_stall(stall=stall)]
    with in_stall(stall):
        for order in Order.objects.select_related("commune__parent"):
            texts += [order.recipient_name, order.address_line, order.legacy_address]
            area: AdminArea | None = order.commune
            while area is not None:
                texts.append(area.name)
                area = area.parent
        texts += Item.objects.values_list("title", flat=True)
        texts += Volunteer.objects.values_list("name", flat=True)
        texts += Volunteer.objects.values_list("guardian_name", flat=True)
        texts += Round.objects.values_list("title", flat=True)
        # Textbook series and subjects are the titles the Ministry's books carry.
        texts += TextbookSeries.objects.values_list("name", flat=True)
        texts += TextbookSubject.objects.values_list("name", flat=True)
        texts += PostalBatch.objects.values_list("post_office", flat=True)
        # Why an order went where it went, and its history notes: written once, in the
        # language of the moment.
        texts += RoutingDecision.objects.values_list("reason", flat=True)
        texts += OrderEvent.objects.values_list("public_note", flat=True)
    return vietnamese_words(" ".join(texts))


def test_the_check_finds_vietnamese_when_there_is_some():
    assert vietnamese_words("Orders to confirm · Đơn chờ xác nhận") == {"Đơn", "chờ", "xác", "nhận"}
    assert vietnamese_words("Orders to confirm, 12 items") == set()


def test_staff_pages_switched_to_english_read_in_english(stall_a, client_for, officer_factory):
    filled = stall_fill(stall_a)
    client = client_for(stall_a, user=officer_factory(stall_a))
    # The language switch every page carries (a form posting to Django's set_language).
    home = client.get("/can-bo/").content.decode()
    assert 'action="/i18n/setlang/"' in home
    assert "Việc cần làm" in home
    client.post("/i18n/setlang/", {"language": "en", "next": "/can-bo/"})
    home = client.get("/can-bo/").content.decode()
    for english in ("To do", "Orders to confirm", "Items &amp; stock", "Settings", "Sign out"):
        assert english in home
    allowed = _data_words(stall_a)
    found = {}
    for url in filled.pages:
        response = client.get(url)
        assert response.status_code == 200, url
        words = vietnamese_words(visible_text(response.content.decode())) - allowed
        if words:
            found[url] = sorted(words)
    assert found == {}
