"""签到 and 代签: a member signed in to the open meeting, 第N位 from an atomic counter, with points."""

import functools
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import bindparam, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core import timeutil
from core.errors import Conflict, InvalidInput, NotFound
from core.refs import PersonRef
from db.models import Attendance, AttendanceStatus, LedgerKind, Member, SessionKind, StudySession
from db.sql import insert_or_ignore
from domain import points, roster
from domain.meetings import texts as t
from domain.meetings.attendance import ATTENDED
from domain.meetings.meetings import next_meeting, open_at, require_open

RULE_KEYS = ("signin_on_time", "signin_late")


@dataclass
class SignIn:
    """The outcome of one sign-in: already is True when the member had signed in before."""

    member: Member
    meeting: StudySession
    attendance: Attendance
    already: bool = False
    points: Decimal | None = None


@dataclass
class ProxyResult:
    """代签 outcome: one SignIn per named member found, and the names not found."""

    meeting: StudySession
    done: list[SignIn] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)


async def attendance_row(db: AsyncSession, *, meeting_id: int, member_id: int) -> Attendance | None:
    """The member's row for the meeting (signed in, late, on leave or made up), if any."""
    stmt = select(Attendance).where(Attendance.session_id == meeting_id,
                                    Attendance.member_id == member_id)
    return (await db.exec(stmt)).first()


async def award_attendance(
    db: AsyncSession, *, member: Member, meeting: StudySession, row: Attendance,
    operator: Member | None, operator_name: str | None, rules: dict[str, Decimal] | None = None,
) -> Decimal | None:
    """The branch's points for coming (on time or late), in this transaction; None when 0."""
    key = "signin_late" if row.status == AttendanceStatus.LATE else "signin_on_time"
    delta = rules[key] if rules else await points.rule(db, member.branch_id, key)
    if meeting.kind != SessionKind.STUDY:  # the branch's rule for this kind, else as 学习
        delta = await points.kind_rule(db, member.branch_id, key, meeting.kind, base=delta)
    if not delta:
        return None
    label = f"{SessionKind(meeting.kind).label}{AttendanceStatus(row.status).label} #{meeting.id}"
    await points.award(db, member=member, delta=delta, kind=LedgerKind.STUDY, reason=label,
                       source=f"signin:{row.id}", operator=operator, operator_name=operator_name)
    return delta


async def _bump(db: AsyncSession, meeting_id: int | None, by: int) -> int:
    """Atomically add to signin_count and return it; the row stays locked until commit."""
    stmt = (
        update(StudySession).where(col(StudySession.id) == meeting_id)
        .values(signin_count=col(StudySession.signin_count) + by)
        .returning(col(StudySession.signin_count))
        .execution_options(synchronize_session=False)
    )
    return int((await db.exec(stmt)).scalar_one())


@functools.cache
def _bump_open_statement() -> Any:
    """_bump_open's UPDATE … RETURNING, built once with bound parameters (signin_branch,
    signin_now): every 签到 runs it, and SQLAlchemy then reuses its cache key and compiled form."""
    branch: Any = bindparam("signin_branch")
    now: Any = bindparam("signin_now")
    open_id = open_at(branch, now).with_only_columns(col(StudySession.id))
    rule_values = [points.rule_value(branch, key) for key in RULE_KEYS]
    return (
        update(StudySession).where(col(StudySession.id) == open_id.scalar_subquery())
        .values(signin_count=col(StudySession.signin_count) + 1)
        .returning(StudySession, col(StudySession.signin_count), *rule_values)
        .execution_options(synchronize_session=False)
    )


async def _bump_open(db: AsyncSession, branch_id: int) -> tuple[StudySession, int, dict[str, Decimal]] | None:
    """Find the open meeting and take its next 第N位 in one statement (None when nothing is open).

    The branch's sign-in points rules come back with it, saving the hot path a round trip.
    """
    params = {"signin_branch": branch_id, "signin_now": timeutil.now()}
    # The count comes as its own column: an already loaded StudySession keeps its stale attributes.
    row = (await db.exec(_bump_open_statement(), params=params)).first()
    if row is None:
        return None
    rules = {key: points.rule_or_default(key, value)
             for key, value in zip(RULE_KEYS, row[2:], strict=True)}
    return row[0], int(row[1]), rules


