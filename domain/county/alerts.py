"""What the county office must look at: branches with no meeting this month, no secretary, a
falling attendance rate, or suggestions unanswered for over 30 days."""

from collections.abc import Iterable
from dataclasses import dataclass

from domain.county.figures import BranchLine

FALL = 0.10
"""A rate this many points (10%) below the period before is 'falling'."""


@dataclass(frozen=True)
class Alert:
    """One branch needing attention, and why, in words for the page, chat and workbook."""

    kind: str
    branch: str
    area: str
    text: str


KINDS = ("本月未开会", "没有书记", "出勤率下降", "建议超30天未答复")


def alerts(lines: Iterable[BranchLine]) -> list[Alert]:
    """Every alert, grouped by kind in KINDS order, then by 片区 and branch."""
    found: list[Alert] = []
    for line in lines:
        f = line.figures
        if line.held_this_month == 0:
            found.append(Alert(KINDS[0], line.name, line.area, "本月还没有开过会"))
        if f.no_secretary:
            found.append(Alert(KINDS[1], line.name, line.area, "没有支部书记"))
        rate, before = f.rate, line.previous_rate
        if rate is not None and before is not None and before - rate >= FALL:
            found.append(Alert(KINDS[2], line.name, line.area,
                               f"出勤率{before * 100:.0f}%→{rate * 100:.0f}%"))
        if f.overdue:
            found.append(Alert(KINDS[3], line.name, line.area, f"{f.overdue}条建议超过30天未答复"))
    return sorted(found, key=lambda a: (KINDS.index(a.kind), a.area, a.branch))
