"""走访慰问台账 (.xlsx) and the dashboard's care page: health data, for the secretary only.

Not one of the `导出` kinds: a chat export may be uploaded to the group as a group file, and
county staff see the other ledgers; this one is served only on the secretary's dashboard page
(the permission table's PAGES row 关爱慰问).
"""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from core import timeutil
from db.models import Branch
from domain import care
from domain.report import excel
from domain.report.periods import Period

HEADERS = ["日期", "姓名", "关爱类别", "方式", "走访情况", "走访人"]
WIDTHS = [12, 10, 16, 10, 50, 10]


@dataclass(frozen=True)
class VisitLine:
    """One visit of the ledger."""

    visited_at: datetime
    name: str
    tags: str
    way: str
    note: str
    visitor: str


async def visit_lines(db: AsyncSession, *, branch_id: int, period: Period) -> list[VisitLine]:
    """The branch's visits in the period, oldest first, with the member's current care tags."""
    start, end = period.bounds
    visits = await care.branch_visits(db, branch_id=branch_id, start=start, end=end)
    tags = await care.tags_of(db, list({v.member_id for v, _ in visits}))
    return [VisitLine(v.visited_at, name, "、".join(tags.get(v.member_id, [])), v.way, v.note,
                      v.visitor_name) for v, name in visits]


async def care_ledger(db: AsyncSession, *, branch: Branch, period: Period) -> tuple[str, bytes]:
    """(file name, .xlsx bytes) of the 走访慰问台账 for a period."""
    lines = await visit_lines(db, branch_id=branch.id or 0, period=period)
    rows = [[timeutil.local_date(line.visited_at), line.name, line.tags, line.way, line.note,
             line.visitor] for line in lines]
    if rows:
        rows.append(["合计", f"{len(rows)}次", f"{len({line.name for line in lines})}人", "", "", ""])
    title = f"{branch.name} {period.label} 走访慰问台账"
    content = excel.build(title, HEADERS, WIDTHS, rows, wrap_columns=(3, 5))
    return f"走访慰问台账_{period.key}.xlsx", content
