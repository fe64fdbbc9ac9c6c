"""请假: a member asks leave for the open meeting, or else the next one."""

from sqlmodel.ext.asyncio.session import AsyncSession

from core import timeutil
from core.errors import Conflict, NotFound
from db.models import Attendance, AttendanceStatus, Member, StudySession
from domain.meetings.attendance import ATTENDED
from domain.meetings.meetings import next_meeting, open_meeting
from domain.meetings.signin import attendance_row

REASON_MAX = 200


async def take_leave(
    db: AsyncSession, *, branch_id: int, member: Member, reason: str | None
) -> tuple[StudySession, Attendance]:
    """请假: leave for the open meeting, or else the next one; not once signed in."""
    meeting = await open_meeting(db, branch_id=branch_id) or await next_meeting(db, branch_id=branch_id)
    if meeting is None or meeting.id is None or member.id is None:
        raise NotFound("近期没有安排学习，不用请假。")
    row = await attendance_row(db, meeting_id=meeting.id, member_id=member.id)
    if row is not None and row.status in ATTENDED:
        raise Conflict(f"您已签到（{timeutil.fmt_hm(row.signed_at)}），不用请假了。")
    if row is None:
        row = Attendance(session_id=meeting.id, member_id=member.id, status=AttendanceStatus.LEAVE)
    row.reason, row.signed_at = (reason or "").strip()[:REASON_MAX] or None, timeutil.now()
    db.add(row)
    await db.flush()
    return meeting, row
