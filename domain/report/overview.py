"""Dashboard figures: a branch's overview, the county table, and the series the charts draw."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core import timeutil
from db.models import Branch, Member, MemberStatus
from plugins.report import service, suggestions
from plugins.report.periods import Period, current_quarter

BUCKETS = ((None, 0), (0, 10), (10, 20), (20, 30), (30, 50), (50, None))
"""Points distribution bins: (exclusive low, exclusive high]; the first is '≤0'."""


@dataclass
class BranchOverview:
    """What a branch's front page shows."""

    branch: Branch
    quarter: Period
    members: int
    attendance_rate: float | None
    sessions: int
    volunteer_hours: Decimal
    suggestions: dict[str, int]
    leaders: list[service.PointsRow]
    year_points: list[service.PointsRow]
    """Every member's total this year (the points distribution chart)."""


async def branch_overview(session: AsyncSession, branch: Branch) -> BranchOverview:
    """This quarter's figures and this year's points leaders."""
    quarter = current_quarter()
    bid = branch.id or 0
    members = [m for m in await service.branch_members(session, bid) if m.status == MemberStatus.ACTIVE]
    sessions = await service.attendance_rows(session, bid, quarter)
    needs = await service.need_rows(session, bid, quarter, completed_only=True)
    year = Period(quarter.year, None)
    year_points = await service.points_rows(session, bid, year)
    return BranchOverview(
        branch, quarter, len(members), service.overall_rate(sessions), len(sessions),
        service.volunteer_hours(needs), await suggestions.status_counts(session, bid, quarter),
        [r for r in year_points if r.total > 0][:5], year_points)


async def county_overview(session: AsyncSession) -> list[BranchOverview]:
    """Every branch's overview, by name."""
    branches = (await session.exec(select(Branch).order_by(col(Branch.name)))).all()
    return [await branch_overview(session, b) for b in branches]


@dataclass
class Series:
    """Labels and values for one bar chart."""

    labels: list[str]
    values: list[float | None]
    """None: nothing to measure that month (no session held)."""


def _months(year: int) -> list[int]:
    today = timeutil.to_local(timeutil.now())
    return list(range(1, (today.month if today.year == year else 12) + 1))


async def monthly_attendance(session: AsyncSession, branch_id: int, year: int) -> Series:
    """Attendance rate (%) per month of the year, up to this month; None for months without sessions."""
    rows = await service.attendance_rows(session, branch_id, Period(year, None))
    by_month: dict[int, list[service.SessionRow]] = defaultdict(list)
    for row in rows:
        by_month[row.day.month].append(row)
    months = _months(year)
    return Series([f"{m}月" for m in months],
                  [_percent(service.overall_rate(by_month[m])) for m in months])


def _percent(rate: float | None) -> float | None:
    return None if rate is None else round(rate * 100, 1)


async def monthly_volunteer_hours(session: AsyncSession, branch_id: int, year: int) -> Series:
    """Person-hours of completed volunteer service per month."""
    rows = await service.need_rows(session, branch_id, Period(year, None), completed_only=True)
    hours: dict[int, Decimal] = defaultdict(Decimal)
    for row in rows:
        hours[timeutil.to_local(row.need.starts_at).month] += row.person_hours
    months = _months(year)
    return Series([f"{m}月" for m in months], [float(hours[m]) for m in months])


def points_distribution(rows: list[service.PointsRow]) -> Series:
    """How many members' totals fall in each band."""
    counts = [0] * len(BUCKETS)
    for row in rows:
        for i, (low, high) in enumerate(BUCKETS):
            if (low is None or row.total > low) and (high is None or row.total <= high):
                counts[i] += 1
                break
    labels = ["0及以下" if low is None else f"{low}分以上" if high is None else f"{low + 1}–{high}"
              for low, high in BUCKETS]
    return Series(labels, [float(c) for c in counts])


async def member_names(session: AsyncSession, branch_id: int) -> list[tuple[int, str]]:
    """(id, name) of every member, for the ledger filter."""
    stmt = select(Member.id, Member.name).where(Member.branch_id == branch_id).order_by(col(Member.id))
    return [(i, n) for i, n in (await session.exec(stmt)).all()]  # type: ignore[call-overload]
