"""A4 posters for notice boards: one stall with a QR code to its address, or a district's stalls.

QR codes come from segno (pure Python, no dependencies, kept up to date, ISO 18004
complete): its module matrix is drawn straight onto the PDF page as vector squares, so it
prints sharp at any size.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

import segno
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from core.pdf import fonts_register
from tenants.models import Stall
from tenants.selectors import stall_primary_domain

RED = (0.776, 0.157, 0.157)


@dataclass(frozen=True)
class PosterStall:
    name: str
    address: str
    commune: str


def stall_address(stall: Stall, *, scheme: str = "https", port: str = "") -> str:
    """The stall's storefront address as people type it (its primary domain)."""
    domain = stall_primary_domain(stall=stall) or f"{stall.slug}"
    suffix = f":{port}" if port and port not in ("80", "443") else ""
    return f"{scheme}://{domain}{suffix}/"


def poster_stall_of(stall: Stall, *, scheme: str = "https", port: str = "") -> PosterStall:
    commune = str(stall.commune) if stall.commune_id else ""
    return PosterStall(
        name=stall.name, address=stall_address(stall, scheme=scheme, port=port), commune=commune
    )


def _qr(canvas: Canvas, data: str, *, x: float, y: float, size: float) -> None:
    """Draw ``data`` as a QR code whose quiet zone included is ``size`` wide, bottom-left at x, y."""
    code = segno.make_qr(data, error="m")
    matrix = [list(row) for row in code.matrix]
    quiet = 4
    count = len(matrix) + 2 * quiet
    cell = size / count
    canvas.setFillColorRGB(1, 1, 1)
    canvas.rect(x, y, size, size, stroke=0, fill=1)
    canvas.setFillColorRGB(0, 0, 0)
    for r, row in enumerate(matrix):
        for c, dark in enumerate(row):
            if dark:
                canvas.rect(
                    x + (c + quiet) * cell,
                    y + size - (r + quiet + 1) * cell,
                    cell,
                    cell,
                    stroke=0,
                    fill=1,
                )


def _wrap(canvas: Canvas, text: str, font: str, size: float, width: float) -> list[str]:
    words, lines, line = text.split(), [], ""
    for word in words:
        trial = f"{line} {word}".strip()
        if canvas.stringWidth(trial, font, size) <= width or not line:
            line = trial
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    return lines


def stall_poster_pdf(stall: PosterStall) -> bytes:
    """One A4 page: the stall's name, what it is, how to order, and a QR code to its address."""
    regular, bold = fonts_register()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    canvas.setTitle(stall.name)
    width, height = A4
    margin = 18 * mm
    text_width = width - 2 * margin
    canvas.setFillColorRGB(*RED)
    canvas.rect(0, height - 40 * mm, width, 40 * mm, stroke=0, fill=1)
    canvas.setFillColorRGB(1, 1, 1)
    canvas.setFont(bold, 30)
    canvas.drawCentredString(width / 2, height - 24 * mm, _("Gian hàng 0 đồng"))
    canvas.setFont(regular, 14)
    canvas.drawCentredString(
        width / 2, height - 33 * mm, _("Quần áo, sách vở, giày dép được tặng miễn phí")
    )
    canvas.setFillColorRGB(0, 0, 0)
    y = height - 58 * mm
    for line in _wrap(canvas, stall.name, bold, 26, text_width):
        canvas.setFont(bold, 26)
        canvas.drawCentredString(width / 2, y, line)
        y -= 11 * mm
    if stall.commune:
        canvas.setFont(regular, 13)
        canvas.drawCentredString(width / 2, y, stall.commune)
        y -= 9 * mm
    about = _(
        "Đoàn Thanh niên nhà trường nhận quần áo, sách vở, mũ nón, giày dép còn dùng tốt và "
        "tặng lại cho người cần, không mất tiền. Chọn món trên điện thoại, để lại tên, số điện "
        "thoại và địa chỉ: đoàn viên giao tận nơi vào thứ Bảy, ở xa thì gửi qua bưu điện."
    )
    canvas.setFont(regular, 14)
    for line in _wrap(canvas, about, regular, 14, text_width):
        canvas.drawCentredString(width / 2, y, line)
        y -= 7 * mm
    size = 95 * mm
    qr_y = 52 * mm
    _qr(canvas, stall.address, x=(width - size) / 2, y=qr_y, size=size)
    canvas.setFont(bold, 15)
    canvas.drawCentredString(width / 2, qr_y - 8 * mm, _("Quét mã để vào gian hàng"))
    canvas.setFont(regular, 15)
    canvas.drawCentredString(width / 2, qr_y - 16 * mm, stall.address)
    canvas.setFont(regular, 10)
    canvas.drawCentredString(
        width / 2,
        16 * mm,
        _("Muốn tặng đồ? Hãy mang đến Đoàn trường hoặc liên hệ cán bộ Đoàn."),
    )
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def district_poster_pdf(*, title: str, stalls: Sequence[PosterStall]) -> bytes:
    """A4 pages listing a district's stalls, each with its address and a small QR code."""
    regular, bold = fonts_register()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    canvas.setTitle(title)
    width, height = A4
    margin = 16 * mm
    row_height = 34 * mm

    def header() -> float:
        canvas.setFillColorRGB(*RED)
        canvas.rect(0, height - 30 * mm, width, 30 * mm, stroke=0, fill=1)
        canvas.setFillColorRGB(1, 1, 1)
        canvas.setFont(bold, 22)
        canvas.drawCentredString(width / 2, height - 16 * mm, _("Gian hàng 0 đồng"))
        canvas.setFont(regular, 13)
        canvas.drawCentredString(width / 2, height - 24 * mm, title)
        canvas.setFillColorRGB(0, 0, 0)
        return height - 40 * mm

    y = header()
    if not stalls:
        canvas.setFont(regular, 14)
        canvas.drawString(margin, y - 10 * mm, _("Chưa có gian hàng nào đang mở."))
    for stall in stalls:
        if y - row_height < 14 * mm:
            canvas.showPage()
            y = header()
        qr = 30 * mm
        _qr(canvas, stall.address, x=width - margin - qr, y=y - qr, size=qr)
        canvas.setFont(bold, 14)
        text_width = width - 2 * margin - qr - 6 * mm
        line_y = y - 7 * mm
        for line in _wrap(canvas, stall.name, bold, 14, text_width)[:2]:
            canvas.drawString(margin, line_y, line)
            line_y -= 6 * mm
        canvas.setFont(regular, 11)
        if stall.commune:
            canvas.drawString(margin, line_y, stall.commune[:90])
            line_y -= 5.5 * mm
        canvas.drawString(margin, line_y, stall.address)
        canvas.setStrokeColorRGB(0.85, 0.85, 0.85)
        canvas.line(margin, y - row_height + 2 * mm, width - margin, y - row_height + 2 * mm)
        y -= row_height
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
