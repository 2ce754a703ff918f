"""The manifest PDF read back with pdfplumber: every barcode and its code stay in their row."""

from __future__ import annotations

import io
from itertools import pairwise

import pdfplumber
import pytest

from catalog.models import Order
from logistics.batches import batch_build
from logistics.labels import manifest_pdf
from logistics.selectors import batch_parcels
from tests.conftest import in_stall
from tests.logistics.factories import far_commune, item_make, order_make, stall_place

pytestmark = pytest.mark.django_db

LONG_NAME = "Nguyễn Thị Hồng Nhung Phương Thảo Ngọc Bích Huyền Trân"
LONG_ADDRESS = (
    "Số 123/45/6 đường Nguyễn Văn Trỗi nối dài, ấp Tân Hòa Đông, khu phố 7, "
    "gần chợ Bến Tranh, sau trường Tiểu học Lương Hòa Lạc"
)


def _rows(page) -> list[tuple[float, float]]:
    """(top, bottom) of each table row on the page, from the grid's horizontal lines."""
    tops = sorted({round(line["top"], 1) for line in page.lines if line["height"] < 0.5})
    return list(pairwise(tops))


def _barcodes(page) -> list[dict]:
    """Bounding boxes of the Code 128 symbols: tall thin filled bars, grouped by row."""
    bars = [r for r in page.rects if r["width"] < 5 and r["height"] > 10]
    groups: dict[float, list[dict]] = {}
    for bar in bars:
        groups.setdefault(round(bar["top"], 1), []).append(bar)
    return [
        {
            "x0": min(b["x0"] for b in group),
            "x1": max(b["x1"] for b in group),
            "top": min(b["top"] for b in group),
            "bottom": max(b["bottom"] for b in group),
        }
        for group in groups.values()
    ]


def _row_of(box: dict, rows) -> tuple[float, float] | None:
    for top, bottom in rows:
        if top - 0.5 <= box["top"] and box["bottom"] <= bottom + 0.5:
            return top, bottom
    return None


def _overlaps(a: dict, b: dict) -> bool:
    return (
        a["x0"] < b["x1"]
        and b["x0"] < a["x1"]
        and a["top"] < b["bottom"]
        and b["top"] < a["bottom"]
    )


@pytest.mark.parametrize("count", [1, 37, 200])
def test_each_barcode_and_its_code_fit_inside_their_own_row(stall_a, count):
    stall_place(stall_a)
    with in_stall(stall_a):
        item = item_make(available=count + 5)
        orders = {}
        for i in range(count):
            order = order_make(
                area=far_commune(),
                state=Order.State.PACKED,
                delivery="post",
                name=f"{LONG_NAME} {i}",
                item=item,
            )
            Order.objects.filter(pk=order.pk).update(address_line=f"{LONG_ADDRESS} {i}")
            orders[order.code] = f"{LONG_NAME} {i}"
        batch = batch_build()
        parcels = list(batch_parcels(batch=batch))
        pdf = manifest_pdf(
            batch=batch, parcels=parcels, stall_name=stall_a.name, sender_address="Xã Tân Phước"
        )
    seen: set[str] = set()
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        for page in document.pages:
            rows = _rows(page)
            words = page.extract_words()
            codes = [w for w in words if w["text"] in orders]
            barcodes = _barcodes(page)
            assert len(barcodes) == len(codes)
            for box in barcodes:
                row = _row_of(box, rows)
                assert row is not None, f"a barcode crosses a row line on page {page.page_number}"
                # Nothing printed on the bars: no name, no code of this or another row.
                assert not [w["text"] for w in words if _overlaps(w, box)]
                in_row = [w for w in codes if row[0] <= w["top"] and w["bottom"] <= row[1]]
                assert len(in_row) == 1, "each row holds exactly its own order code"
                code = in_row[0]
                assert box["top"] < code["top"], "the code is printed under its bars"
                # The recipient's name, wrapped or not, is in the same row.
                row_text = page.crop((0, row[0], page.width, row[1])).extract_text()
                name = orders[code["text"]]
                assert name.split()[-1] in row_text.split()
                assert " ".join(row_text.split()).count(name.split()[0]) >= 1
                seen.add(code["text"])
            # No text straddles a row line (overflowing cells would).
            table_top, table_bottom = rows[0][0], rows[-1][1]
            for word in words:
                if table_top <= word["top"] and word["bottom"] <= table_bottom:
                    assert _row_of(word, rows) is not None, word["text"]
            total = [w for w in words if w["text"] == "Tổng"]
            for word in total:
                row = _row_of(word, rows)
                assert not [c for c in codes if row[0] <= c["top"] <= row[1]]
    assert seen == set(orders)
