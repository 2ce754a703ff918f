"""Checkout starts in the stall's own province; provinces read in Vietnamese order."""

from __future__ import annotations

import re

import pytest

from tenants.collation import vi_sort_key
from tenants.models import AdminArea
from tests.catalog.factories import item_make
from tests.conftest import in_stall
from tests.logistics.factories import stall_place

pytestmark = pytest.mark.django_db


def _province_options(body: str) -> list[tuple[str, str, bool]]:
    select = body.split('name="province"', 1)[1].split("</select>", 1)[0]
    return [
        (value, label, bool(selected))
        for value, selected, label in re.findall(
            r'<option value="(\d*)"( selected)?>([^<]*)</option>', select
        )
    ]


def test_checkout_preselects_the_stalls_province_and_sorts_provinces(stall_a, client_for):
    stall_place(stall_a)
    with in_stall(stall_a):
        item = item_make()
    client = client_for(stall_a)
    client.post("/gio/", {"item": item.pk, "quantity": 1, "action": "add"})
    options = _province_options(client.get("/dat-hang/").content.decode())
    short = dict(AdminArea.objects.filter(level="province").values_list("name", "short_name"))
    names = [short[label] for value, label, _sel in options if value]
    assert [vi_sort_key(n) for n in names] == sorted(vi_sort_key(n) for n in names)
    selected = [label for _value, label, sel in options if sel]
    assert selected == [stall_a.commune.parent.name]
    # "Đồng Tháp" right after the D's, before the G's: not last, not among the T's.
    assert names.index("Điện Biên") < names.index("Đồng Tháp") < names.index("Gia Lai")
    assert names.index("Đắk Lắk") > names.index("Cần Thơ")
