"""Printable route sheets (A4 PDF) for Saturday runs, in a font with Vietnamese glyphs."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from catalog.phones import phone_display
from core.pdf import FONT, FONT_BOLD, fonts_register


def styles() -> dict[str, ParagraphStyle]:
    fonts_register()
    return {
        "title": ParagraphStyle("title", fontName=FONT_BOLD, fontSize=14, leading=17),
        "body": ParagraphStyle("body", fontName=FONT, fontSize=9, leading=11),
        "small": ParagraphStyle("small", fontName=FONT, fontSize=8, leading=10),
        "big": ParagraphStyle("big", fontName=FONT_BOLD, fontSize=11, leading=14),
    }


def p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)


def qr_drawing(value: str, size: float) -> Drawing:
    widget = QrCodeWidget(value, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    return drawing


def order_address(order) -> str:
    parts = [order.address_line]
    if order.commune_id:
        parts.append(order.commune.name)
        if order.commune.parent_id:
            parts.append(order.commune.parent.name)
    text = ", ".join(x for x in parts if x)
    if order.legacy_address:
        old_address = _("địa chỉ cũ")  # outside the f-string, where makemessages finds it
        text += f" ({old_address}: {order.legacy_address})"
    return text


def order_items(order) -> str:
    return "; ".join(f"{line.item.title} × {line.quantity}" for line in order.lines.all())


def route_sheet_pdf(*, route, stops, stall_name: str, stop_link) -> bytes:
    """One A4 sheet per route: the pair, then every stop in order with a QR code to mark it.

    ``stop_link(stop)`` gives the absolute URL a stop's QR code opens.
    """
    st = styles()
    buffer = io.BytesIO()
    run = route.run
    route_word, code_word = _("tuyến"), _("Mã đơn")
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=f"{stall_name} – {run} – {route_word} {route.number}",
        author=stall_name,
    )
    pair = ", ".join(f"{v.name} ({v.chi_doan}) {phone_display(v.phone)}" for v in route.volunteers)
    story = [
        p(stall_name, st["big"]),
        p(
            _("Phiếu giao hàng – %(run)s – tuyến %(n)d") % {"run": run, "n": route.number},
            st["title"],
        ),
        p(_("Đoàn viên: %(pair)s") % {"pair": pair or "—"}, st["body"]),
        p(_("Quét mã QR ở mỗi điểm để đánh dấu đã giao hoặc không giao được."), st["small"]),
        Spacer(1, 4 * mm),
    ]
    header = [
        p(h, st["small"])
        for h in ("#", _("Người nhận"), _("Điện thoại"), _("Địa chỉ"), _("Món hàng"), _("Đánh dấu"))
    ]
    rows = [header]
    for stop in stops:
        order = stop.order
        rows.append(
            [
                p(str(stop.position), st["body"]),
                p(f"{order.recipient_name}\n{code_word}: {order.code}", st["body"]),
                p(phone_display(order.phone), st["body"]),
                p(order_address(order), st["body"]),
                p(order_items(order), st["body"]),
                qr_drawing(stop_link(stop), 22 * mm),
            ]
        )
    table = Table(
        rows, colWidths=[8 * mm, 38 * mm, 26 * mm, 50 * mm, 38 * mm, 26 * mm], repeatRows=1
    )
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
            ]
        )
    )
    story.append(table)
    doc.build(story)
    return buffer.getvalue()
