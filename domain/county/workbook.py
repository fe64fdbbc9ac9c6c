"""导出 全县: one workbook, a sheet per indicator group, one row per branch, a 小计 per 片区 and the
county total; a title with the period, print-ready (landscape, fit to width, headers repeated)."""

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

from core import timeutil
from domain.county.assessment import Standing
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


def _cell(ws: WriteOnlyWorksheet, value: Any, style: str | None = None, fmt: str | None = None
          ) -> WriteOnlyCell:
    if isinstance(value, Decimal):
        value = int(value) if value == value.to_integral_value() else float(value)
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str):
        cell.data_type = TYPE_STRING
        cell.quotePrefix = value.startswith(_FORMULA_START)
    if style is not None:
        cell.style = style
    if fmt is not None:
        cell.number_format = fmt
    return cell


def _formula_like(value: Any) -> bool:
    """Text Excel could read as a formula: it gets a text cell with the quote prefix."""
    return isinstance(value, str) and value.startswith(_FORMULA_START)


def _number(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _styles(wb: Workbook) -> None:
    """Named styles, registered once: a styled cell then costs a name, not five objects."""
    for name, fill, bold in (("county_header", _HEADER, True), ("county_area", _SUBTOTAL, True),
                             ("county_total", _TOTAL, True)):
        style = NamedStyle(name=name, font=Font(bold=bold), border=_BORDER)
        if fill is not None:
            style.fill = fill
        if name == "county_header":
            style.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        wb.add_named_style(style)


def _sheet(ws: WriteOnlyWorksheet, group: Group, rows: list[Row], period: CountyPeriod,
           made: datetime) -> None:
    headers = [*FIXED, *(c.title for c in group.columns)]
    for i in range(1, len(headers) + 1):
        ws.column_dimensions[get_column_letter(i)].width = (24, 12, 12)[i - 1] if i <= 3 else 10
    ws.freeze_panes = f"B{TITLE_ROWS + 1}"
    ws.print_title_rows = f"{TITLE_ROWS}:{TITLE_ROWS}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    title = _cell(ws, f"全县离退休干部党支部{group.title}情况")
    title.font = Font(bold=True, size=14)
    ws.append([title])
    ws.append([_cell(ws, f"统计时间：{period.label}（{period.first.isoformat()}至"
                         f"{period.last.isoformat()}）　制表：{timeutil.fmt_dt(made)}")])
    ws.append([_cell(ws, h, "county_header") for h in headers])
    formats = [None] * len(FIXED) + ["0.0%" if c.rate else None for c in group.columns]
    for row in rows:
        values = [row.name, row.area if row.level == "branch" else "", row.sector,
                  *(c.read(row.figures) for c in group.columns)]
        style = {"area": "county_area", "county": "county_total"}.get(row.level)
        if style is not None:
            ws.append([_cell(ws, v, style, formats[i]) for i, v in enumerate(values)])
        else:  # a branch line: plain numbers (fast); text and rates as cells of their own
            ws.append([_cell(ws, v, None, formats[i]) if formats[i] or _formula_like(v) else
                       _number(v) for i, v in enumerate(values)])


def _ranking_sheet(ws: WriteOnlyWorksheet, quarter: str, standings: Sequence[Standing]) -> None:
    ws.column_dimensions["B"].width = 24
    ws.print_title_rows = "3:3"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    title = _cell(ws, f"全县离退休干部党支部考评排名（{quarter}）")
    title.font = Font(bold=True, size=14)
    ws.append([title])
    ws.append([_cell(ws, "加分、扣分和冲正都记在支部评分台账里，只追加，不修改。")])
    ws.append([_cell(ws, h, "county_header") for h in ("名次", "支部", "片区", "合计", "加分", "减分")])
    for s in standings:
        ws.append([s.rank, _cell(ws, s.name) if _formula_like(s.name) else s.name,
                   _cell(ws, s.area) if _formula_like(s.area) else s.area,
                   _number(s.total), _number(s.plus), _number(-s.minus)])


def build_county_workbook(rows: list[Row], period: CountyPeriod,
                          standings: Sequence[Standing] = (), quarter: str = "") -> bytes:
    """The county workbook for these rows (table.rows: branches, 小计, 合计), and the assessment
    ranking of `quarter` when given; write-only, so 1,000 branches take a fraction of a second."""
    wb = Workbook(write_only=True)
    _styles(wb)
    made = timeutil.now()
    for group in GROUPS:
        _sheet(wb.create_sheet(group.title), group, rows, period, made)
    if quarter:
        _ranking_sheet(wb.create_sheet("支部考评"), quarter, standings)
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def filename(period: CountyPeriod) -> str:
    """全县报表_2026年11月.xlsx."""
    return f"全县报表_{period.label}.xlsx"
