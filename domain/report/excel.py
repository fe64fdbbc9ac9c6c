"""Workbooks shaped like the paper ledgers branches keep: title, bold frozen header, real dates,
and printed on A4 as they are (see `print_on_a4`, which every sheet built here gets)."""

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING, Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

HEADER_ROW = 2
"""Row 1 is the title (branch, ledger, period); the column headers are row 2, data from row 3."""

_THIN = Side(style="thin", color="999999")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="F2DCDB")
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
PORTRAIT_MAX_WIDTH = 90
"""Column widths (Excel's character units) that fit across A4 portrait at 100%; wider sheets are
printed landscape. Either way the sheet is scaled to the page's width, never cut into strips."""
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make Excel read typed text as a formula (OWASP's CSV-injection list)."""


def _format_of(value: Any) -> str | None:
    if isinstance(value, datetime):
        return DATETIME_FORMAT
    if isinstance(value, date):
        return DATE_FORMAT
    if isinstance(value, Decimal):
        return "0.0" if value != value.to_integral_value() else "0"
    return None


def _cell_value(value: Any) -> Any:
    # openpyxl stores Decimal as text-like numbers poorly; give Excel plain numbers.
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _put(ws: Worksheet, row: int, column: int, value: Any) -> Cell:
    """Write one value; a string is always a text cell, never a formula."""
    cell = ws.cell(row=row, column=column, value=_cell_value(value))
    if isinstance(value, str):
        # openpyxl stores '=...' as a formula; Excel re-reads '+', '-', '@' as one once the cell
        # is edited. A string cell with the quote prefix (Excel's leading ') stays text for good.
        cell.data_type = TYPE_STRING
        if value.startswith(FORMULA_START):
            cell.quotePrefix = True
    return cell


def print_on_a4(ws: Worksheet, widths: Sequence[float], *, header_rows: str = f"{HEADER_ROW}:{HEADER_ROW}"
                ) -> None:
    """Print settings every ledger gets: A4, landscape when the columns are wider than portrait,
    fit to one page wide (as many pages long as needed), the header rows repeated on each page,
    centred, with 第 N 页，共 M 页 at the foot. Call it on any sheet made outside `build`."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if sum(widths) > PORTRAIT_MAX_WIDTH else "portrait"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.print_title_rows = header_rows
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"


def build(title: str, headers: Sequence[str], widths: Sequence[int], rows: Sequence[Sequence[Any]],
          *, percent_columns: Sequence[int] = (), wrap_columns: Sequence[int] = ()) -> bytes:
    """One-sheet workbook: merged title row, bold bordered header frozen in place, set widths,
    printed on A4 (print_on_a4)."""
    wb = Workbook()
    ws = wb.active
    ws.title = title.split(" ")[-1][:31] if title else "Sheet1"
    _put(ws, 1, 1, title).font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    ws.row_dimensions[1].height = 26
    for i, (header, width) in enumerate(zip(headers, widths, strict=True), 1):
        cell = _put(ws, HEADER_ROW, i, header)
        cell.font, cell.fill, cell.border = Font(bold=True), _HEADER_FILL, _BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center")
        ws.column_dimensions[get_column_letter(i)].width = width
    for r, values in enumerate(rows, HEADER_ROW + 1):
        for c, value in enumerate(values, 1):
            cell = _put(ws, r, c, value)
            cell.border = _BORDER
            if fmt := _format_of(value):
                cell.number_format = fmt
            if c in percent_columns:
                cell.number_format = "0.0%"
            cell.alignment = Alignment(vertical="top", wrap_text=c in wrap_columns)
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=1)
    print_on_a4(ws, widths)
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
