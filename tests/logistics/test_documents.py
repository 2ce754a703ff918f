"""Route sheets, manifests and labels: real PDFs whose Vietnamese text can be read back."""

from __future__ import annotations

import csv
import io

import pytest
from pypdf import PdfReader

from catalog.models import Order
from logistics.batches import batch_build
from logistics.labels import labels_pdf, manifest_csv, manifest_pdf
from logistics.models import Route, RunStop
from logistics.routing import order_route
from logistics.runs import run_for_new_stops, run_plan, volunteer_signup
from logistics.selectors import batch_parcels, route_stops
from logistics.sheets import route_sheet_pdf
from tests.conftest import in_stall
from tests.logistics.factories import (
    far_commune,
    order_make,
    school_commune,
    stall_place,
    volunteer_make,
)

pytestmark = pytest.mark.django_db

NAME = "Lê Thị Ngọc Hạnh"


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_route_sheet_lists_stops_with_vietnamese_names(stall_a):
    stall_place(stall_a)
    with in_stall(stall_a):
        order = order_make(area=school_commune(), state=Order.State.PACKED, name=NAME)
        order_route(order_id=order.pk)
        run = run_for_new_stops()
        for who in ("Phạm Quốc Cường", "Đặng Thùy Dương"):
            volunteer_signup(volunteer=volunteer_make(name=who), run=run)
        run_plan(run=run, seconds=0)
        route = Route.objects.get(run=run)
        pdf = route_sheet_pdf(
            route=route,
            stops=route_stops(route=route),
            stall_name=stall_a.name,
            stop_link=lambda s: f"http://x/{s.pk}",
        )
        text = _text(pdf)
        assert NAME in text
        assert "Phạm Quốc Cường" in text
        assert order.code in text
        assert RunStop.objects.get(order=order).position == 1


def test_manifest_pdf_and_csv_list_every_parcel(stall_a):
    stall_place(stall_a)
    with in_stall(stall_a):
        orders = [
            order_make(
                area=far_commune(), state=Order.State.PACKED, delivery="post", name=f"{NAME} {i}"
            )
            for i in range(3)
        ]
        batch = batch_build()
        parcels = list(batch_parcels(batch=batch))
        text = _text(
            manifest_pdf(
                batch=batch, parcels=parcels, stall_name=stall_a.name, sender_address="Xã Tân Phước"
            )
        )
        for order in orders:
            assert order.recipient_name in text
            assert order.code in text
        rows = list(csv.DictReader(io.StringIO(manifest_csv(parcels=parcels).decode("utf-8-sig"))))
        assert list(rows[0]) == [
            "Mã đơn",
            "Người nhận",
            "Điện thoại",
            "Địa chỉ",
            "Số kiện",
            "Khối lượng (g)",
            "Cước (đ)",
            "Mã vận đơn",
        ]
        assert [r["Mã đơn"] for r in rows] == [o.code for o in orders]
        assert rows[0]["Người nhận"] == orders[0].recipient_name
        # Phones as people dial them, as plain text: no "+84", no apostrophe.
        for row, order in zip(rows, orders, strict=True):
            digits = "0" + order.phone.removeprefix("+84")
            assert row["Điện thoại"] == f"{digits[:4]} {digits[4:7]} {digits[7:]}"


def test_manifest_csv_neutralises_spreadsheet_formulas(stall_a):
    stall_place(stall_a)
    with in_stall(stall_a):
        order_make(
            area=far_commune(), state=Order.State.PACKED, delivery="post", name='=HYPERLINK("x")'
        )
        batch = batch_build()
        rows = list(
            csv.reader(
                io.StringIO(manifest_csv(parcels=batch_parcels(batch=batch)).decode("utf-8-sig"))
            )
        )
        assert rows[1][1].startswith("'=")


def test_labels_are_a6_one_page_per_parcel_with_sender_and_recipient(stall_a):
    stall_place(stall_a)
    with in_stall(stall_a):
        for i in range(2):
            order_make(
                area=far_commune(), state=Order.State.PACKED, delivery="post", name=f"{NAME} {i}"
            )
        batch = batch_build()
        pdf = labels_pdf(
            parcels=batch_parcels(batch=batch),
            stall_name="Đoàn trường Thiên Hộ Dương",
            sender_address="Xã Tân Phước",
        )
        reader = PdfReader(io.BytesIO(pdf))
        assert len(reader.pages) == 2
        box = reader.pages[0].mediabox
        assert round(float(box.width)) == 298
        assert round(float(box.height)) == 420
        text = _text(pdf)
        assert "Đoàn trường Thiên Hộ Dương" in text
        assert f"{NAME} 1" in text
