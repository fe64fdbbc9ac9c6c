"""County figures: one line per branch for any Beijing period, read with a few grouped statements
(never one query per branch), with 片区 subtotals and the county total.

Every figure is a count or a sum, so a 片区 line and the county line are the sums of their
branches' lines (the rate is Σ实到 / Σ应到, never an average of rates). Counts only: no name of a
member, no individual's health category, no anonymous author (suggestions are read through
domain.suggestion's public counts).
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import case, func
from sqlalchemy import select as sa_select
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core import timeutil
from core.roles import Role
from db.models import (
    Branch,
    Claim,
    ClaimStatus,
    HealthCategory,
    LedgerKind,
    Member,
    MemberStatus,
    Need,
    NeedStatus,
    SessionKind,
    StudySession,
    SuggestionStatus,
)
from domain import meetings, notices, points, report, suggestion
from domain.county.grouping import area_of, sector_of
from domain.county.periods import CountyPeriod

ZERO = Decimal(0)
OVERDUE = timedelta(days=30)
"""A suggestion still 待处理 this long after it was made is an alert."""


@dataclass
class Figures:
    """The figures of one branch, a 片区 or the county: counts and sums only."""

    members: int = 0
    by_category: dict[str, int] = field(default_factory=dict)
    """Active members per health category label (counts only)."""
    meetings: dict[str, int] = field(default_factory=dict)
    """Meetings held per kind label."""
    expected: int = 0
    attended: int = 0
    needs: int = 0
    claims: int = 0
    hours: Decimal = ZERO
    suggestions: int = 0
    answered: int = 0
    adopted: int = 0
    overdue: int = 0
    """Suggestions still 待处理 more than 30 days after they were made (as of now)."""
    points: Decimal = ZERO
    notices: int = 0
    reached: int = 0
    """Receipts (收到 / 已传达) of those notices, out of `recipients` expected (domain.notices)."""
    recipients: int = 0
    branches: int = 0
    no_secretary: int = 0

    @property
    def rate(self) -> float | None:
        """实到 / 应到; None when no meeting expected anyone."""
        return self.attended / self.expected if self.expected else None

    @property
    def reach(self) -> float | None:
        """Notices' reach: receipts / expected recipients; None without notices."""
        return self.reached / self.recipients if self.recipients else None

    @property
    def meetings_held(self) -> int:
        """Meetings of every kind."""
        return sum(self.meetings.values())

    def add(self, other: "Figures") -> None:
        """Add another line into this one (subtotals and the total)."""
        mine, theirs = self.__dict__, other.__dict__
        for name in _NUMBERS:
            mine[name] += theirs[name]
        for name in _COUNTS:
            into = mine[name]
            for key, value in theirs[name].items():
                into[key] = into.get(key, 0) + value


_COUNTS = tuple(f.name for f in fields(Figures) if f.default_factory is dict)
_NUMBERS = tuple(f.name for f in fields(Figures) if f.name not in _COUNTS)


@dataclass
class BranchLine:
    """One branch: who it is, where it is grouped, its figures and its rate the period before."""

    branch_id: int
    name: str
    area: str
    sector: str
    figures: Figures
    previous_rate: float | None = None
    held_this_month: int = 0


async def branch_lines(db: AsyncSession, *, period: CountyPeriod,
                       area: str | None = None, sector: str | None = None) -> list[BranchLine]:
    """Every branch (of one 片区 / 行业 if given) with its figures, by 片区 then name."""
    stmt = select(Branch).order_by(col(Branch.area), col(Branch.name))
    branches = [b for b in (await db.exec(stmt)).all()
                if (area is None or area_of(b) == area) and (sector is None or sector_of(b) == sector)]
    lines = {b.id or 0: BranchLine(b.id or 0, b.name, area_of(b), sector_of(b),
                                   Figures(branches=1)) for b in branches}
    start, end = period.bounds
    await _members(db, lines)
    await _meetings(db, lines, start, end)
    await _attendance(db, lines, start, end)
    await _volunteer(db, lines, start, end)
    await _suggestions(db, lines, start, end)
    await _points(db, lines, start, end)
    await _notices(db, lines, start, end)
    await _trend(db, lines, period)
    return sorted(lines.values(), key=lambda x: (x.area == "未分片区", x.area, x.name))


async def _members(db: AsyncSession, lines: dict[int, BranchLine]) -> None:
    """Active members per health category, and whether an active one is the 书记: one scan."""
    secretary = case((col(Member.role) == int(Role.SECRETARY), 1), else_=0)
    stmt = (select(col(Member.branch_id), col(Member.category), func.count(), func.sum(secretary))
            .where(col(Member.status) == MemberStatus.ACTIVE)
            .group_by(col(Member.branch_id), col(Member.category)))
    labels = {c.value: c.label for c in HealthCategory}
    having: set[int] = set()
    for bid, category, n, secretaries in await _plain(db, stmt):
        if (line := lines.get(bid)) is not None:
            line.figures.members += n
            label = labels[category]
            line.figures.by_category[label] = line.figures.by_category.get(label, 0) + n
            if secretaries:
                having.add(bid)
    for bid, line in lines.items():
        line.figures.no_secretary = 0 if bid in having else 1