async def _record(
    db: AsyncSession, meeting: StudySession, seq: int, member: Member, proxy: Member | None,
    proxy_name: str | None, rules: dict[str, Decimal] | None = None,
) -> SignIn:
    """Write the sign-in holding 第seq位 (the meeting row is locked by the bump until commit)."""
    moment = timeutil.now()
    status = AttendanceStatus.LATE if moment > meeting.late_after else AttendanceStatus.PRESENT
    values: dict[str, Any] = dict(session_id=meeting.id, member_id=member.id, status=status, seq=seq,
                                  signed_at=moment, proxy_by=proxy.id if proxy else None)
    # One round trip in the common case; an existing row (signed in before, or on leave) is read after.
    stmt = insert_or_ignore(db, Attendance, index_elements=["session_id", "member_id"],
                            **values).returning(col(Attendance.id))
    new_id = (await db.exec(stmt)).scalar_one_or_none()
    if new_id is not None:
        row = Attendance(id=new_id, **values)
    else:
        found = await attendance_row(db, meeting_id=meeting.id or 0, member_id=member.id or 0)
        assert found is not None
        row = found
        if row.status in ATTENDED:
            await _bump(db, meeting.id, -1)
            return SignIn(member, meeting, row, already=True)
        for key, value in values.items():  # on leave, then came after all
            setattr(row, key, value)
        row.reason = None
        db.add(row)
        await db.flush()
    delta = await award_attendance(db, member=member, meeting=meeting, row=row, operator=proxy,
                                   operator_name=proxy_name, rules=rules)
    return SignIn(member, meeting, row, points=delta)


async def sign_in(db: AsyncSession, *, branch_id: int, member: Member) -> SignIn:
    """签到: the member signs themself in to the branch's open meeting."""
    bumped = await _bump_open(db, branch_id)
    if bumped is None:
        raise NotFound(t.no_open_meeting(await next_meeting(db, branch_id=branch_id)))
    meeting, seq, rules = bumped
    return await _record(db, meeting, seq, member, None, None, rules)


async def sign_in_by_name(db: AsyncSession, *, branch_id: int, member: Member, name: str
                          ) -> SignIn | None:
    """签到 <姓名>, as members answer a roll call: their own name signs them in; another member's
    name is refused (that is 代签, a committee member's); any other word was not a sign-in (None)."""
    if name == member.name:
        return await sign_in(db, branch_id=branch_id, member=member)
    if await roster.member_by_name(db, branch_id=branch_id, name=name) is None:
        return None
    raise Conflict(t.not_your_name(member.name, name), f"代签 {name}")


async def sign_in_to(
    db: AsyncSession, *, meeting: StudySession, member: Member, proxy: Member | None = None,
    proxy_name: str | None = None,
) -> SignIn:
    """Sign a member in to an open meeting (第N位 from the atomic counter, points in this transaction)."""
    return await _record(db, meeting, await _bump(db, meeting.id, 1), member, proxy, proxy_name)


async def proxy_sign_in(
    db: AsyncSession, *, branch_id: int, platform: str, refs: list[PersonRef],
    operator: Member | None, operator_name: str,
) -> ProxyResult:
    """代签: sign in each named member on their behalf; the record keeps who did it."""
    if not refs:
        raise InvalidInput("请写上要代签的成员姓名，或@他们。", t.EX_PROXY)
    result = ProxyResult(await require_open(db, branch_id=branch_id))
    seen: set[int | None] = set()
    for ref in refs:
        try:
            member = await roster.resolve_member(db, branch_id=branch_id, platform=platform, ref=ref,
                                                 example=t.EX_PROXY)
        except NotFound:
            result.unknown.append(str(ref))
            continue
        if member.id not in seen:
            seen.add(member.id)
            result.done.append(await sign_in_to(db, meeting=result.meeting, member=member,
                                                proxy=operator, proxy_name=operator_name))
    return result
