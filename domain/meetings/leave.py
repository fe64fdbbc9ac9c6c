"""Sign-ins other than a member's own 签到: 代签 on their behalf, 请假, and 补签 after the window."""

from dataclasses import dataclass, field

from sqlmodel.ext.asyncio.session import AsyncSession

from core import timeutil
from core.errors import Conflict, InvalidInput, NotFound
from core.refs import PersonRef
from db.models import Attendance, AttendanceStatus, Member, StudySession
from plugins.roster import service as roster
from plugins.signin import texts as t
from plugins.signin.service import (
    ATTENDED,
    SignIn,
    attendance_row,
    award_attendance,
    next_session,
    open_session,
    require_open,
    session_by_id,
    sign_in_to,
)


@dataclass
class ProxyResult:
    """代签 outcome: one SignIn per named member found, and the names not found."""

    study: StudySession
    done: list[SignIn] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)


async def proxy_sign_in(
    session: AsyncSession, *, branch_id: int, platform: str, refs: list[PersonRef],
    operator: Member | None, operator_name: str,
) -> ProxyResult:
    """代签: sign in each named member on their behalf; the record keeps who did it."""
    if not refs:
        raise InvalidInput("请写上要代签的成员姓名，或@他们。", t.EX_PROXY)
    result = ProxyResult(await require_open(session, branch_id))
    seen: set[int] = set()
    for ref in refs:
        try:
            member = await roster.resolve_member(session, branch_id, platform, ref, example=t.EX_PROXY)
        except NotFound:
            result.unknown.append(str(ref))
            continue
        if member.id not in seen:
            seen.add(member.id)
            result.done.append(await sign_in_to(session, result.study, member, proxy=operator,
                                                proxy_name=operator_name))
    return result


async def take_leave(
    session: AsyncSession, *, branch_id: int, member: Member, reason: str | None
) -> tuple[StudySession, Attendance]:
    """请假: leave for the open session, or else the next one; not once signed in."""
    study = await open_session(session, branch_id) or await next_session(session, branch_id)
    if study is None:
        raise NotFound("近期没有安排学习，不用请假。")
    row = await attendance_row(session, study.id, member.id)
    if row is not None and row.status in ATTENDED:
        raise Conflict(f"您已签到（{timeutil.fmt_hm(row.signed_at)}），不用请假了。")
    if row is None:
        row = Attendance(session_id=study.id, member_id=member.id, status=AttendanceStatus.LEAVE)
    row.reason, row.signed_at = (reason or "").strip()[:200] or None, timeutil.now()
    session.add(row)
    await session.flush()
    return study, row


async def make_up(
    session: AsyncSession, *, branch_id: int, session_id: int, platform: str, ref: PersonRef,
    reason: str, operator: Member | None, operator_name: str,
) -> tuple[Member, StudySession, Attendance]:
    """补签: after the window closed, record attendance as a make-up dated now, with points."""
    study = await session_by_id(session, branch_id, session_id)
    member = await roster.resolve_member(session, branch_id, platform, ref, example=t.EX_MAKEUP)
    if not reason.strip():
        raise InvalidInput("请写上补签原因。", t.EX_MAKEUP)
    if study.closes_at > timeutil.now():
        raise Conflict(f"#{study.id} 的签到还没结束，请用“代签 {member.name}”。")
    row = await attendance_row(session, study.id, member.id)
    if row is not None and row.status in ATTENDED:
        raise Conflict(f"{member.name} 在 #{study.id} 已有记录（{AttendanceStatus(row.status).label}），"
                       "不用补签。")
    if row is None:
        row = Attendance(session_id=study.id, member_id=member.id, status=AttendanceStatus.MAKEUP)
    row.status, row.signed_at, row.reason = AttendanceStatus.MAKEUP, timeutil.now(), reason.strip()[:200]
    row.proxy_by = operator.id if operator else None
    session.add(row)
    await session.flush()
    await award_attendance(session, member, study, row, operator, operator_name)
    return member, study, row
