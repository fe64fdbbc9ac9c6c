"""请假 and 代请假: leave for the open meeting, else the next one, or for the meeting named by #N."""

from typing import Any

from sqlalchemy import and_, bindparam, case, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core import timeutil
from core.errors import Conflict, NotFound
from db.models import Attendance, AttendanceStatus, Member, StudySession
from db.prepared import Prepared, adopt, run
from db.sql import upsert_insert
from domain.meetings import texts as t
from domain.meetings.attendance import ATTENDED
from domain.meetings.meetings import meeting_by_id

REASON_MAX = 200

# 请假 is a hot command (issue 19): its statements are prepared (db.prepared).
_MEETING: Any = StudySession.__table__  # type: ignore[attr-defined]
_ROW: Any = Attendance.__table__  # type: ignore[attr-defined]
_MEETING_FIELDS = tuple(c.name for c in _MEETING.columns)
_ROW_FIELDS = tuple(c.name for c in _ROW.columns)
_WRITTEN = ("session_id", "member_id", "status", "signed_at", "proxy_by", "reason")
_KEPT = ("reason", "signed_at", "proxy_by")
"""What a new 请假 changes in the member's row on leave already (its status stays 请假)."""


def _target_statement(_dialect: str) -> Any:
    """The branch's meeting a bare 请假 is for, in one read: the open one (meetings.open_meeting:
    the earliest whose window is open), else the next (meetings.next_meeting: the earliest whose
    window has not opened yet); not cancelled."""
    branch: Any = bindparam("branch_id", type_=_MEETING.c.branch_id.type)
    now: Any = bindparam("now", type_=_MEETING.c.opens_at.type)
    opened = _MEETING.c.opens_at <= now
    return (select(*_MEETING.columns)
            .where(_MEETING.c.branch_id == branch, _MEETING.c.cancelled.is_(False),
                   or_(and_(opened, _MEETING.c.closes_at > now), _MEETING.c.opens_at > now))
            .order_by(case((opened, 0), else_=1), _MEETING.c.starts_at, _MEETING.c.id).limit(1))


def _leave_statement(dialect: str) -> Any:
    """The member's row on leave: a new one, or the one on leave already updated — never a row
    signed in (INSERT … ON CONFLICT DO UPDATE … WHERE not attended: the database decides, against
    the row as committed, so a 签到 at the same instant is not overwritten). RETURNING the row;
    none when the member had signed in."""
    stmt = upsert_insert(dialect, _ROW).values(
        **{c: bindparam(c, type_=_ROW.c[c].type) for c in _WRITTEN})
    return stmt.on_conflict_do_update(
        index_elements=["session_id", "member_id"], set_={c: stmt.excluded[c] for c in _KEPT},
        where=and_(*(_ROW.c.status != status.value for status in ATTENDED)),
    ).returning(*_ROW.columns)


def _row_statement(_dialect: str) -> Any:
    """The member's row for the meeting (a refused 请假 reads the sign-in it names)."""
    return select(*_ROW.columns).where(
        _ROW.c.session_id == bindparam("session_id", type_=_ROW.c.session_id.type),
        _ROW.c.member_id == bindparam("member_id", type_=_ROW.c.member_id.type))


_TARGET = Prepared(_target_statement)
_LEAVE = Prepared(_leave_statement)
_ROW_READ = Prepared(_row_statement)


async def leave_target(db: AsyncSession, *, branch_id: int, meeting_id: int | None) -> StudySession:
    """The meeting a 请假 is for: #N when given (not cancelled, not over), else the open one, else
    the next."""
    if meeting_id is not None:
        meeting = await meeting_by_id(db, branch_id=branch_id, meeting_id=meeting_id)
        if meeting.cancelled:
            raise Conflict(f"{t.describe(meeting)} 已取消，不用请假。")
        if meeting.closes_at <= timeutil.now():
            raise Conflict(f"{t.describe(meeting)} 已经结束，不能再请假。", t.EX_LEAVE_N)
        return meeting
    found = (await run(db, _TARGET, {"branch_id": branch_id, "now": timeutil.now()})).first()
    if found is None:
        raise NotFound("近期没有安排会议，不用请假。")
    return adopt(db, StudySession, dict(zip(_MEETING_FIELDS, found, strict=True)))


async def take_leave(
    db: AsyncSession, *, branch_id: int, member: Member, reason: str | None,
    meeting_id: int | None = None, proxy: Member | None = None,
) -> tuple[StudySession, Attendance]:
    """请假 (or 代请假 by `proxy`): leave for a meeting (`leave_target`); not once signed in."""
    meeting = await leave_target(db, branch_id=branch_id, meeting_id=meeting_id)
    if meeting.id is None or member.id is None:
        raise NotFound("近期没有安排会议，不用请假。")
    values: dict[str, Any] = {
        "session_id": meeting.id, "member_id": member.id, "status": AttendanceStatus.LEAVE,
        "signed_at": timeutil.now(), "proxy_by": proxy.id if proxy else None,
        "reason": (reason or "").strip()[:REASON_MAX] or None}
    written = (await run(db, _LEAVE, values)).first()
    if written is None:  # signed in: the row as the database holds it now
        row = await _row(db, meeting_id=meeting.id, member_id=member.id)
        who = "您" if proxy is None else member.name
        raise Conflict(f"{who}已签到（{timeutil.fmt_hm(row.signed_at)}），不用请假了。")
    stored = dict(zip(_ROW_FIELDS, written, strict=True))
    return meeting, adopt(db, Attendance, {**stored, "status": AttendanceStatus(stored["status"])},
                          refresh=True)


async def _row(db: AsyncSession, *, meeting_id: int, member_id: int) -> Attendance:
    found = (await run(db, _ROW_READ, {"session_id": meeting_id, "member_id": member_id})).first()
    if found is None:
        raise RuntimeError("a 请假 was refused for a row that is not there")
    row = adopt(db, Attendance, dict(zip(_ROW_FIELDS, found, strict=True)), refresh=True)
    if row.status not in ATTENDED:
        raise RuntimeError(f"a 请假 was refused for a row that is {row.status}")
    return row
