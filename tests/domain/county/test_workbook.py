"""The county workbook as Excel (openpyxl) reads it: values, styles, print setup, and names typed
by people that look like formulas kept as text."""

from decimal import Decimal
from io import BytesIO

from openpyxl import load_workbook

from domain import county
from domain.county import BranchLine, Figures, Standing


def _line(bid: int, name: str, area: str, **figures: object) -> BranchLine:
    return BranchLine(bid, name, area, "机关", Figures(branches=1, **figures))  # type: ignore[arg-type]


def test_values_styles_and_print_setup():
    """Branches, 小计 and 合计 rows with their numbers; rates as 0.0%; frozen header; landscape,
    fit to width, header row repeated; a formula-like 支部 name stays text."""
    lines = [_line(1, "=HYPERLINK(\"x\")", "城关片区", members=5, expected=8, attended=6,
                   hours=Decimal("2.5")),
             _line(2, " 第二支部", "城关片区", members=3, expected=0, attended=0)]
    rows = county.rows(lines)
    book = load_workbook(BytesIO(county.build_county_workbook(
        rows, county.month(2026, 11), [Standing(1, "第二支部", "城关片区", Decimal(4),
                                                Decimal(5), Decimal(1))], "2026Q4")))
    assert book.sheetnames == [*(g.title for g in county.GROUPS), "支部考评"]
    sheet = book["会议与出勤"]
    header = [c.value for c in sheet[3]]
    values = [dict(zip(header, r, strict=True)) for r in sheet.iter_rows(min_row=4, values_only=True)]
    assert [(v["支部"], v["应到"], v["实到"], v["出勤率"]) for v in values] == [
        ('=HYPERLINK("x")', 8, 6, 0.75), (" 第二支部", 0, 0, None), ("城关片区 小计", 8, 6, 0.75),
        ("全县合计", 8, 6, 0.75)]
    assert sheet["A4"].data_type == "s" and sheet["A4"].quotePrefix
    rate = header.index("出勤率") + 1
    assert sheet.cell(4, rate).number_format == "0.0%"
    assert sheet.cell(6, 1).font.b and sheet.cell(6, 1).fill.fgColor.rgb == "FFFFF2CC"
    assert sheet.cell(3, 1).alignment.wrap_text and sheet["A1"].font.sz == 14
    assert sheet.freeze_panes == "B4" and sheet.print_title_rows == "$3:$3"
    assert (sheet.page_setup.orientation, sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight,
            sheet.page_setup.paperSize) == ("landscape", 1, 0, 9)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    volunteer = book["志愿服务"]
    assert [r[5] for r in volunteer.iter_rows(min_row=4, values_only=True)] == [2.5, 0, 2.5, 2.5]
    ranking = list(book["支部考评"].iter_rows(min_row=4, values_only=True))
    assert ranking == [(1, "第二支部", "城关片区", 4, 5, -1)]
