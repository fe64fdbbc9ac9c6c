"""导出 全县: one workbook, a sheet per indicator group, one row per branch, a 小计 per 片区 and the
county total; a title with the period, print-ready (landscape, fit to width, headers repeated)."""

from datetime import datetime
from decimal import Decimal
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from core import timeutil
from domain.county.periods import CountyPeriod
from domain.county.table import GROUPS, Group, Row

TITLE_ROWS = 3
"""Row 1 the title, row 2 the period and when it was made, row 3 the headers (repeated on print)."""
FIXED = ("支部", "片区", "行业")
_THIN = Side(style="thin", color="999999")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER = PatternFill("solid", fgColor="F2DCDB")
_SUBTOTAL = PatternFill("solid", fgColor="FFF2CC")
_TOTAL = PatternFill("solid", fgColor="FCE4D6")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""Branch and 片区 names are typed by people: never let Excel read one as a formula."""


def _put(ws: Worksheet, row: int, column: int, value: Any) -> Any:
    if isinstance(value, Decimal):
        value = int(value) if value == value.to_integral_value() else float(value)
    cell = ws.cell(row=row, column=column, value=value)
    if isinstance(value, str):
        cell.data_type = TYPE_STRING
        cell.quotePrefix = value.startswith(_FORMULA_START)
    return cell


def _sheet(ws: Worksheet, group: Group, rows: list[Row], period: CountyPeriod, made: datetime) -> None:
    headers = [*FIXED, *(c.title for c in group.columns)]
    _put(ws, 1, 1, f"全县离退休干部党支部{group.title}情况").font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    _put(ws, 2, 1, f"统计时间：{period.label}（{period.first.isoformat()}至{period.last.isoformat()}）"
                   f"　制表：{timeutil.fmt_dt(made)}")
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(headers))
    for i, header in enumerate(headers, 1):
        cell = _put(ws, TITLE_ROWS, i, header)
        cell.font, cell.fill, cell.border = Font(bold=True), _HEADER, _BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(i)].width = (24, 12, 12)[i - 1] if i <= 3 else 10
    for r, row in enumerate(rows, TITLE_ROWS + 1):
        values = [row.name, row.area if row.level == "branch" else "", row.sector,
                  *(c.read(row.figures) for c in group.columns)]
        fill = {"area": _SUBTOTAL, "county": _TOTAL}.get(row.level)
        for c, value in enumerate(values, 1):
            cell = _put(ws, r, c, value)
            cell.border = _BORDER
            if fill is not None:
                cell.fill, cell.font = fill, Font(bold=True)
            if c > len(FIXED) and group.columns[c - len(FIXED) - 1].rate:
                cell.number_format = "0.0%"
            elif isinstance(value, float):
                cell.number_format = "0.0"
    ws.freeze_panes = ws.cell(row=TITLE_ROWS + 1, column=2)
    ws.print_title_rows = f"{TITLE_ROWS}:{TITLE_ROWS}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"


def build_county_workbook(rows: list[Row], period: CountyPeriod) -> bytes:
    """The county workbook for these rows (table.rows: branches, 小计, 合计)."""
    wb = Workbook()
    made = timeutil.now()
    for i, group in enumerate(GROUPS):
        ws = wb.active if i == 0 else wb.create_sheet()
        assert ws is not None
        ws.title = group.title
        _sheet(ws, group, rows, period, made)
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def filename(period: CountyPeriod) -> str:
    """全县报表_2026年11月.xlsx."""
    return f"全县报表_{period.label}.xlsx"
