"""补签: after a meeting's window closed, an operator records a member's attendance, with a reason."""

from sqlmodel.ext.asyncio.session import AsyncSession

from core import timeutil
from core.errors import Conflict, InvalidInput
from core.refs import PersonRef
from db.models import Attendance, AttendanceStatus, Member, StudySession
from db.tally import forget_tallies
from domain import roster
from domain.meetings import texts as t
from domain.meetings.attendance import ATTENDED
from domain.meetings.meetings import meeting_by_id
from domain.meetings.signin import attendance_row, award_attendance

REASON_MAX = 200


async def make_up(
    db: AsyncSession, *, branch_id: int, meeting_id: int, platform: str, ref: PersonRef,
    reason: str, operator: Member | None, operator_name: str,
) -> tuple[Member, StudySession, Attendance]:
    """补签: after the window closed, record attendance as a make-up dated now, with points."""
    meeting = await meeting_by_id(db, branch_id=branch_id, meeting_id=meeting_id)
    member = await roster.resolve_member(db, branch_id=branch_id, platform=platform, ref=ref,
                                         example=t.EX_MAKEUP)
    if not reason.strip():
        raise InvalidInput("请写上补签原因。", t.EX_MAKEUP)
    if meeting.closes_at > timeutil.now():
        raise Conflict(f"#{meeting.id} 的签到还没结束，请用“代签 {member.name}”。")
    assert member.id is not None
    row = await attendance_row(db, meeting_id=meeting_id, member_id=member.id)
    if row is not None and row.status in ATTENDED:
        raise Conflict(f"{member.name} 在 #{meeting.id} 已有记录（{AttendanceStatus(row.status).label}），"
                       "不用补签。")
    if row is None:
        row = Attendance(session_id=meeting_id, member_id=member.id, status=AttendanceStatus.MAKEUP)
    row.status, row.signed_at = AttendanceStatus.MAKEUP, timeutil.now()
    row.reason = reason.strip()[:REASON_MAX]
    row.proxy_by = operator.id if operator else None
    db.add(row)
    await db.flush()
    await forget_tallies(db, meeting_id=meeting_id)  # a closed meeting's 实到 changed
    await award_attendance(db, member=member, meeting=meeting, row=row, operator=operator,
                           operator_name=operator_name)
    return member, meeting, row
