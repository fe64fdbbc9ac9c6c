"""Service tests for sessions and sign-in (SQLite and PostgreSQL)."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core.errors import Conflict, InvalidInput, NotFound
from core.refs import PersonRef
from core.roles import Role
from db.models import (
    Attendance,
    AttendanceStatus,
    Branch,
    HealthCategory,
    LedgerEntry,
    Member,
    MemberStatus,
    SessionKind,
    StudySession,
)
from plugins.signin import records, service, special
from tests.factories import make_branch, make_member

START = datetime(2026, 11, 25, 1, 30, tzinfo=UTC)  # Wednesday 09:30 Beijing


async def _study(session: AsyncSession, branch: Branch, starts: datetime = START,
                 title: str = "学习党章") -> StudySession:
    row = await service.schedule_session(session, branch_id=branch.id, starts_at=starts, title=title)
    await session.commit()
    return row


async def _ledger(session: AsyncSession) -> list[tuple[int, Decimal, str, str | None]]:
    rows = (await session.exec(select(LedgerEntry).order_by(col(LedgerEntry.id)))).all()
    return [(e.member_id, e.delta, e.source, e.operator_name) for e in rows]


async def test_schedule_session_fixes_window(session: AsyncSession) -> None:
    """The window is 30 min before to 60 min after, late after 15 min, by default."""
    branch = await make_branch(session)
    row = await service.schedule_session(session, branch_id=branch.id, starts_at=START,
                                         title="学习党章", place="活动室", kind=SessionKind.PARTYDAY)
    await session.commit()
    got = await session.get(StudySession, row.id)
    assert (got.opens_at, got.late_after, got.closes_at) == (
        START - timedelta(minutes=30), START + timedelta(minutes=15), START + timedelta(minutes=60))
    assert (got.kind, got.title, got.place, got.signin_count) == (
        SessionKind.PARTYDAY, "学习党章", "活动室", 0)


async def test_sign_in_on_time_awards_points_once(session: AsyncSession) -> None:
    """First 签到 is 第1位 with 2 points; a second one changes nothing and says when."""
    branch = await make_branch(session)
    zhang = await make_member(session, branch, "张三")
    study = await _study(session, branch)
    with time_machine.travel(START - timedelta(minutes=2), tick=False):
        first = await service.sign_in(session, branch_id=branch.id, member=zhang)
        await session.commit()
    with time_machine.travel(START + timedelta(minutes=5), tick=False):
        again = await service.sign_in(session, branch_id=branch.id, member=zhang)
        await session.commit()
    assert (first.already, first.attendance.seq, first.attendance.status) == (
        False, 1, AttendanceStatus.PRESENT)
    assert (again.already, again.attendance.signed_at) == (True, START - timedelta(minutes=2))
    await session.refresh(study)
    assert study.signin_count == 1
    assert await _ledger(session) == [(zhang.id, Decimal("2"), f"signin:{first.attendance.id}", None)]


async def test_late_sign_in_earns_late_points(session: AsyncSession) -> None:
    """After 15 minutes past the start it is 迟到 and earns signin_late."""
    branch = await make_branch(session)
    zhang = await make_member(session, branch, "张三")
    await _study(session, branch)
    with time_machine.travel(START + timedelta(minutes=16), tick=False):
        result = await service.sign_in(session, branch_id=branch.id, member=zhang)
        await session.commit()
    assert result.attendance.status == AttendanceStatus.LATE
    assert await _ledger(session) == [(zhang.id, Decimal("1"), f"signin:{result.attendance.id}", None)]


async def test_no_open_session_names_the_next_one(session: AsyncSession) -> None:
    """Outside any window the refusal says when the next session opens."""
    branch = await make_branch(session)
    zhang = await make_member(session, branch, "张三")
    with time_machine.travel(START - timedelta(days=1), tick=False):
        with pytest.raises(NotFound) as empty:
            await service.sign_in(session, branch_id=branch.id, member=zhang)
        study = await _study(session, branch)
        with pytest.raises(NotFound) as upcoming:
            await service.sign_in(session, branch_id=branch.id, member=zhang)
    assert empty.value.reply == "现在没有进行中的签到，近期也没有安排学习。"
    assert upcoming.value.reply == (f"现在没有进行中的签到。下一次：#{study.id} 学习「学习党章」"
                                    "11月25日（周三）09:30，11月25日 09:00起可以签到。")


async def test_leave_then_sign_in_upgrades_the_row(session: AsyncSession) -> None:
    """请假 before the session is recorded; coming anyway turns it into a sign-in."""
    branch = await make_branch(session)
    zhang = await make_member(session, branch, "张三")
    study = await _study(session, branch)
    with time_machine.travel(START - timedelta(days=1), tick=False):
        leave_for, row = await special.take_leave(session, branch_id=branch.id, member=zhang,
                                                  reason="看病")
        await session.commit()
    assert (leave_for.id, row.status, row.reason) == (study.id, AttendanceStatus.LEAVE, "看病")
    with time_machine.travel(START, tick=False):
        result = await service.sign_in(session, branch_id=branch.id, member=zhang)
        await session.commit()
        with pytest.raises(Conflict):
            await special.take_leave(session, branch_id=branch.id, member=zhang, reason=None)
    rows = (await session.exec(select(Attendance))).all()
    assert [(a.status, a.seq, a.reason) for a in rows] == [(AttendanceStatus.PRESENT, 1, None)]
    assert result.attendance.id == row.id


async def test_proxy_sign_in_records_operator_and_same_points(session: AsyncSession) -> None:
    """代签 signs in several, keeps who did it, reports unknown names and earlier sign-ins."""
    branch = await make_branch(session)
    sec = await make_member(session, branch, "王书记", user_id="10001", role=Role.SECRETARY)
    zhang = await make_member(session, branch, "张三")
    li = await make_member(session, branch, "李四", user_id="10005")
    await _study(session, branch)
    with time_machine.travel(START, tick=False):
        await service.sign_in(session, branch_id=branch.id, member=li)
        result = await special.proxy_sign_in(
            session, branch_id=branch.id, platform="onebot",
            refs=[PersonRef(name="张三"), PersonRef(user_id="10005"), PersonRef(name="赵六"),
                  PersonRef(name="张三")],
            operator=sec, operator_name=sec.name)
        await session.commit()
    assert [(r.member.name, r.already, r.attendance.seq) for r in result.done] == [
        ("张三", False, 2), ("李四", True, 1)]
    assert result.unknown == ["赵六"]
    row = (await session.exec(select(Attendance).where(Attendance.member_id == zhang.id))).one()
    assert (row.proxy_by, row.status) == (sec.id, AttendanceStatus.PRESENT)
    ledger = await _ledger(session)
    assert ledger[1] == (zhang.id, Decimal("2"), f"signin:{row.id}", "王书记")


async def test_make_up_only_after_close_and_dated_now(session: AsyncSession) -> None:
    """补签 is refused while signing in is open; afterwards it is dated now, with points."""
    branch = await make_branch(session)
    zhang = await make_member(session, branch, "张三")
    study = await _study(session, branch)
    args = dict(branch_id=branch.id, session_id=study.id, platform="onebot",
                ref=PersonRef(name="张三"), reason="忘记签到", operator=None, operator_name="管理员")
    with time_machine.travel(START, tick=False), pytest.raises(Conflict):
        await special.make_up(session, **args)
    later = START + timedelta(days=1)
    with time_machine.travel(later, tick=False):
        member, _, row = await special.make_up(session, **args)
        await session.commit()
        with pytest.raises(Conflict):
            await special.make_up(session, **args)
    assert (member.id, row.status, row.signed_at, row.reason) == (
        zhang.id, AttendanceStatus.MAKEUP, later, "忘记签到")
    assert await _ledger(session) == [(zhang.id, Decimal("2"), f"signin:{row.id}", "管理员")]
    with pytest.raises(NotFound):
        await special.make_up(session, **{**args, "session_id": 999})


async def test_report_counts_expected_members(session: AsyncSession) -> None:
    """应到 excludes 不能参加活动 and 停用; 实到 counts late and make-up; rate = 实到/应到."""
    branch = await make_branch(session)
    names = ["张三", "李四", "王五", "赵六", "钱七"]
    members = [await make_member(session, branch, n) for n in names]
    await make_member(session, branch, "孙八", category=HealthCategory.UNABLE)
    gone = await make_member(session, branch, "周九")
    gone.status = MemberStatus.INACTIVE
    session.add(gone)
    await session.commit()
    study = await _study(session, branch)
    with time_machine.travel(START, tick=False):
        await service.sign_in(session, branch_id=branch.id, member=members[0])
        await special.take_leave(session, branch_id=branch.id, member=members[2], reason="住院")
        await session.commit()
    with time_machine.travel(START + timedelta(minutes=20), tick=False):
        await service.sign_in(session, branch_id=branch.id, member=members[1])
        await session.commit()
    with time_machine.travel(START + timedelta(hours=2), tick=False):
        report = await records.report(session, branch_id=branch.id, session_id=None)
    assert report.study.id == study.id
    assert (report.expected, [m.name for m, _ in report.attended], [m.name for m in report.late]) == (
        5, ["张三", "李四"], ["李四"])
    assert ([m.name for m, _ in report.leave], [m.name for m in report.absent]) == (
        ["王五"], ["赵六", "钱七"])
    assert report.rate == pytest.approx(0.4)


async def test_report_counts_an_unable_member_who_came(session: AsyncSession) -> None:
    """A 不能参加活动 member who signs in anyway counts in 应到 too: the rate never passes 100%."""
    branch = await make_branch(session)
    zhang = await make_member(session, branch, "张三")
    sun = await make_member(session, branch, "孙八", category=HealthCategory.UNABLE)
    await _study(session, branch)
    with time_machine.travel(START, tick=False):
        for member in (zhang, sun):
            await service.sign_in(session, branch_id=branch.id, member=member)
        await session.commit()
        report = await records.report(session, branch_id=branch.id, session_id=None)
    assert (report.expected, len(report.attended), report.rate) == (2, 2, 1.0)


async def test_start_and_end_session(session: AsyncSession) -> None:
    """开始签到 opens at once; a second is refused; 结束签到 closes it, later 签到 is refused."""
    branch = await make_branch(session)
    zhang = await make_member(session, branch, "张三")
    moment = datetime(2026, 11, 25, 6, 0, 20, tzinfo=UTC)
    with time_machine.travel(moment, tick=False):
        study = await service.start_now(session, branch_id=branch.id, title="", created_by=None)
        await session.commit()
        with pytest.raises(Conflict):
            await service.start_now(session, branch_id=branch.id, title="再来", created_by=None)
        await service.sign_in(session, branch_id=branch.id, member=zhang)
        await session.commit()
    assert (study.title, study.starts_at, study.kind) == ("学习", moment.replace(second=0),
                                                          SessionKind.STUDY)
    with time_machine.travel(moment + timedelta(minutes=5), tick=False):
        closed = await service.end_session(session, branch.id)
        await session.commit()
        with pytest.raises(NotFound):
            await service.sign_in(session, branch_id=branch.id, member=zhang)
    assert closed.closes_at == moment + timedelta(minutes=5)


@time_machine.travel(datetime(2026, 11, 22, 12, 0, tzinfo=UTC), tick=False)
async def test_publish_parses_time_title_and_place(session: AsyncSession) -> None:
    """发布学习 takes the leading time, then the title and the last word as the place."""
    branch = await make_branch(session)
    study = await service.publish(session, branch_id=branch.id,
                                  text="11月25日9点半 学习党章 第一会议室", created_by=None)
    assert (study.starts_at, study.title, study.place) == (START, "学习党章", "第一会议室")
    with pytest.raises(InvalidInput) as past:
        await service.publish(session, branch_id=branch.id, text="11月21日9点 学习", created_by=None)
    assert past.value.message == "这个时间（11月21日 09:00）已经过去了，请写以后的时间。"
    with pytest.raises(InvalidInput) as garbled:
        await service.publish(session, branch_id=branch.id, text="改天 学习", created_by=None)
    assert garbled.value.message.startswith("时间没看懂")
    with pytest.raises(InvalidInput):
        await service.publish(session, branch_id=branch.id, text="明天上午9点", created_by=None)


async def test_my_record_lists_this_year(session: AsyncSession) -> None:
    """学习记录: attended, late, leave and absent of this year's started sessions."""
    branch = await make_branch(session)
    zhang = await make_member(session, branch, "张三")
    starts = [START - timedelta(days=d) for d in (21, 14, 7)]
    for s in [*starts, START - timedelta(days=400), START + timedelta(days=7)]:
        await _study(session, branch, s)
    with time_machine.travel(starts[0], tick=False):
        await service.sign_in(session, branch_id=branch.id, member=zhang)
        await session.commit()
    with time_machine.travel(starts[1] - timedelta(days=1), tick=False):
        await special.take_leave(session, branch_id=branch.id, member=zhang, reason=None)
        await session.commit()
    with time_machine.travel(START, tick=False):
        rows = await records.my_record(session, member=zhang)
    assert [(s.starts_at, a.status if a else None) for s, a in rows] == [
        (starts[0], AttendanceStatus.PRESENT), (starts[1], AttendanceStatus.LEAVE), (starts[2], None)]
    assert isinstance(zhang, Member)


@pytest.mark.parametrize(("text", "starts"), [
    ("2026-11-25 09:30 学习党章", START),
    ("11-25 9:30 学习党章", START),
    ("11月25日9点半 学习党章", START),
    ("明天上午9点 学习党章", datetime(2026, 11, 23, 1, 0, tzinfo=UTC)),
    ("下周三14:00 学习党章", datetime(2026, 11, 25, 6, 0, tzinfo=UTC)),
    ("１１月２５日　９：３０　学习党章", START),
])
def test_publish_understands_how_people_write_times(text: str, starts: datetime) -> None:
    """The forms in the issue, read in Beijing time on Sunday 22 November 2026 (20:00)."""
    moment = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
    assert service.parse_publish(text, moment) == (starts, "学习党章", None)