async def _meetings(db: AsyncSession, lines: dict[int, BranchLine], start: datetime,
                    end: datetime) -> None:
    stmt = select(col(StudySession.branch_id), col(StudySession.kind), func.count()).where(
        meetings.held(start, end)).group_by(col(StudySession.branch_id), col(StudySession.kind))
    for bid, kind, n in (await db.exec(stmt)).all():
        if (line := lines.get(bid)) is not None:
            label = SessionKind(kind).label
            line.figures.meetings[label] = line.figures.meetings.get(label, 0) + n


async def _plain(db: AsyncSession, stmt: Any) -> Sequence[Any]:
    """Rows of a many-row column select on the session's connection, past the ORM's per-row
    loading (half the time of a county year on SQLite went there)."""
    connection = await db.connection()
    rows: Sequence[Any] = (await connection.execute(stmt)).all()
    return rows


async def _attendance(db: AsyncSession, lines: dict[int, BranchLine], start: datetime,
                      end: datetime) -> None:
    """应到/实到 of the meetings whose 应到 is the whole branch, as domain.meetings counts them
    (sealed tallies, or the rows of a meeting not sealed yet)."""
    for bid, (_held, expected, attended) in (
            await meetings.tallies_by_branch(db, start=start, end=end)).items():
        if (line := lines.get(bid)) is not None:
            line.figures.expected += expected
            line.figures.attended += attended


async def _volunteer(db: AsyncSession, lines: dict[int, BranchLine], start: datetime,
                     end: datetime) -> None:
    """Needs starting in the period (not cancelled), participants claimed, and person-hours of
    completed needs (report.need_hours: recorded hours, else the planned duration)."""
    people = (select(func.count()).select_from(Claim)
              .where(col(Claim.need_id) == col(Need.id), col(Claim.status) == ClaimStatus.CLAIMED)
              .scalar_subquery())
    # Plain rows with the columns report.need_hours reads, not loaded Need objects.
    needs = await _plain(db, sa_select(col(Need.branch_id), col(Need.status), col(Need.hours),
                                       col(Need.starts_at), col(Need.ends_at), people).where(
        col(Need.starts_at) >= start, col(Need.starts_at) < end,
        col(Need.status) != NeedStatus.CANCELLED))
    for need in needs:
        if (line := lines.get(need.branch_id)) is None:
            continue
        claimed = need[5]
        line.figures.needs += 1
        line.figures.claims += claimed
        if need.status == NeedStatus.COMPLETED and claimed:
            line.figures.hours += report.need_hours(cast("Need", need)) * claimed


async def _suggestions(db: AsyncSession, lines: dict[int, BranchLine], start: datetime,
                       end: datetime) -> None:
    for bid, stats in (await suggestion.stats_by_branch(db, since=start, until=end)).items():
        if (line := lines.get(bid)) is not None:
            line.figures.suggestions += stats.total
            line.figures.answered += stats.total - stats.by_status[SuggestionStatus.PENDING]
            line.figures.adopted += stats.by_status[SuggestionStatus.ADOPTED]
    month_ago = timeutil.now() - OVERDUE
    for bid, n in (await suggestion.unanswered_by_branch(db, before=month_ago)).items():
        if (line := lines.get(bid)) is not None:
            line.figures.overdue += n


async def _points(db: AsyncSession, lines: dict[int, BranchLine], start: datetime,
                  end: datetime) -> None:
    """Points issued: every ledger entry of the period but 兑换 (so 扣分 and 冲正 net out)."""
    issued = [k for k in LedgerKind if k != LedgerKind.REDEEM]
    for bid, total in (await points.sums_by_branch(db, start=start, end=end, kinds=issued)).items():
        if (line := lines.get(bid)) is not None:
            line.figures.points += total


async def _notices(db: AsyncSession, lines: dict[int, BranchLine], start: datetime,
                   end: datetime) -> None:
    for bid, (made, reached, expected) in (
            await notices.reach_by_branch(db, since=start, until=end)).items():
        if (line := lines.get(bid)) is not None:
            line.figures.notices += made
            line.figures.reached += reached
            line.figures.recipients += expected


async def _trend(db: AsyncSession, lines: dict[int, BranchLine], period: CountyPeriod) -> None:
    """The rate of the period before (falling attendance) and meetings held this month so far."""
    before = {bid: BranchLine(bid, "", "", "", Figures()) for bid in lines}
    await _attendance(db, before, *period.previous().bounds)
    for bid, line in before.items():
        lines[bid].previous_rate = line.figures.rate
    today = timeutil.local_date(timeutil.now())
    month_start = timeutil.day_bounds(today.replace(day=1))[0]
    this_month: dict[int, BranchLine] = {bid: BranchLine(bid, "", "", "", Figures()) for bid in lines}
    await _meetings(db, this_month, month_start, timeutil.now())
    for bid, line in this_month.items():
        lines[bid].held_this_month = line.figures.meetings_held


def total(lines: Iterable[BranchLine]) -> Figures:
    """The sum of the lines' figures."""
    result = Figures()
    for line in lines:
        result.add(line.figures)
    return result


def by_area(lines: Iterable[BranchLine]) -> dict[str, Figures]:
    """Subtotals per 片区, in the order the lines come."""
    groups: dict[str, list[BranchLine]] = defaultdict(list)
    for line in lines:
        groups[line.area].append(line)
    return {area: total(group) for area, group in groups.items()}
