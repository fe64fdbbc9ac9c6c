"""Read-only figures for the ledgers and the dashboard. No nonebot import; never writes."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func
from sqlalchemy.orm import aliased
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core import timeutil
from db.models import (
    Attendance,
    AttendanceStatus,
    Claim,
    ClaimStatus,
    HealthCategory,
    LedgerEntry,
    LedgerKind,
    Member,
    MemberStatus,
    Need,
    NeedStatus,
    StudySession,
)
from plugins.report.periods import Period

ATTENDED = (AttendanceStatus.PRESENT, AttendanceStatus.LATE, AttendanceStatus.MAKEUP)
ZERO = Decimal(0)
TENTH = Decimal("0.1")


@dataclass
class SessionRow:
    """One line of 学习签到台账."""

    id: int
    day: date
    starts_at: datetime
    title: str
    kind: str
    place: str
    expected: int
    attended: int
    late: int
    leave: int
    absent: list[str]
    attendees: list[tuple[str, str]] = field(default_factory=list)
    """(name, status label) of everyone with an attendance row, for the dashboard."""

    @property
    def rate(self) -> float:
        """实到 / 应到 (0 when nobody was expected)."""
        return self.attended / self.expected if self.expected else 0.0


async def branch_members(session: AsyncSession, branch_id: int) -> list[Member]:
    """Every member of a branch, active or not, in id order."""
    stmt = select(Member).where(Member.branch_id == branch_id).order_by(col(Member.id))
    return list((await session.exec(stmt)).all())


async def attendance_rows(
    session: AsyncSession, branch_id: int, period: Period, *, until: datetime | None = None,
) -> list[SessionRow]:
    """Sessions held in the period (not cancelled, already started) with 应到/实到/迟到/请假/缺席.

    应到: active members registered before the session closed, except 不能参加活动, plus anyone who
    has a row for it (a member deactivated since still counts for the sessions they were part of).
    """
    start, end = period.bounds
    end = min(end, until or timeutil.now())
    stmt = select(StudySession).where(
        StudySession.branch_id == branch_id, col(StudySession.cancelled).is_(False),
        StudySession.starts_at >= start, StudySession.starts_at < end,
    ).order_by(col(StudySession.starts_at), col(StudySession.id))
    sessions = list((await session.exec(stmt)).all())
    if not sessions:
        return []
    members = {m.id: m for m in await branch_members(session, branch_id)}
    # Plain columns, not ORM objects: a year of a large branch is thousands of rows.
    rows_stmt = select(Attendance.session_id, Attendance.member_id, Attendance.status).where(
        col(Attendance.session_id).in_([s.id for s in sessions]))
    by_session: dict[int, dict[int, AttendanceStatus]] = defaultdict(dict)
    for session_id, member_id, status in (await session.exec(rows_stmt)).all():  # type: ignore[call-overload]
        by_session[session_id][member_id] = AttendanceStatus(status)
    return [_session_row(s, members, by_session[s.id or 0]) for s in sessions]


def _expected(m: Member, s: StudySession) -> bool:
    # As 签到情况 counts (plugins/signin/records.expected_filter): 不能参加活动 is never 应到.
    return (m.status == MemberStatus.ACTIVE and m.category != HealthCategory.UNABLE
            and m.created_at <= s.closes_at)


def _session_row(s: StudySession, members: dict[int | None, Member],
                 statuses: dict[int, AttendanceStatus]) -> SessionRow:
    expected = [m for m in members.values() if m.id in statuses or _expected(m, s)]
    return SessionRow(
        id=s.id or 0, day=timeutil.local_date(s.starts_at), starts_at=s.starts_at, title=s.title,
        kind=s.kind, place=s.place or "", expected=len(expected),
        attended=sum(1 for st in statuses.values() if st in ATTENDED),
        late=sum(1 for st in statuses.values() if st == AttendanceStatus.LATE),
        leave=sum(1 for st in statuses.values() if st == AttendanceStatus.LEAVE),
        absent=[m.name for m in expected if m.id not in statuses],
        attendees=[(members[mid].name, st.label) for mid, st in statuses.items() if mid in members],
    )


def overall_rate(rows: list[SessionRow]) -> float | None:
    """Σ实到 / Σ应到 over sessions; None when no session was held."""
    expected = sum(r.expected for r in rows)
    return sum(r.attended for r in rows) / expected if expected else None


# ---- points ----

COLUMNS = (LedgerKind.STUDY, LedgerKind.VOLUNTEER, LedgerKind.SUGGESTION, LedgerKind.BONUS,
           LedgerKind.PENALTY, LedgerKind.REDEEM)


@dataclass
class PointsRow:
    """One line of 积分台账: sums per kind (a reversal counts under the kind it reverses)."""

    member_id: int
    name: str
    by_kind: dict[LedgerKind, Decimal]
    total: Decimal
    rank: int = 0


def _period_filter(period: Period):  # noqa: ANN202
    if period.quarter:
        return LedgerEntry.quarter == period.key
    return LedgerEntry.cycle == period.year


async def points_rows(session: AsyncSession, branch_id: int, period: Period) -> list[PointsRow]:
    """Every active member (and anyone with entries), ranked by total; ties share a rank."""
    original = aliased(LedgerEntry)
    stmt = (
        select(LedgerEntry.member_id, LedgerEntry.kind, original.kind, func.sum(LedgerEntry.delta))
        .outerjoin(original, col(original.id) == col(LedgerEntry.reverses_id))
        .where(LedgerEntry.branch_id == branch_id, _period_filter(period))
        .group_by(col(LedgerEntry.member_id), col(LedgerEntry.kind), original.kind)
    )
    sums: dict[int, dict[LedgerKind, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for member_id, kind, reversed_kind, delta in (await session.exec(stmt)).all():  # type: ignore[call-overload]
        counted = LedgerKind(reversed_kind if kind == LedgerKind.REVERSAL and reversed_kind else kind)
        # SQLite sums NUMERIC as floating point: round back to the ledger's tenth of a point.
        sums[member_id][counted] += Decimal(str(delta)).quantize(TENTH)
    rows = [
        PointsRow(m.id or 0, m.name, {k: sums[m.id or 0].get(k, ZERO) for k in COLUMNS},
                  sum(sums[m.id or 0].values(), ZERO))
        for m in await branch_members(session, branch_id)
        if m.status == MemberStatus.ACTIVE or m.id in sums
    ]
    rows.sort(key=lambda r: (-r.total, r.member_id))
    for i, row in enumerate(rows):
        row.rank = rows[i - 1].rank if i and rows[i - 1].total == row.total else i + 1
    return rows


async def ledger_entries(
    session: AsyncSession, branch_id: int, period: Period, *, member_id: int | None = None,
    kind: LedgerKind | None = None, limit: int = 300,
) -> list[tuple[LedgerEntry, str]]:
    """Ledger entries with the member's name, newest first, filtered."""
    stmt = (
        select(LedgerEntry, Member.name)
        .join(Member, col(Member.id) == col(LedgerEntry.member_id))
        .where(LedgerEntry.branch_id == branch_id, _period_filter(period))
        .order_by(col(LedgerEntry.created_at).desc(), col(LedgerEntry.id).desc())
        .limit(limit)
    )
    if member_id is not None:
        stmt = stmt.where(LedgerEntry.member_id == member_id)
    if kind is not None:
        stmt = stmt.where(LedgerEntry.kind == kind)
    return [(e, n) for e, n in (await session.exec(stmt)).all()]


