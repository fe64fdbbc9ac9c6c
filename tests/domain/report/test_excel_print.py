"""Every ledger prints on A4: landscape when wide, one page wide, the header row on every page."""

from io import BytesIO

import pytest
import time_machine
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from domain.report import ExportKind, Period, build_export, build_workbook
from domain.report.excel import PORTRAIT_MAX_WIDTH
from tests.domain.report.seed import NOW, seed


def _sheet(content: bytes) -> Worksheet:
    ws = load_workbook(BytesIO(content)).active
    assert isinstance(ws, Worksheet)
    return ws


def _prints_on_a4(ws: Worksheet) -> None:
    assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
    assert ws.print_title_rows == "$2:$2"  # the column headers, under the title row
    assert ws.oddFooter.center.text == "第 &P 页，共 &N 页"


@pytest.mark.parametrize(("widths", "orientation"), [
    ([10, 20, 30], "portrait"),
    ([30, 30, PORTRAIT_MAX_WIDTH - 60], "portrait"),
    ([30, 30, PORTRAIT_MAX_WIDTH - 59], "landscape"),
    ([12] * 12, "landscape"),
])
def test_orientation_follows_the_width(widths: list[int], orientation: str) -> None:
    """Portrait while the columns fit across A4 at 100%, landscape beyond; always fit to width."""
    ws = _sheet(build_workbook("支部 台账", [f"列{i}" for i in range(len(widths))], widths,
                               [["x"] * len(widths)] * 80))
    assert ws.page_setup.orientation == orientation
    _prints_on_a4(ws)


@pytest.mark.parametrize("kind", list(ExportKind))
async def test_every_ledger_export_prints_on_a4(session, kind: ExportKind) -> None:
    """导出 签到/积分/志愿/建议: each workbook's sheet has the A4 print settings."""
    with time_machine.travel(NOW, tick=False):
        data = await seed(session)
        export = await build_export(session, branch=data.branch, kind=kind, period=Period(2026, 4))
    _prints_on_a4(_sheet(export.content))
