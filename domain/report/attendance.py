"""学习签到台账 figures: 应到/实到/迟到/请假/缺席 per meeting, counted by domain.meetings' rule."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core import timeutil
from db.models import Attendance, AttendanceStatus, Member, StudySession
from domain import meetings
from domain.report.members import branch_members
from domain.report.periods import Period


@dataclass
class MeetingRow:
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
    lecturer: str = ""
    """党课: who taught."""
    minutes: str | None = None
    """The current 会议记录 (None: none written)."""
    photos: int = 0

    @property
    def rate(self) -> float:
        """实到 / 应到 (0 when nobody was expected)."""
        return self.attended / self.expected if self.expected else 0.0


async def attendance_rows(
    db: AsyncSession, *, branch_id: int, period: Period, until: datetime | None = None,
) -> list[MeetingRow]:
    """Meetings held in the period (not cancelled, already started) with 应到/实到/迟到/请假/缺席.

    应到 is domain.meetings' one definition (`expected_at`), as 签到情况 in chat counts it.
    """
    start, end = period.bounds
    end = min(end, until or timeutil.now())
    stmt = select(StudySession).where(
        StudySession.branch_id == branch_id, col(StudySession.cancelled).is_(False),
        StudySession.starts_at >= start, StudySession.starts_at < end,
    ).order_by(col(StudySession.starts_at), col(StudySession.id))
    held = list((await db.exec(stmt)).all())
    if not held:
        return []
    members = await branch_members(db, branch_id=branch_id)
    # Plain columns, not ORM objects: a year of a large branch is thousands of rows.
    rows_stmt = select(Attendance.session_id, Attendance.member_id, Attendance.status).where(
        col(Attendance.session_id).in_([m.id for m in held]))
    by_meeting: dict[int, dict[int, AttendanceStatus]] = defaultdict(dict)
    for meeting_id, member_id, status in (await db.exec(rows_stmt)).all():
        by_meeting[meeting_id][member_id] = AttendanceStatus(status)
    facts = await meetings.load_facts(db, branch_id=branch_id)
    summary = await meetings.minutes_summary(db, [m.id for m in held if m.id is not None])
    out = []
    for meeting in held:
        row = _meeting_row(meeting, members, by_meeting[meeting.id or 0], facts)
        row.lecturer = meeting.lecturer or ""
        row.minutes, row.photos = summary.get(meeting.id or 0, (None, 0))
        out.append(row)
    return out


def _meeting_row(meeting: StudySession, members: Iterable[Member],
                 statuses: dict[int, AttendanceStatus], facts: meetings.Facts) -> MeetingRow:
    expected = meetings.expected_at(meeting, members, statuses, facts)
    names = {m.id: m.name for m in members}
    return MeetingRow(
        id=meeting.id or 0, day=timeutil.local_date(meeting.starts_at), starts_at=meeting.starts_at,
        title=meeting.title, kind=meeting.kind, place=meeting.place or "", expected=len(expected),
        attended=sum(1 for st in statuses.values() if st in meetings.ATTENDED),
        late=sum(1 for st in statuses.values() if st == AttendanceStatus.LATE),
        leave=sum(1 for st in statuses.values() if st == AttendanceStatus.LEAVE),
        absent=[m.name for m in expected if m.id not in statuses],
        attendees=[(names[mid], st.label) for mid, st in statuses.items() if mid in names],
    )


def overall_rate(rows: list[MeetingRow]) -> float | None:
    """Σ实到 / Σ应到 over meetings; None when none was held."""
    expected = sum(r.expected for r in rows)
    return sum(r.attended for r in rows) / expected if expected else None
