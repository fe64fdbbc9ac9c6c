"""Who came: 签到情况 of one meeting and a member's 学习记录 for the year."""

from dataclasses import dataclass

from sqlmodel import col, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core import timeutil
from core.errors import NotFound
from db.models import Attendance, AttendanceStatus, MeetingKind, Member, StudySession
from domain.meetings import texts as t
from domain.meetings.attendance import (
    ATTENDED,
    NEEDS_FACTS,
    expected_at,
    expected_members,
    load_facts,
)
from domain.meetings.meetings import latest_started, meeting_by_id, open_meeting


@dataclass
class Report:
    """签到情况 of one meeting."""

    meeting: StudySession
    expected: int
    attended: list[tuple[Member, Attendance]]
    late: list[Member]
    makeup: list[Member]
    leave: list[tuple[Member, Attendance]]
    absent: list[Member]

    @property
    def rate(self) -> float:
        """实到 / 应到."""
        return len(self.attended) / self.expected if self.expected else 0.0


async def meeting_report(db: AsyncSession, *, branch_id: int, meeting_id: int | None) -> Report:
    """签到情况: the given meeting, else the open one, else the latest that has started."""
    if meeting_id is not None:
        meeting = await meeting_by_id(db, branch_id=branch_id, meeting_id=meeting_id)
    else:
        found = await open_meeting(db, branch_id=branch_id) or await latest_started(db, branch_id=branch_id)
        if found is None:
            raise NotFound("还没有开始过的学习。发布学习请发送：" + t.EX_PUBLISH)
        meeting = found
    rows = (await db.exec(
        select(Member, Attendance).join(Attendance, col(Attendance.member_id) == col(Member.id))
        .where(Attendance.session_id == meeting.id).order_by(col(Attendance.seq), col(Attendance.id))
    )).all()
    marked = {m.id for m, _ in rows if m.id is not None}
    candidates = (await db.exec(
        select(Member).where(or_(expected_members(meeting), col(Member.id).in_(marked)))
        .order_by(col(Member.id)))).all()
    facts = (await load_facts(db, branch_id=meeting.branch_id)
             if MeetingKind(meeting.kind) in NEEDS_FACTS else None)
    expected = expected_at(meeting, candidates, marked, facts)
    attended = [(m, a) for m, a in rows if a.status in ATTENDED]
    return Report(
        meeting=meeting, expected=len(expected), attended=attended,
        late=[m for m, a in attended if a.status == AttendanceStatus.LATE],
        makeup=[m for m, a in attended if a.status == AttendanceStatus.MAKEUP],
        leave=[(m, a) for m, a in rows if a.status == AttendanceStatus.LEAVE],
        absent=[m for m in expected if m.id not in marked],
    )


async def year_record(
    db: AsyncSession, *, member: Member, year: int | None = None
) -> list[tuple[StudySession, Attendance | None]]:
    """学习记录: this year's meetings of the member's branch that have started, with their row."""
    year = year or timeutil.cycle_of(timeutil.now())
    start, end = timeutil.year_bounds(year)
    stmt = (
        select(StudySession, Attendance)
        .outerjoin(Attendance, (col(Attendance.session_id) == col(StudySession.id))
                   & (col(Attendance.member_id) == member.id))
        .where(StudySession.branch_id == member.branch_id, col(StudySession.cancelled).is_(False),
               StudySession.starts_at >= start, StudySession.starts_at < end,
               StudySession.starts_at <= timeutil.now())
        .order_by(col(StudySession.starts_at), col(StudySession.id))
    )
    return list((await db.exec(stmt)).all())
