"""Exports: Vietnamese headers, the same numbers as the page, Excel-friendly, one-page PDF."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from tenants.models import Membership
from tests.conftest import make_user
from tests.reporting.conftest import fact_make

R = Membership.Role


def _period_query() -> tuple[str, dt.date]:
    day = timezone.localdate() - dt.timedelta(days=1)
    return f"tu={day - dt.timedelta(days=6):%Y-%m-%d}&den={day:%Y-%m-%d}", day


def test_the_csv_has_a_bom_vietnamese_headers_and_one_row_per_district(two_districts, client_for):
    t = two_districts
    query, day = _period_query()
    fact_make(t["stall_b"], day, orders_placed=12, items_given=30)
    fact_make(t["stall_a"], day, orders_placed=2)
    officer = make_user("tinh@example.vn", unit=t["province"], role=R.PROVINCE_OFFICER)
    response = client_for(None, officer).get(
        f"/bao-cao/don-vi/{t['province'].pk}/bao-cao.csv?{query}"
    )
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header = rows[1]
    assert header[0] == "Đơn vị"
    assert {"Món đã trao", "Đơn đã đặt"} <= set(header)
    by_unit = {row[0]: dict(zip(header, row, strict=True)) for row in rows[2:]}
    # 2 is shown as "<5"; with the total 14 visible, the 12 is hidden too ("*"), or
    # 14 − 12 would give the 2 away.
    assert by_unit[t["district_a"].name]["Đơn đã đặt"] == "<5"
    assert by_unit[t["district_b"].name]["Đơn đã đặt"] == "*"
    assert by_unit["Tổng"]["Đơn đã đặt"] == "14"
    assert by_unit[t["district_b"].name]["Món đã trao"] == "30"


def test_the_xlsx_has_the_same_table(two_districts, client_for):
    t = two_districts
    query, day = _period_query()
    fact_make(t["stall_b"], day, orders_placed=12, items_given=30)
    officer = make_user("tinh@example.vn", unit=t["province"], role=R.PROVINCE_OFFICER)
    response = client_for(None, officer).get(
        f"/bao-cao/don-vi/{t['province'].pk}/bao-cao.xlsx?{query}"
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[1]
    assert header[0] == "Đơn vị"
    row = dict(zip(header, next(r for r in rows if r[0] == t["district_b"].name), strict=True))
    assert row["Món đã trao"] == 30


def test_the_pdf_is_one_page_with_vietnamese_text(two_districts, client_for, officer_factory):
    t = two_districts
    query, day = _period_query()
    fact_make(t["stall_a"], day, orders_placed=3, items_given=4)
    officer = officer_factory(t["stall_a"])
    response = client_for(None, officer).get(
        f"/bao-cao/don-vi/{t['stall_a'].unit_id}/bao-cao.pdf?{query}"
    )
    assert response["Content-Type"] == "application/pdf"
    pdf = PdfReader(io.BytesIO(response.content))
    assert len(pdf.pages) == 1
    text = pdf.pages[0].extract_text()
    assert "Món đã trao" in text
    assert t["stall_a"].unit.name in text


def test_a_pdf_of_a_province_with_many_districts_stays_on_one_page(two_districts, client_for):
    from tenants.models import Unit
    from tenants.services import unit_get_or_create

    t = two_districts
    for n in range(25):
        unit_get_or_create(
            kind=Unit.Kind.DISTRICT,
            name=f"Huyện Đoàn số {n} có tên khá dài để thử",
            code=f"tien-giang/h{n}",
            parent=t["province"],
        )
    officer = make_user("tinh@example.vn", unit=t["province"], role=R.PROVINCE_OFFICER)
    response = client_for(None, officer).get(f"/bao-cao/don-vi/{t['province'].pk}/bao-cao.pdf")
    assert len(PdfReader(io.BytesIO(response.content)).pages) == 1


def test_an_unknown_export_format_is_404(two_districts, client_for):
    officer = make_user("tinh@example.vn", unit=two_districts["province"], role=R.PROVINCE_OFFICER)
    response = client_for(None, officer).get(
        f"/bao-cao/don-vi/{two_districts['province'].pk}/bao-cao.exe"
    )
    assert response.status_code == 404


def test_every_table_of_the_page_exports_weeks_and_targets_too(two_districts, client_for):
    from reporting.models import Target
    from reporting.services import target_ensure

    t = two_districts
    query, day = _period_query()
    fact_make(t["stall_b"], day, orders_placed=12, items_given=30)
    target_ensure(
        unit=t["province"],
        kind=Target.Kind.ITEMS_GIVEN,
        title="Trao 100 món",
        period_start=day - dt.timedelta(days=10),
        period_end=day,
        value=100,
    )
    officer = make_user("tinh@example.vn", unit=t["province"], role=R.PROVINCE_OFFICER)
    client = client_for(None, officer)
    base = f"/bao-cao/don-vi/{t['province'].pk}/bao-cao"
    weeks = list(
        csv.reader(
            io.StringIO(client.get(f"{base}.csv?{query}&bang=tuan").content.decode("utf-8-sig"))
        )
    )
    assert weeks[1] == ["Tuần từ ngày", "Đơn đã đặt", "Món đã trao"]
    assert sum(int(row[2]) for row in weeks[2:]) == 30
    targets = client.get(f"{base}.csv?{query}&bang=muc-tieu").content.decode("utf-8-sig")
    assert "Trao 100 món" in targets
    assert "30%" in targets
    book = load_workbook(io.BytesIO(client.get(f"{base}.xlsx?{query}").content))
    assert book.sheetnames == ["Đơn vị", "Theo tuần", "Mục tiêu"]


def _vietnamese_numbers_case(t):
    """A district with numbers that need grouping and decimals: 1.234 orders, 12,5 hours."""
    query, day = _period_query()
    fact_make(
        t["stall_b"], day, orders_placed=1234, items_given=2500, volunteer_hours=Decimal("12.5")
    )
    fact_make(t["stall_a"], day, orders_placed=40, items_given=60, volunteer_hours=Decimal("3"))
    return query


def test_every_export_writes_numbers_the_vietnamese_way(two_districts, client_for):
    t = two_districts
    query = _vietnamese_numbers_case(t)
    officer = make_user("tinh@example.vn", unit=t["province"], role=R.PROVINCE_OFFICER)
    client = client_for(None, officer)
    base = f"/bao-cao/don-vi/{t['province'].pk}/bao-cao"

    page = client.get(f"/bao-cao/don-vi/{t['province'].pk}/?{query}").content.decode()
    assert "1.274" in page  # the province's orders: 1.234 + 40
    assert "15,5" in page  # volunteer hours: 12,5 + 3

    rows = list(
        csv.reader(io.StringIO(client.get(f"{base}.csv?{query}").content.decode("utf-8-sig")))
    )
    header = rows[1]
    by_unit = {row[0]: dict(zip(header, row, strict=True)) for row in rows[2:]}
    assert by_unit[t["district_b"].name]["Đơn đã đặt"] == "1.234"
    assert by_unit[t["district_b"].name]["Giờ tình nguyện"] == "12,5"
    assert by_unit["Tổng"]["Món đã trao"] == "2.560"
    assert by_unit["Tổng"]["Giờ tình nguyện"] == "15,5"
    for row in rows[2:]:
        for cell in row[1:]:
            assert "." not in cell or cell.replace(".", "").isdigit(), cell  # no 12.5

    book = load_workbook(io.BytesIO(client.get(f"{base}.xlsx?{query}").content))
    sheet = book["Đơn vị"]
    header = [c.value for c in sheet[2]]
    row = next(r for r in sheet.iter_rows(min_row=3) if r[0].value == t["district_b"].name)
    cells = dict(zip(header, row, strict=True))
    assert cells["Đơn đã đặt"].value == 1234
    assert cells["Đơn đã đặt"].number_format == "#,##0"
    assert float(cells["Giờ tình nguyện"].value) == 12.5
    assert cells["Giờ tình nguyện"].number_format == "#,##0.0"
    for sheet in book.worksheets:
        for line in sheet.iter_rows(min_row=3):
            for cell in line:
                if isinstance(cell.value, int | float | Decimal) and not isinstance(
                    cell.value, bool
                ):
                    assert cell.number_format in ("#,##0", "#,##0.0", "#,##0.00"), cell

    text = PdfReader(io.BytesIO(client.get(f"{base}.pdf?{query}").content)).pages[0].extract_text()
    assert "1.274" in text
    assert "15,5" in text
    assert "15.5" not in text
    assert "0.0" not in text
