"""Dashboard figures: a branch's overview, the county table, and the series the charts draw."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from sqlmodel.ext.asyncio.session import AsyncSession

from core import timeutil
from db.models import Branch, MemberStatus
from domain.report.attendance import MeetingRow, attendance_rows, overall_rate
from domain.report.members import branch_members
from domain.report.needs import need_rows, volunteer_hours
from domain.report.periods import Period, current_quarter
from domain.report.points_ledger import PointsRow, points_rows
from domain.report.suggestions import status_counts

BUCKETS = ((None, 0), (0, 10), (10, 20), (20, 30), (30, 50), (50, None))
"""Points distribution bins: (exclusive low, exclusive high]; the first is '≤0'."""


@dataclass
class BranchOverview:
    """What a branch's front page shows."""

    branch: Branch
    quarter: Period
    members: int
    attendance_rate: float | None
    meetings: int
    volunteer_hours: Decimal
    suggestions: dict[str, int]
    leaders: list[PointsRow]
    year_points: list[PointsRow]
    """Every member's total this year (the points distribution chart)."""


async def branch_overview(db: AsyncSession, *, branch: Branch) -> BranchOverview:
    """This quarter's figures and this year's points leaders."""
    quarter = current_quarter()
    bid = branch.id or 0
    members = [m for m in await branch_members(db, branch_id=bid) if m.status == MemberStatus.ACTIVE]
    held = await attendance_rows(db, branch_id=bid, period=quarter)
    needs = await need_rows(db, branch_id=bid, period=quarter, completed_only=True)
    year_points = await points_rows(db, branch_id=bid, period=Period(quarter.year, None))
    return BranchOverview(
        branch, quarter, len(members), overall_rate(held), len(held), volunteer_hours(needs),
        await status_counts(db, branch_id=bid, period=quarter),
        [r for r in year_points if r.total > 0][:5], year_points)


@dataclass
class Series:
    """Labels and values for one bar chart."""

    labels: list[str]
    values: list[float | None]
    """None: nothing to measure that month (no meeting held)."""


def _months(year: int) -> list[int]:
    today = timeutil.to_local(timeutil.now())
    return list(range(1, (today.month if today.year == year else 12) + 1))


async def monthly_attendance(db: AsyncSession, *, branch_id: int, year: int) -> Series:
    """Attendance rate (%) per month of the year, up to this month; None for months without meetings."""
    rows = await attendance_rows(db, branch_id=branch_id, period=Period(year, None))
    by_month: dict[int, list[MeetingRow]] = defaultdict(list)
    for row in rows:
        by_month[row.day.month].append(row)
    months = _months(year)
    return Series([f"{m}月" for m in months], [_percent(overall_rate(by_month[m])) for m in months])


def _percent(rate: float | None) -> float | None:
    return None if rate is None else round(rate * 100, 1)


async def monthly_volunteer_hours(db: AsyncSession, *, branch_id: int, year: int) -> Series:
    """Person-hours of completed volunteer service per month."""
    rows = await need_rows(db, branch_id=branch_id, period=Period(year, None), completed_only=True)
    hours: dict[int, Decimal] = defaultdict(Decimal)
    for row in rows:
        hours[timeutil.to_local(row.need.starts_at).month] += row.person_hours
    months = _months(year)
    return Series([f"{m}月" for m in months], [float(hours[m]) for m in months])


def points_distribution(rows: list[PointsRow]) -> Series:
    """How many members' totals fall in each band."""
    counts = [0] * len(BUCKETS)
    for row in rows:
        for i, (low, high) in enumerate(BUCKETS):
            if (low is None or row.total > low) and (high is None or row.total <= high):
                counts[i] += 1
                break
    labels = [_band(low, high) for low, high in BUCKETS]
    return Series(labels, [float(c) for c in counts])


def _band(low: int | None, high: int | None) -> str:
    if low is None:
        return "0及以下"
    return f"{low}分以上" if high is None else f"{low + 1}–{high}"
