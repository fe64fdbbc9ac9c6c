"""The county table's columns, grouped as the workbook's sheets: one definition read by the
dashboard page, the workbook and the chat summary, so all three show the same figures."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from db.models import HealthCategory, SessionKind
from domain.county.figures import BranchLine, Figures, by_area

Value = int | Decimal | float | None


@dataclass(frozen=True)
class Column:
    """One figure: its header, how to read it, and whether it is a rate (shown as %)."""

    title: str
    read: Callable[[Figures], Value]
    rate: bool = False


@dataclass(frozen=True)
class Group:
    """One indicator group: a sheet of the workbook, a block of the page's table."""

    title: str
    columns: tuple[Column, ...]


def _category(label: str) -> Column:
    return Column(label, lambda f: f.by_category.get(label, 0))


def _kind(label: str) -> Column:
    return Column(label, lambda f: f.meetings.get(label, 0))


GROUPS = (
    Group("党员", (Column("在册党员", lambda f: f.members),
                   *(_category(c.label) for c in HealthCategory))),
    Group("会议与出勤", (Column("会议次数", lambda f: f.meetings_held),
                        *(_kind(k.label) for k in SessionKind),
                        Column("应到", lambda f: f.expected), Column("实到", lambda f: f.attended),
                        Column("出勤率", lambda f: f.rate, rate=True))),
    Group("志愿服务", (Column("需求", lambda f: f.needs), Column("认领人次", lambda f: f.claims),
                       Column("服务时长", lambda f: f.hours))),
    Group("建言献策", (Column("收到", lambda f: f.suggestions), Column("已答复", lambda f: f.answered),
                       Column("已采纳", lambda f: f.adopted),
                       Column("超30天未答复", lambda f: f.overdue))),
    Group("通知与积分", (Column("通知", lambda f: f.notices), Column("应传达", lambda f: f.recipients),
                        Column("已传达", lambda f: f.reached),
                        Column("触达率", lambda f: f.reach, rate=True),
                        Column("积分发放", lambda f: f.points))),
)


@dataclass(frozen=True)
class Row:
    """A table row: a branch, a 片区 subtotal or the county total."""

    name: str
    area: str
    sector: str
    figures: Figures
    level: str
    """'branch', 'area' (小计) or 'county' (合计)."""
    branch_id: int | None = None


def total_of(parts: Iterable[Figures]) -> Figures:
    """The sum of some lines' figures (the county: of its 片区 subtotals)."""
    result = Figures()
    for part in parts:
        result.add(part)
    return result


def rows(lines: Iterable[BranchLine], *, scope: str | None = None) -> list[Row]:
    """Branches by 片区, each 片区 followed by its 小计, then 全县合计 — or, for the branches of one
    片区/行业 (`scope`, e.g. '城关片区'), 合计（城关片区）: not the county's total."""
    lines = list(lines)
    subtotals = by_area(lines)
    result: list[Row] = []
    for area, figures in subtotals.items():
        result += [Row(x.name, x.area, x.sector, x.figures, "branch", x.branch_id)
                   for x in lines if x.area == area]
        result.append(Row(f"{area} 小计", area, "", figures, "area"))
    label = f"合计（{scope}）" if scope else "全县合计"
    result.append(Row(label, "", "", total_of(subtotals.values()), "county"))
    return result
