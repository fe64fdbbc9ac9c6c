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

from sqlalchemy import ColumnElement, and_, case, func, not_
from sqlalchemy import select as sa_select
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core import timeutil
from core.roles import Role
from db.models import (
    Attendance,
    Branch,
    Claim,
    ClaimStatus,
    HealthCategory,
    LedgerEntry,
    LedgerKind,
    Member,
    MemberStatus,
    Need,
    NeedStatus,
    SessionKind,
    StudySession,
    SuggestionStatus,
)
from domain import meetings, notices, report, suggestion
from domain.county.grouping import area_of, sector_of
from domain.county.periods import CountyPeriod

ZERO = Decimal(0)
OVERDUE = timedelta(days=30)
"""A suggestion still 待处理 this long after it was made is an alert."""
WHOLE_BRANCH_KINDS = tuple(k.value for k in SessionKind if k.value not in ("committee", "group"))
"""Meetings every member is expected at (应到 by domain.meetings' base rule); 支委会 and 党小组会,
once they exist, expect only some members and are left out of the county attendance rate."""


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
        for f in fields(self):
            mine, theirs = getattr(self, f.name), getattr(other, f.name)
            if isinstance(mine, dict):
                for key, value in theirs.items():
                    mine[key] = mine.get(key, 0) + value
            else:
                setattr(self, f.name, mine + theirs)


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


def _held(start: datetime, end: datetime) -> ColumnElement[bool]:
    """Meetings held in [start, end): not cancelled and already started (as attendance_rows)."""
    return and_(col(StudySession.cancelled).is_(False), col(StudySession.starts_at) >= start,
                col(StudySession.starts_at) < min(end, timeutil.now()))


async def _members(db: AsyncSession, lines: dict[int, BranchLine]) -> None:
    stmt = select(col(Member.branch_id), col(Member.category), func.count()).where(
        col(Member.status) == MemberStatus.ACTIVE).group_by(col(Member.branch_id), col(Member.category))
    for bid, category, n in (await db.exec(stmt)).all():
        if (line := lines.get(bid)) is not None:
            line.figures.members += n
            label = HealthCategory(category).label
            line.figures.by_category[label] = line.figures.by_category.get(label, 0) + n
    secretaries = select(col(Member.branch_id)).where(
        col(Member.status) == MemberStatus.ACTIVE, col(Member.role) == int(Role.SECRETARY)).distinct()
    having = set((await db.exec(secretaries)).all())
    for bid, line in lines.items():
        line.figures.no_secretary = 0 if bid in having else 1


async def _meetings(db: AsyncSession, lines: dict[int, BranchLine], start: datetime,
                    end: datetime) -> None:
    stmt = select(col(StudySession.branch_id), col(StudySession.kind), func.count()).where(
        _held(start, end)).group_by(col(StudySession.branch_id), col(StudySession.kind))
    for bid, kind, n in (await db.exec(stmt)).all():
        if (line := lines.get(bid)) is not None:
            label = SessionKind(kind).label
            line.figures.meetings[label] = line.figures.meetings.get(label, 0) + n


def _expected_by_rule() -> ColumnElement[bool]:
    """domain.meetings' 应到 rule (`expected_members`) for a member against any held meeting:
    active, of the meeting's branch, not 不能参加活动, registered before the meeting closed."""
    return and_(col(Member.branch_id) == col(StudySession.branch_id),
                col(Member.status) == MemberStatus.ACTIVE,
                col(Member.category) != HealthCategory.UNABLE,
                col(Member.created_at) <= col(StudySession.closes_at))


async def _plain(db: AsyncSession, stmt: Any) -> Sequence[Any]:
    """Rows of a many-row column select on the session's connection, past the ORM's per-row
    loading (half the time of a county year on SQLite went there)."""
    connection = await db.connection()
    rows: Sequence[Any] = (await connection.execute(stmt)).all()
    return rows


