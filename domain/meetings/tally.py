"""应到/实到 of many meetings at once, counted by this package's one definition (attendance.py),
and sealed per meeting once nothing but 补签 or a roster change can alter them.

A meeting's tally is sealed an hour after its window closed (a 签到 or 请假 begun before the close
has committed long before) by the meetings job, a few thousand meetings per transaction. 补签 and a
member's status or category change delete the tallies they touch in their own transaction
(db/tally.py), and the job seals them again. Readers take a meeting's tally when it has one and
count its rows when it has not, in the same statement (one snapshot): the figures are the same
either way (a test counts both), sealing only makes a year cheap to read.

Only kinds whose 应到 is the base rule are tallied; 支委会 and 党小组会 expect members by office and
党小组 (`NEEDS_FACTS`).
"""

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, case, exists, func, insert, not_, select
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from core import timeutil
from db.models import Attendance, MeetingKind, MeetingTally, Member, StudySession
from db.tally import tally_lock
from domain.meetings.attendance import ATTENDED, NEEDS_FACTS, base_rule

SEAL_AFTER = timedelta(hours=1)
SEAL_BATCH = 2000
"""Meetings sealed per transaction: a short write, so 签到 on SQLite never waits long."""
TALLIED = tuple(k.value for k in MeetingKind if k not in NEEDS_FACTS)
"""Kinds whose 应到 is the base rule: every active member of the branch (attendance.py)."""


def _rule() -> ColumnElement[bool]:
    return base_rule(col(StudySession.branch_id), col(StudySession.closes_at))


def expected_sql() -> Any:
    """SQL: 应到 of the meeting in the enclosing query — expected by rule, plus anyone else with a
    row (`expected_at`)."""
    by_rule = select(func.count()).select_from(Member).where(_rule()).scalar_subquery()
    beyond = (select(func.count()).select_from(Attendance)
              .join(Member, col(Member.id) == col(Attendance.member_id))
              .where(col(Attendance.session_id) == col(StudySession.id), not_(_rule()))
              .scalar_subquery())
    return by_rule + beyond


def attended_sql() -> Any:
    """SQL: 实到 of the meeting in the enclosing query (rows whose status counts, `ATTENDED`)."""
    return (select(func.count()).select_from(Attendance)
            .where(col(Attendance.session_id) == col(StudySession.id),
                   col(Attendance.status).in_([s.value for s in ATTENDED])).scalar_subquery())


def _sealed() -> Any:
    return exists().where(col(MeetingTally.meeting_id) == col(StudySession.id))


async def seal(db: AsyncSession, *, now: datetime | None = None, limit: int = SEAL_BATCH) -> int:
    """Seal up to `limit` closed meetings without a tally; how many were sealed. Caller commits."""
    moment = now or timeutil.now()
    await tally_lock(db, exclusive=True)
    todo = (select(col(StudySession.id), expected_sql(), attended_sql())
            .where(col(StudySession.kind).in_(TALLIED), col(StudySession.cancelled).is_(False),
                   col(StudySession.closes_at) <= moment - SEAL_AFTER, not_(_sealed()))
            .order_by(col(StudySession.id)).limit(limit))
    result: Any = await db.exec(insert(MeetingTally).from_select(
        ["meeting_id", "expected", "attended"], todo))
    return int(result.rowcount or 0)


async def tallies_by_branch(db: AsyncSession, *, start: datetime, end: datetime
                            ) -> dict[int, tuple[int, int, int]]:
    """Per branch, its tallied-kind meetings held in [start, end) (not cancelled, started by now):
    (meetings, 应到, 实到), each meeting's sealed tally or, without one, its rows counted."""
    tally = MeetingTally.__table__.alias("t")  # type: ignore[attr-defined]
    missing = tally.c.meeting_id.is_(None)
    stmt = (select(col(StudySession.branch_id), func.count(),
                   func.sum(case((missing, expected_sql()), else_=tally.c.expected)),
                   func.sum(case((missing, attended_sql()), else_=tally.c.attended)))
            .select_from(StudySession)
            .outerjoin(tally, tally.c.meeting_id == col(StudySession.id))
            .where(held(start, end), col(StudySession.kind).in_(TALLIED))
            .group_by(col(StudySession.branch_id)))
    connection = await db.connection()
    return {bid: (int(n), int(expected or 0), int(attended or 0))
            for bid, n, expected, attended in (await connection.execute(stmt)).all()}


def held(start: datetime, end: datetime) -> ColumnElement[bool]:
    """SQL: meetings held in [start, end) — not cancelled and already started."""
    return and_(col(StudySession.cancelled).is_(False), col(StudySession.starts_at) >= start,
                col(StudySession.starts_at) < min(end, timeutil.now()))
