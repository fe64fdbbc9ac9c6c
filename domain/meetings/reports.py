"""Who came: 签到情况 of one session and a member's 学习记录 for the year. No nonebot here."""

from dataclasses import dataclass

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core import timeutil
from core.errors import NotFound
from db.models import (
    Attendance,
    AttendanceStatus,
    HealthCategory,
    Member,
    MemberStatus,
    StudySession,
)
from plugins.signin import texts as t
from plugins.signin.service import ATTENDED, open_session, session_by_id


@dataclass
class Report:
    """签到情况 of one session."""

    study: StudySession
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


def expected_filter():  # noqa: ANN201
    """Who is expected (应到): active members except 不能参加活动 (plus, per session, whoever came)."""
    return (Member.status == MemberStatus.ACTIVE) & (Member.category != HealthCategory.UNABLE)


async def report(session: AsyncSession, *, branch_id: int, session_id: int | None) -> Report:
    """签到情况: the given session, else the open one, else the latest that has started."""
    if session_id is not None:
        study = await session_by_id(session, branch_id, session_id)
    else:
        study = await open_session(session, branch_id) or await _latest_started(session, branch_id)
        if study is None:
            raise NotFound("还没有开始过的学习。发布学习请发送：" + t.EX_PUBLISH)
    rows = (await session.exec(
        select(Member, Attendance).join(Attendance, col(Attendance.member_id) == col(Member.id))
        .where(Attendance.session_id == study.id).order_by(col(Attendance.seq), col(Attendance.id))
    )).all()
    expected = list((await session.exec(
        select(Member).where(Member.branch_id == branch_id, expected_filter())
        .order_by(col(Member.id)))).all())
    marked = {m.id for m, _ in rows}
    # Someone outside 应到 (不能参加活动, or 停用 since) who came or asked for leave still counts,
    # as in the ledger export, so 实到/应到 never passes 100%.
    outside = marked - {m.id for m in expected}
    attended = [(m, a) for m, a in rows if a.status in ATTENDED]
    return Report(
        study=study, expected=len(expected) + len(outside), attended=attended,
        late=[m for m, a in attended if a.status == AttendanceStatus.LATE],
        makeup=[m for m, a in attended if a.status == AttendanceStatus.MAKEUP],
        leave=[(m, a) for m, a in rows if a.status == AttendanceStatus.LEAVE],
        absent=[m for m in expected if m.id not in marked],
    )


async def _latest_started(session: AsyncSession, branch_id: int) -> StudySession | None:
    stmt = select(StudySession).where(
        StudySession.branch_id == branch_id, col(StudySession.cancelled).is_(False),
        StudySession.opens_at <= timeutil.now(),
    ).order_by(col(StudySession.starts_at).desc(), col(StudySession.id).desc()).limit(1)
    return (await session.exec(stmt)).first()


async def my_record(
    session: AsyncSession, *, member: Member, year: int | None = None
) -> list[tuple[StudySession, Attendance | None]]:
    """学习记录: this year's sessions of the member's branch that have started, with their row."""
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
    return list((await session.exec(stmt)).all())