async def _attendance(db: AsyncSession, lines: dict[int, BranchLine], start: datetime,
                      end: datetime) -> None:
    """应到 = members expected by rule + anyone else with a row (meetings.expected_at); 实到 = rows
    whose status counts as attended (meetings.ATTENDED)."""
    held = and_(_held(start, end), col(StudySession.kind).in_(WHOLE_BRANCH_KINDS))
    by_rule = (select(col(StudySession.branch_id), func.count())
               .join(Member, _expected_by_rule()).where(held).group_by(col(StudySession.branch_id)))
    for bid, n in await _plain(db, by_rule):
        if (line := lines.get(bid)) is not None:
            line.figures.expected += n
    attended = case((col(Attendance.status).in_([s.value for s in meetings.ATTENDED]), 1), else_=0)
    beyond = case((not_(_expected_by_rule()), 1), else_=0)
    # The period's meetings first, then their rows by the session index: without the IN, SQLite
    # scans every attendance row there is (a county year is ~850,000) even for one month.
    rows = (select(col(StudySession.branch_id), func.sum(attended), func.sum(beyond))
            .select_from(Attendance)
            .join(StudySession, col(StudySession.id) == col(Attendance.session_id))
            .join(Member, col(Member.id) == col(Attendance.member_id))
            .where(col(Attendance.session_id).in_(select(col(StudySession.id)).where(held)))
            .group_by(col(StudySession.branch_id)))
    for bid, came, extra in await _plain(db, rows):
        if (line := lines.get(bid)) is not None:
            line.figures.attended += int(came or 0)
            line.figures.expected += int(extra or 0)


async def _volunteer(db: AsyncSession, lines: dict[int, BranchLine], start: datetime,
                     end: datetime) -> None:
    """Needs starting in the period (not cancelled), participants claimed, and person-hours of
    completed needs (report.need_hours: recorded hours, else the planned duration)."""
    needs = await _plain(db, sa_select(col(Need.id), col(Need.branch_id), col(Need.status),
                                    col(Need.hours), col(Need.starts_at), col(Need.ends_at)).where(
        col(Need.starts_at) >= start, col(Need.starts_at) < end,
        col(Need.status) != NeedStatus.CANCELLED))
    claimed = dict((await db.exec(
        select(col(Claim.need_id), func.count()).join(Need, col(Need.id) == col(Claim.need_id))
        .where(col(Claim.status) == ClaimStatus.CLAIMED, col(Need.starts_at) >= start,
               col(Need.starts_at) < end).group_by(col(Claim.need_id)))).all())
    for need in needs:  # rows with the columns report.need_hours reads, not loaded Need objects
        if (line := lines.get(need.branch_id)) is None:
            continue
        people = claimed.get(need.id, 0)
        line.figures.needs += 1
        line.figures.claims += people
        if need.status == NeedStatus.COMPLETED:
            line.figures.hours += report.need_hours(cast("Need", need)) * people


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
    # The quarter column (the entry's Beijing quarter) adds nothing to the filter but lets the
    # (branch, quarter) index be used, skipping over branches, instead of reading every entry.
    stmt = select(col(LedgerEntry.branch_id), func.sum(col(LedgerEntry.delta))).where(
        col(LedgerEntry.quarter).in_(_quarters(start, end)),
        col(LedgerEntry.created_at) >= start, col(LedgerEntry.created_at) < end,
        col(LedgerEntry.kind) != LedgerKind.REDEEM).group_by(col(LedgerEntry.branch_id))
    for bid, total in (await db.exec(stmt)).all():
        if (line := lines.get(bid)) is not None:
            line.figures.points += Decimal(str(total or 0))


def _quarters(start: datetime, end: datetime) -> list[str]:
    """Every quarter label ('2026Q4') the moments [start, end) fall in, Beijing time."""
    first, last = timeutil.quarter_of(start), timeutil.quarter_of(end - timedelta(microseconds=1))
    found = [first]
    year, q = int(first[:4]), int(first[5])
    while found[-1] != last:
        year, q = (year + 1, 1) if q == 4 else (year, q + 1)
        found.append(f"{year}Q{q}")
    return found


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
