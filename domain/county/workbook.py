"""导出 全县: one workbook, a sheet per indicator group, one row per branch, a 小计 per 片区 and the
county total; a title with the period, print-ready (landscape, fit to width, headers repeated)."""

from collections.abc import Sequence
from datetime import datetime

from core import timeutil
from domain.county import xlsx
from domain.county.assessment import Standing
from domain.county.periods import CountyPeriod
from domain.county.table import GROUPS, Group, Row

TITLE_ROWS = 3
"""Row 1 the title, row 2 the period and when it was made, row 3 the headers (repeated on print)."""
FIXED = ("支部", "片区", "行业")
FOOTER = "&C第 &P 页，共 &N 页"
_LEVEL = {"branch": (xlsx.PLAIN, xlsx.PERCENT), "area": (xlsx.AREA, xlsx.AREA_PERCENT),
          "county": (xlsx.TOTAL, xlsx.TOTAL_PERCENT)}


def _sheet(group: Group, rows: list[Row], period: CountyPeriod, made: datetime) -> xlsx.Sheet:
    headers = [*FIXED, *(c.title for c in group.columns)]
    sheet = xlsx.Sheet(group.title, [24, 12, 12] + [10] * len(group.columns), freeze="B4",
                       title_row=TITLE_ROWS, footer=FOOTER, centered=True)
    sheet.append([f"全县离退休干部党支部{group.title}情况"], xlsx.TITLE)
    sheet.append([f"统计时间：{period.label}（{period.first.isoformat()}至{period.last.isoformat()}）"
                  f"　制表：{timeutil.fmt_dt(made)}"])
    sheet.append(headers, xlsx.HEADER)
    styles = {level: [plain] * len(FIXED) + [percent if c.rate else plain for c in group.columns]
              for level, (plain, percent) in _LEVEL.items()}
    for row in rows:
        sheet.append([row.name, row.area if row.level == "branch" else "", row.sector,
                      *(c.read(row.figures) for c in group.columns)], styles[row.level])
    return sheet


def _ranking_sheet(quarter: str, standings: Sequence[Standing]) -> xlsx.Sheet:
    sheet = xlsx.Sheet("支部考评", [8, 24, 12, 10, 10, 10], title_row=3)
    sheet.append([f"全县离退休干部党支部考评排名（{quarter}）"], xlsx.TITLE)
    sheet.append(["加分、扣分和冲正都记在支部评分台账里，只追加，不修改。"])
    sheet.append(["名次", "支部", "片区", "合计", "加分", "减分"], xlsx.HEADER)
    for s in standings:
        sheet.append([s.rank, s.name, s.area, s.total, s.plus, -s.minus])
    return sheet


def build_county_workbook(rows: list[Row], period: CountyPeriod,
                          standings: Sequence[Standing] = (), quarter: str = "") -> bytes:
    """The county workbook for these rows (table.rows: branches, 小计, 合计), and the assessment
    ranking of `quarter` when given."""
    made = timeutil.now()
    sheets = [_sheet(group, rows, period, made) for group in GROUPS]
    if quarter:
        sheets.append(_ranking_sheet(quarter, standings))
    return xlsx.workbook(sheets)


def filename(period: CountyPeriod) -> str:
    """全县报表_2026年11月.xlsx."""
    return f"全县报表_{period.label}.xlsx"
