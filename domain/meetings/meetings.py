"""Meetings (学习 / 主题党日): scheduling with a fixed sign-in window, opening, closing, finding."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Select
from sqlalchemy import select as sa_select
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import SelectOfScalar

from core import timeutil
from core.errors import Conflict, InvalidInput, NotFound
from core.textparse import ID_MAX
from db.models import SessionKind, StudySession
from domain.meetings import texts as t

TITLE_MAX = 200
PLACE_MAX = 100


@dataclass(frozen=True)
class Window:
    """Sign-in window relative to a meeting's start."""

    open_before: timedelta = timedelta(minutes=30)
    late_after: timedelta = timedelta(minutes=15)
    close_after: timedelta = timedelta(minutes=60)


_window = Window()


def configure(window: Window) -> None:
    """Set the window for meetings created from now on (the sign-in plugin, once at load, from its
    settings: every capability that creates a meeting, 主题党日 included, gets the same window)."""
    global _window
    _window = window


def window() -> Window:
    """The window new meetings get."""
    return _window


async def schedule_meeting(
    db: AsyncSession, *, branch_id: int, starts_at: datetime, title: str, place: str | None = None,
    kind: SessionKind = SessionKind.STUDY, created_by: int | None = None,
) -> StudySession:
    """Create a meeting with its sign-in window fixed now."""
    if starts_at.tzinfo is None:
        raise ValueError("starts_at must be timezone-aware")
    title = title.strip()
    if not title:
        raise InvalidInput("请写上学习主题。", t.EX_PUBLISH)
    w = _window
    starts = starts_at.astimezone(timeutil.now().tzinfo)
    meeting = StudySession(
        branch_id=branch_id, kind=kind, title=title[:TITLE_MAX],
        place=(place.strip()[:PLACE_MAX] or None) if place else None, starts_at=starts,
        opens_at=starts - w.open_before, late_after=starts + w.late_after,
        closes_at=starts + w.close_after, created_by=created_by,
    )
    db.add(meeting)
    await db.flush()
    return meeting


def _open_where(stmt: Any, branch_id: Any, moment: Any) -> Any:
    return stmt.where(
        StudySession.branch_id == branch_id, col(StudySession.cancelled).is_(False),
        StudySession.opens_at <= moment, StudySession.closes_at > moment,
    ).order_by(col(StudySession.starts_at), col(StudySession.id)).limit(1)


def open_at(branch_id: int, moment: datetime) -> SelectOfScalar[StudySession]:
    """The branch's meeting whose sign-in window is open at `moment` (the earliest, if several)."""
    return cast("SelectOfScalar[StudySession]", _open_where(select(StudySession), branch_id, moment))


def open_row_at(branch_id: Any, moment: Any, *columns: Any) -> Select[Any]:
    """`open_at`'s meeting as a Core row, its table's columns then `columns` (the sign-in hot path
    reads the branch's rules with it)."""
    table: Any = StudySession.__table__  # type: ignore[attr-defined]
    return cast("Select[Any]", _open_where(sa_select(*table.columns, *columns), branch_id, moment))


async def open_meeting(db: AsyncSession, *, branch_id: int) -> StudySession | None:
    """The branch's meeting whose sign-in window is open now (the earliest, if several)."""
    return (await db.exec(open_at(branch_id, timeutil.now()))).first()


async def next_meeting(db: AsyncSession, *, branch_id: int) -> StudySession | None:
    """The branch's next meeting whose window has not opened yet."""
    stmt = select(StudySession).where(
        StudySession.branch_id == branch_id, col(StudySession.cancelled).is_(False),
        StudySession.opens_at > timeutil.now(),
    ).order_by(col(StudySession.starts_at), col(StudySession.id)).limit(1)
    return (await db.exec(stmt)).first()


async def latest_started(db: AsyncSession, *, branch_id: int) -> StudySession | None:
    """The branch's latest meeting whose window has opened."""
    stmt = select(StudySession).where(
        StudySession.branch_id == branch_id, col(StudySession.cancelled).is_(False),
        StudySession.opens_at <= timeutil.now(),
    ).order_by(col(StudySession.starts_at).desc(), col(StudySession.id).desc()).limit(1)
    return (await db.exec(stmt)).first()


async def require_open(db: AsyncSession, *, branch_id: int) -> StudySession:
    """The open meeting, or NotFound saying when the next one is."""
    meeting = await open_meeting(db, branch_id=branch_id)
    if meeting is None:
        raise NotFound(t.no_open_meeting(await next_meeting(db, branch_id=branch_id)))
    return meeting


async def meeting_by_id(db: AsyncSession, *, branch_id: int, meeting_id: int) -> StudySession:
    """A meeting of this branch by its #N; NotFound otherwise."""
    meeting = await db.get(StudySession, meeting_id) if meeting_id <= ID_MAX else None
    if meeting is None or meeting.branch_id != branch_id:
        raise NotFound(f"本支部没有 #{meeting_id} 这次会议。", t.EX_REPORT)
    return meeting


async def start_now(
    db: AsyncSession, *, branch_id: int, title: str, created_by: int | None
) -> StudySession:
    """开始签到: a 学习 meeting starting now, open at once."""
    current = await open_meeting(db, branch_id=branch_id)
    if current is not None:
        raise Conflict(f"已有签到正在进行：{t.describe(current)}。\n要提前结束请发送：结束签到")
    moment = timeutil.now().replace(second=0, microsecond=0)
    meeting = await schedule_meeting(db, branch_id=branch_id, starts_at=moment,
                                     title=title.strip() or "学习", created_by=created_by)
    meeting.opens_at = min(meeting.opens_at, timeutil.now())
    db.add(meeting)
    await db.flush()
    return meeting


async def end_now(db: AsyncSession, *, branch_id: int) -> StudySession:
    """结束签到: close the open meeting now."""
    meeting = await open_meeting(db, branch_id=branch_id)
    if meeting is None:
        raise NotFound("现在没有进行中的签到。")
    moment = timeutil.now()
    meeting.closes_at = moment
    meeting.late_after = min(meeting.late_after, moment)
    db.add(meeting)
    await db.flush()
    return meeting
