"""Downloads of a dashboard: CSV (UTF-8 with BOM, for Excel), XLSX, and a one-page PDF.

They carry exactly what the page shows, suppression included: a district or province
officer's file has "<5" wherever the page does, and never a name, phone or address.
"""

from __future__ import annotations

import csv
import io

from django.http import HttpResponse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from core.numbers import number_text
from core.pdf import fonts_register
from reporting.dashboards import Dashboard
from reporting.numbers import xlsx_format


def table_rows(board: Dashboard) -> tuple[list[str], list[list]]:
    """Header and rows of the dashboard's table (units below; or the unit itself)."""
    header = [
        _("Đơn vị"),
        *[str(label) for _key, label in board.metrics],
        _("Tỉ lệ gian hàng hoạt động (%)"),
        _("Đơn đã giao mỗi gian hàng"),
    ]
    rows = [
        [row.label, *row.cells, row.active_share, _ratio(row.delivered_per_stall)]
        for row in board.rows
    ]
    rows.append(
        [_("Tổng") if board.rows else board.unit.name, *board.total_cells, board.active_share, None]
    )
    return header, rows


def _ratio(value: float | None) -> float | None:
    """Orders per stall: the one figure with two decimals (a float; counts are ints and
    hours Decimals)."""
    return None if value is None else round(float(value), 2)


def week_rows(board: Dashboard) -> tuple[list[str], list[list]]:
    if board.bucket == "month":
        header = [_("Tháng"), _("Đơn đã đặt"), _("Món đã trao")]
        return header, [[f"{month:%m/%Y}", a, b] for month, a, b in board.weeks]
    header = [_("Tuần từ ngày"), _("Đơn đã đặt"), _("Món đã trao")]
    return header, [[f"{week:%d/%m/%Y}", a, b] for week, a, b in board.weeks]


def target_rows(board: Dashboard) -> tuple[list[str], list[list]]:
    header = [
        _("Mục tiêu"),
        _("Loại"),
        _("Từ ngày"),
        _("Đến ngày"),
        _("Chỉ tiêu (N)"),
        _("Đơn vị"),
        _("Kết quả"),
        _("Đạt"),
    ]
    rows = []
    for p in board.targets:
        t = p.target
        common = [
            t.title,
            str(t.get_kind_display()),
            f"{t.period_start:%d/%m/%Y}",
            f"{t.period_end:%d/%m/%Y}",
            t.value,
        ]
        rows.append(
            [*common, _("Tất cả"), p.actual, f"{p.percent}%" if p.percent is not None else ""]
        )
        for name, value, ok in p.per_unit:
            rows.append(
                [*common, name, value, (_("Đạt") if ok else _("Chưa đạt")) if p.per_child else ""]
            )
    return header, rows


TABLES = {"don-vi": table_rows, "tuan": week_rows, "muc-tieu": target_rows}


def _filename(board: Dashboard, ext: str, table: str = "don-vi") -> str:
    name = slugify(board.unit.code.replace("/", "-")) or "don-vi"
    suffix = "" if table == "don-vi" else f"-{table}"
    return f"bao-cao-{name}{suffix}-{board.period.start:%Y%m%d}-{board.period.end:%Y%m%d}.{ext}"


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _cell(value):
    """A CSV cell: numbers as the page writes them (1.234; 12,5), text made formula-safe.

    Formatted, not plain: this file is a report for officers to read in a spreadsheet, with
    "<5" and "*" cells that no program could sum anyway; the XLSX carries real numbers.
    """
    if isinstance(value, str):
        # A cell starting with = + - @ would be a formula in a spreadsheet: neutralise it.
        return f"'{value}" if value[:1] in "=+-@" else value
    return number_text(value, 2 if isinstance(value, float) else 1)


def csv_response(board: Dashboard, table: str = "don-vi") -> HttpResponse:
    header, rows = TABLES.get(table, table_rows)(board)
    buffer = io.StringIO()
    buffer.write("\ufeff")  # Excel opens UTF-8 correctly only with a BOM
    writer = csv.writer(buffer)
    writer.writerow(
        [_("Kỳ báo cáo"), f"{board.period.start:%d/%m/%Y}", f"{board.period.end:%d/%m/%Y}"]
    )
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(c) for c in row])
    response = HttpResponse(
        buffer.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8"
    )
    return _attachment(response, _filename(board, "csv", table if table in TABLES else "don-vi"))


