"""Postal batch documents: the manifest (PDF and CSV) and A6 shipping labels."""

from __future__ import annotations

import csv
import io

from django.utils.translation import gettext as _
from reportlab.graphics.barcode import code128
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, A6, landscape
from reportlab.lib.units import mm
from reportlab.platypus import (
    KeepTogether,
    PageBreak,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from catalog.phones import phone_display
from core.numbers import number_text
from logistics.sheets import order_address, p, qr_drawing, styles

# A barcode's bars and its code under them fill the first cell of a manifest row, no more.
MANIFEST_BAR_HEIGHT = 8 * mm
MANIFEST_CODE_WIDTH = 48 * mm


def _header_labels() -> list[str]:
    """Column names of the manifest, the same on the PDF and in the CSV."""
    return [
        _("Mã đơn"),
        _("Người nhận"),
        _("Điện thoại"),
        _("Địa chỉ"),
        _("Số kiện"),
        _("Khối lượng (g)"),
        _("Cước (đ)"),
    ]


def _barcode_cell(code: str, st) -> Table:
    """The order code as Code 128 bars with the code printed under them, sized to the cell.

    The barcode's own human-readable line is drawn below its box, outside what the table
    measures, so it would land in the next row: the code is a paragraph of its own instead.
    """
    barcode = code128.Code128(code, barHeight=MANIFEST_BAR_HEIGHT, barWidth=0.9, quiet=False)
    if barcode.width > MANIFEST_CODE_WIDTH - 4 * mm:  # a long code: narrower bars
        barcode = code128.Code128(
            code,
            barHeight=MANIFEST_BAR_HEIGHT,
            barWidth=0.9 * (MANIFEST_CODE_WIDTH - 4 * mm) / barcode.width,
            quiet=False,
        )
    cell = Table([[barcode], [p(code, st["body"])]], colWidths=[MANIFEST_CODE_WIDTH - 4 * mm])
    cell.setStyle(
        TableStyle(
            [
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, 0), 1),
                ("BOTTOMPADDING", (0, 1), (-1, 1), 0),
            ]
        )
    )
    return cell


def manifest_pdf(*, batch, parcels, stall_name: str, sender_address: str) -> bytes:
    st = styles()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        leftMargin=10 * mm,
        rightMargin=10 * mm,
        topMargin=10 * mm,
        bottomMargin=10 * mm,
        title=f"{stall_name} – {batch}",
        author=stall_name,
    )
    story = [
        p(_("Bảng kê gửi bưu điện – %(b)s") % {"b": batch}, st["title"]),
        p(_("Người gửi: %(s)s, %(a)s") % {"s": stall_name, "a": sender_address}, st["body"]),
        p(_("Nơi nhận lô: %(o)s") % {"o": batch.post_office or "—"}, st["body"]),
        Spacer(1, 4 * mm),
    ]
    rows = [[p(h, st["small"]) for h in _header_labels()]]
    weight = postage = count = 0
    for parcel in parcels:
        order = parcel.order
        rows.append(
            [
                _barcode_cell(order.code, st),
                p(order.recipient_name, st["body"]),
                p(phone_display(order.phone), st["body"]),
                p(order_address(order), st["body"]),
                p(number_text(parcel.parcels), st["body"]),
                p(number_text(parcel.weight_grams), st["body"]),
                p(number_text(parcel.postage), st["body"]),
            ]
        )
        weight += parcel.weight_grams
        postage += parcel.postage
        count += parcel.parcels
    rows.append(
        [
            p(_("Tổng"), st["big"]),
            "",
            "",
            "",
            p(number_text(count), st["big"]),
            p(number_text(weight), st["big"]),
            p(number_text(postage), st["big"]),
        ]
    )
    table = Table(
        rows,
        colWidths=[MANIFEST_CODE_WIDTH, 45 * mm, 28 * mm, 92 * mm, 16 * mm, 22 * mm, 24 * mm],
        repeatRows=1,
    )
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
            ]
        )
    )
    story.append(table)
    doc.build(story)
    return buffer.getvalue()


def _csv_cell(value):
    """A cell starting with = + - @ (or a tab, a return) would run as a formula in a
    spreadsheet: an apostrophe keeps it text. Phones, written 0xxx xxx xxx, never need it."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def manifest_csv(*, parcels) -> bytes:
    """UTF-8 with a BOM, so Excel on the post office's computer shows Vietnamese correctly.

    The columns are the PDF's, in Vietnamese, plus the tracking number. Numbers stay plain
    (1500, not 1.500): the post office's program or spreadsheet reads them as numbers, and
    "1.500" would be one and a half on a computer set to English.
    """
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([*_header_labels(), _("Mã vận đơn")])
    for parcel in parcels:
        order = parcel.order
        row = [
            order.code,
            order.recipient_name,
            phone_display(order.phone),
            order_address(order),
            parcel.parcels,
            parcel.weight_grams,
            parcel.postage,
            parcel.tracking_number,
        ]
        writer.writerow([_csv_cell(c) for c in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def labels_pdf(*, parcels, stall_name: str, sender_address: str, sender_phone: str = "") -> bytes:
    """One A6 label per parcel: sender, recipient, Code 128 and QR code of the order code."""
    st = styles()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A6,
        leftMargin=6 * mm,
        rightMargin=6 * mm,
        topMargin=6 * mm,
        bottomMargin=6 * mm,
        title=f"{stall_name} – {_('nhãn gửi hàng')}",
        author=stall_name,
    )
    story: list = []
    for i, parcel in enumerate(parcels):
        order = parcel.order
        if i:
            story.append(PageBreak())
        sender = "\n".join(x for x in (stall_name, sender_address, sender_phone) if x)
        recipient = f"{order.recipient_name}\n{phone_display(order.phone)}\n{order_address(order)}"
        barcode = code128.Code128(
            order.code,
            barHeight=14 * mm,
            barWidth=1.1,
            humanReadable=True,
            fontName="Roboto",
            fontSize=9,
        )
        codes = Table([[barcode, qr_drawing(order.code, 22 * mm)]], colWidths=[64 * mm, 26 * mm])
        codes.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
        story.append(
            KeepTogether(
                [
                    p(_("NGƯỜI GỬI"), st["small"]),
                    p(sender, st["body"]),
                    Spacer(1, 3 * mm),
                    p(_("NGƯỜI NHẬN"), st["small"]),
                    p(recipient, st["big"]),
                    Spacer(1, 3 * mm),
                    codes,
                    p(
                        _("%(n)s kiện · %(w)s g · hàng tặng miễn phí")
                        % {"n": number_text(parcel.parcels), "w": number_text(parcel.weight_grams)},
                        st["small"],
                    ),
                ]
            )
        )
    if not story:
        story.append(p(_("Lô này chưa có bưu kiện."), st["body"]))
    doc.build(story)
    return buffer.getvalue()