# ---- volunteer ----


@dataclass
class NeedRow:
    """One volunteer need with its claims; a line of 志愿服务台账 when completed."""

    need: Need
    participants: list[str]
    waitlist: list[str]
    others: list[tuple[str, str]]
    hours: Decimal
    points: Decimal

    @property
    def person_hours(self) -> Decimal:
        """时长 × 参与人数."""
        return self.hours * len(self.participants)


def need_hours(need: Need) -> Decimal:
    """Recorded service hours, else the planned duration, to half an hour."""
    if need.hours is not None:
        return Decimal(str(need.hours))
    minutes = (need.ends_at - need.starts_at).total_seconds() / 60
    return Decimal(round(max(minutes, 0) / 30)) / 2


async def need_rows(
    session: AsyncSession, branch_id: int, period: Period, *, completed_only: bool = False,
) -> list[NeedRow]:
    """Needs starting in the period (cancelled ones left out), with claims and points paid."""
    start, end = period.bounds
    stmt = select(Need).where(Need.branch_id == branch_id, Need.starts_at >= start,
                              Need.starts_at < end, Need.status != NeedStatus.CANCELLED)
    if completed_only:
        stmt = stmt.where(Need.status == NeedStatus.COMPLETED)
    needs = list((await session.exec(stmt.order_by(col(Need.starts_at), col(Need.id)))).all())
    if not needs:
        return []
    claims_stmt = (
        select(Claim, Member.name).join(Member, col(Member.id) == col(Claim.member_id))
        .where(col(Claim.need_id).in_([n.id for n in needs]))
        .order_by(col(Claim.queued_at), col(Claim.id))
    )
    claims: dict[int, list[tuple[Claim, str]]] = defaultdict(list)
    for claim, name in (await session.exec(claims_stmt)).all():
        claims[claim.need_id].append((claim, name))
    # The volunteer plugin pays each participant with source `volunteer:<claim id>`.
    sources = {f"volunteer:{c.id}": c.need_id for rows in claims.values() for c, _ in rows}
    points = await _paid(session, branch_id, sources)
    return [_need_row(n, claims[n.id or 0], points[n.id or 0]) for n in needs]


async def _paid(session: AsyncSession, branch_id: int, sources: dict[str, int]) -> dict[int, Decimal]:
    """Points paid per need: entries with those sources, net of any 冲正 of them."""
    original = aliased(LedgerEntry)
    source = func.coalesce(original.source, LedgerEntry.source)
    stmt = (
        select(source, LedgerEntry.delta)
        .outerjoin(original, col(original.id) == col(LedgerEntry.reverses_id))
        .where(LedgerEntry.branch_id == branch_id, source.in_(list(sources)))
    )
    points: dict[int, Decimal] = defaultdict(Decimal)
    for paid_for, delta in (await session.exec(stmt)).all():  # type: ignore[call-overload]
        points[sources[paid_for]] += Decimal(str(delta))
    return points


def _need_row(need: Need, claims: list[tuple[Claim, str]], points: Decimal) -> NeedRow:
    labels = {ClaimStatus.CANCELLED: "已取消", ClaimStatus.ABSENT: "未到"}
    return NeedRow(
        need=need,
        participants=[n for c, n in claims if c.status == ClaimStatus.CLAIMED],
        waitlist=[n for c, n in claims if c.status == ClaimStatus.WAITLIST],
        others=[(n, labels[ClaimStatus(c.status)]) for c, n in claims
                if c.status in (ClaimStatus.CANCELLED, ClaimStatus.ABSENT)],
        hours=need_hours(need), points=points,
    )


def volunteer_hours(rows: list[NeedRow]) -> Decimal:
    """Person-hours of completed needs."""
    return sum((r.person_hours for r in rows if r.need.status == NeedStatus.COMPLETED), ZERO)