def xlsx_response(board: Dashboard) -> HttpResponse:
    """One workbook, one sheet per table of the page: units, weeks, targets."""
    book = Workbook()
    book.remove(book.active)
    for title, build in (
        (_("Đơn vị"), table_rows),
        (_("Theo tuần"), week_rows),
        (_("Mục tiêu"), target_rows),
    ):
        header, rows = build(board)
        sheet = book.create_sheet(title[:31])
        sheet.append(
            [f"{board.unit.name} – {board.period.start:%d/%m/%Y}–{board.period.end:%d/%m/%Y}"]
        )
        sheet["A1"].font = Font(bold=True)
        sheet.append(header)
        for cell in sheet[2]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for row in rows:
            sheet.append(row)
            for cell in sheet[sheet.max_row]:
                fmt = xlsx_format(cell.value)
                if fmt is not None:
                    cell.number_format = "#,##0.00" if isinstance(cell.value, float) else fmt
        sheet.column_dimensions["A"].width = 36
        sheet.freeze_panes = "B3"
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(
        out.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    return _attachment(response, _filename(board, "xlsx"))


def pdf_bytes(board: Dashboard) -> bytes:
    """One A4 page: totals against the previous period, the top units, and targets."""
    font, bold = fonts_register()
    title = ParagraphStyle("t", fontName=bold, fontSize=15, leading=19)
    body = ParagraphStyle("b", fontName=font, fontSize=9, leading=12)
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=14 * mm,
        bottomMargin=12 * mm,
        title=f"{_('Báo cáo')} {board.unit.name}",
    )
    story = [
        Paragraph(f"{_('Báo cáo Gian hàng 0 đồng')} – {board.unit.name}", title),
        Paragraph(
            _("Kỳ báo cáo %(start)s–%(end)s, so với %(pstart)s–%(pend)s.")
            % {
                "start": f"{board.period.start:%d/%m/%Y}",
                "end": f"{board.period.end:%d/%m/%Y}",
                "pstart": f"{board.previous_period.start:%d/%m/%Y}",
                "pend": f"{board.previous_period.end:%d/%m/%Y}",
            },
            body,
        ),
        Spacer(1, 4 * mm),
    ]
    detail = [[_("Chỉ số"), _("Kỳ này"), _("Kỳ trước")]]
    detail += [[str(label), _fmt(now), _fmt(before)] for label, now, before in board.detail]
    story.append(_table(detail, [80 * mm, 30 * mm, 30 * mm], font, bold))
    if board.top:
        ranks = [(_("Năm đơn vị giao nhiều đơn nhất mỗi gian hàng"), board.top)]
        if board.bottom:
            ranks.append((_("Năm đơn vị giao ít đơn nhất mỗi gian hàng"), board.bottom))
        for heading, ranked in ranks:
            story += [Spacer(1, 4 * mm), Paragraph(heading, body)]
            units = [[_("Đơn vị"), _("Số gian hàng"), _("Hoạt động"), _("Đơn đã giao / gian hàng")]]
            units += [
                [
                    row.label[:60],
                    _fmt(row.values["stalls"]),
                    f"{row.active_share}%" if row.active_share is not None else "",
                    number_text(_ratio(row.delivered_per_stall), 2),
                ]
                for row in ranked
            ]
            story.append(_table(units, [85 * mm, 25 * mm, 25 * mm, 35 * mm], font, bold))
    if board.targets:
        story += [Spacer(1, 4 * mm), Paragraph(_("Mục tiêu"), body)]
        rows = [[_("Mục tiêu"), "N", _("Đạt")]]
        rows += [
            [
                Paragraph(p.target.title, body),
                _fmt(p.target.value),
                _fmt(p.actual) + (f" ({p.percent}%)" if p.percent is not None else ""),
            ]
            for p in board.targets[:6]
        ]
        story.append(_table(rows, [110 * mm, 20 * mm, 40 * mm], font, bold))
    if not board.exact:
        story += [
            Spacer(1, 3 * mm),
            Paragraph(
                _(
                    "Số từ 1 đến 4 được ghi “<5”; ô ghi “*” được ẩn thêm để không ai "
                    "tính ngược ra số nhỏ từ tổng. Báo cáo chỉ có số lượng."
                ),
                body,
            ),
        ]
    doc.build(story)
    return out.getvalue()


def _fmt(value) -> str:
    return number_text(value)


def _table(data, widths, font, bold) -> Table:
    table = Table(data, colWidths=widths, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), font, 9),
                ("FONT", (0, 0), (-1, 0), bold, 9),
                ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.black),
                ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.lightgrey),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
            ]
        )
    )
    return table


def pdf_response(board: Dashboard) -> HttpResponse:
    response = HttpResponse(pdf_bytes(board), content_type="application/pdf")
    return _attachment(response, _filename(board, "pdf"))
