"""请假 and 代请假: leave for the open meeting, else the next one, or for the meeting named by #N."""

from sqlmodel.ext.asyncio.session import AsyncSession

from core import timeutil
from core.errors import Conflict, NotFound
from db.models import Attendance, AttendanceStatus, Member, StudySession
from domain.meetings import texts as t
from domain.meetings.attendance import ATTENDED
from domain.meetings.meetings import meeting_by_id, next_meeting, open_meeting
from domain.meetings.signin import attendance_row

REASON_MAX = 200


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
    found = await open_meeting(db, branch_id=branch_id) or await next_meeting(db, branch_id=branch_id)
    if found is None:
        raise NotFound("近期没有安排会议，不用请假。")
    return found


async def take_leave(
    db: AsyncSession, *, branch_id: int, member: Member, reason: str | None,
    meeting_id: int | None = None, proxy: Member | None = None,
) -> tuple[StudySession, Attendance]:
    """请假 (or 代请假 by `proxy`): leave for a meeting (`leave_target`); not once signed in."""
    meeting = await leave_target(db, branch_id=branch_id, meeting_id=meeting_id)
    if meeting.id is None or member.id is None:
        raise NotFound("近期没有安排会议，不用请假。")
    row = await attendance_row(db, meeting_id=meeting.id, member_id=member.id)
    if row is not None and row.status in ATTENDED:
        who = "您" if proxy is None else member.name
        raise Conflict(f"{who}已签到（{timeutil.fmt_hm(row.signed_at)}），不用请假了。")
    if row is None:
        row = Attendance(session_id=meeting.id, member_id=member.id, status=AttendanceStatus.LEAVE)
    row.reason, row.signed_at = (reason or "").strip()[:REASON_MAX] or None, timeutil.now()
    row.proxy_by = proxy.id if proxy else None
    db.add(row)
    await db.flush()
    return meeting, row
