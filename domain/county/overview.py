"""The county overview every reader shares: the lines, the table's rows, the alerts, the 片区."""

from dataclasses import dataclass

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from db.models import Branch
from domain.county.alerts import Alert, alerts
from domain.county.figures import BranchLine, Figures, branch_lines
from domain.county.grouping import NO_AREA, NO_SECTOR
from domain.county.periods import CountyPeriod
from domain.county.table import Row, rows


@dataclass
class CountyOverview:
    """What 全县情况, the county page and 导出 全县 show for a period (and 片区, if chosen)."""

    period: CountyPeriod
    area: str | None
    sector: str | None
    lines: list[BranchLine]
    rows: list[Row]
    alerts: list[Alert]
    areas: list[str]
    """Every 片区 there is (for the filter), whichever is chosen."""
    sectors: list[str]
    """Every 行业 there is."""

    @property
    def total(self) -> Figures:
        """The county (or the chosen 片区) as one line."""
        return self.rows[-1].figures


async def areas(db: AsyncSession) -> list[str]:
    """The 片区 names in use, by name, 未分片区 last when some branch has none."""
    found = (await db.exec(select(Branch.area).distinct())).all()
    names = sorted(a for a in found if a)
    return names + ([NO_AREA] if None in found else [])


async def sectors(db: AsyncSession) -> list[str]:
    """The 行业 names in use, by name, 未分行业 last when some branch has none."""
    found = (await db.exec(select(Branch.sector).distinct())).all()
    names = sorted(a for a in found if a)
    return names + ([NO_SECTOR] if None in found else [])


async def county_overview(db: AsyncSession, *, period: CountyPeriod, area: str | None = None,
                          sector: str | None = None) -> CountyOverview:
    """Every branch's line for the period (of one 片区 / 行业 if given), rows with 小计/合计, alerts."""
    lines = await branch_lines(db, period=period, area=area or None, sector=sector or None)
    scope = "、".join(x for x in (area, sector) if x) or None
    return CountyOverview(period, area or None, sector or None, lines, rows(lines, scope=scope),
                          alerts(lines),
                          await areas(db), await sectors(db))
