"""Meetings and sign-in, on a database alone (SQLite and PostgreSQL)."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core.errors import Conflict, NotFound
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
from domain import meetings, points
from tests.factories import OTHER_GROUP_ID, make_branch, make_member
from tests.statements import statements

START = datetime(2026, 11, 25, 1, 30, tzinfo=UTC)  # Wednesday 09:30 Beijing


async def _study(db: AsyncSession, branch: Branch, starts: datetime = START,
                 title: str = "学习党章") -> StudySession:
    row = await meetings.schedule_meeting(db, branch_id=branch.id, starts_at=starts, title=title)
    await db.commit()
    return row


async def _ledger(db: AsyncSession) -> list[tuple[int, Decimal, str, str | None]]:
    rows = (await db.exec(select(LedgerEntry).order_by(col(LedgerEntry.id)))).all()
    return [(e.member_id, e.delta, e.source, e.operator_name) for e in rows]


async def test_schedule_session_fixes_window(db: AsyncSession) -> None:
    """The window is 30 min before to 60 min after, late after 15 min, by default."""
    branch = await make_branch(db)
    row = await meetings.schedule_meeting(db, branch_id=branch.id, starts_at=START,
                                         title="学习党章", place="活动室", kind=SessionKind.PARTYDAY)
    await db.commit()
    got = await db.get(StudySession, row.id)
    assert (got.opens_at, got.late_after, got.closes_at) == (
        START - timedelta(minutes=30), START + timedelta(minutes=15), START + timedelta(minutes=60))
    assert (got.kind, got.title, got.place, got.signin_count) == (
        SessionKind.PARTYDAY, "学习党章", "活动室", 0)


async def test_sign_in_on_time_awards_points_once(db: AsyncSession) -> None:
    """First 签到 is 第1位 with 2 points; a second one changes nothing and says when."""
    branch = await make_branch(db)
    zhang = await make_member(db, branch, "张三")
    study = await _study(db, branch)
    with time_machine.travel(START - timedelta(minutes=2), tick=False):
        first = await meetings.sign_in(db, branch_id=branch.id, member=zhang)
        await db.commit()
    with time_machine.travel(START + timedelta(minutes=5), tick=False):
        again = await meetings.sign_in(db, branch_id=branch.id, member=zhang)
        await db.commit()
    assert (first.already, first.attendance.seq, first.attendance.status) == (
        False, 1, AttendanceStatus.PRESENT)
    assert (again.already, again.attendance.signed_at) == (True, START - timedelta(minutes=2))
    await db.refresh(study)
    assert study.signin_count == 1
    assert await _ledger(db) == [(zhang.id, Decimal("2"), f"signin:{first.attendance.id}", None)]


async def test_late_sign_in_earns_late_points(db: AsyncSession) -> None:
    """After 15 minutes past the start it is 迟到 and earns signin_late."""
    branch = await make_branch(db)
    zhang = await make_member(db, branch, "张三")
    await _study(db, branch)
    with time_machine.travel(START + timedelta(minutes=16), tick=False):
        result = await meetings.sign_in(db, branch_id=branch.id, member=zhang)
        await db.commit()
    assert result.attendance.status == AttendanceStatus.LATE
    assert await _ledger(db) == [(zhang.id, Decimal("1"), f"signin:{result.attendance.id}", None)]


async def test_no_open_session_names_the_next_one(db: AsyncSession) -> None:
    """Outside any window the refusal says when the next db opens."""
    branch = await make_branch(db)
    zhang = await make_member(db, branch, "张三")
    with time_machine.travel(START - timedelta(days=1), tick=False):
        with pytest.raises(NotFound) as empty:
            await meetings.sign_in(db, branch_id=branch.id, member=zhang)
        study = await _study(db, branch)
        with pytest.raises(NotFound) as upcoming:
            await meetings.sign_in(db, branch_id=branch.id, member=zhang)
    assert empty.value.reply == "现在没有进行中的签到，近期也没有安排学习。"
    assert upcoming.value.reply == (f"现在没有进行中的签到。下一次：#{study.id} 学习「学习党章」"
                                    "11月25日（周三）09:30，11月25日 09:00起可以签到。")


async def test_leave_then_sign_in_upgrades_the_row(db: AsyncSession) -> None:
    """请假 before the db is recorded; coming anyway turns it into a sign-in."""
    branch = await make_branch(db)
    zhang = await make_member(db, branch, "张三")
    study = await _study(db, branch)
    with time_machine.travel(START - timedelta(days=1), tick=False):
        leave_for, row = await meetings.take_leave(db, branch_id=branch.id, member=zhang,
                                                  reason="看病")
        await db.commit()
    assert (leave_for.id, row.status, row.reason) == (study.id, AttendanceStatus.LEAVE, "看病")
    with time_machine.travel(START, tick=False):
        result = await meetings.sign_in(db, branch_id=branch.id, member=zhang)
        await db.commit()
        with pytest.raises(Conflict):
            await meetings.take_leave(db, branch_id=branch.id, member=zhang, reason=None)
    rows = (await db.exec(select(Attendance))).all()
    assert [(a.status, a.seq, a.reason) for a in rows] == [(AttendanceStatus.PRESENT, 1, None)]
    assert result.attendance.id == row.id


async def test_bare_leave_takes_the_open_meeting_else_the_next(db: AsyncSession) -> None:
    """请假 without #N: the open meeting (a cancelled one never), else the next; none after the
    last. Two statements (the meeting, the row's INSERT … ON CONFLICT); a refusal reads the row."""
    branch = await make_branch(db)
    zhang = await make_member(db, branch, "张三")
    cancelled = await _study(db, branch, START - timedelta(minutes=10))
    cancelled.cancelled = True
    db.add(cancelled)
    await db.commit()
    now, later = await _study(db, branch), await _study(db, branch, START + timedelta(days=1))
    taken = []
    for moment in (START, START + timedelta(hours=2)):
        with time_machine.travel(moment, tick=False), statements() as run:
            meeting, row = await meetings.take_leave(db, branch_id=branch.id, member=zhang,
                                                     reason=" 住院 ")
            await db.commit()
        taken.append((meeting.id, row.session_id, row.status, row.reason, row.signed_at, run))
    with time_machine.travel(START + timedelta(days=2), tick=False), pytest.raises(
            NotFound, match="^近期没有安排会议，不用请假。$"):
        await meetings.take_leave(db, branch_id=branch.id, member=zhang, reason=None)
    await db.commit()  # nothing written (a rollback would expire the test's objects)
    with time_machine.travel(START + timedelta(days=1), tick=False):
        await meetings.sign_in(db, branch_id=branch.id, member=zhang)
        await db.commit()
        with statements() as refused, pytest.raises(Conflict, match="^您已签到（09:30），不用请假了。$"):
            await meetings.take_leave(db, branch_id=branch.id, member=zhang, reason=None)
    assert taken == [
        (now.id, now.id, AttendanceStatus.LEAVE, "住院", START, ["SELECT", "INSERT"]),
        (later.id, later.id, AttendanceStatus.LEAVE, "住院", START + timedelta(hours=2),
         ["SELECT", "INSERT"])]
    assert refused == ["SELECT", "INSERT", "SELECT"]


async def test_leave_again_keeps_the_row_and_updates_it(db: AsyncSession) -> None:
    """A second 请假 (or 代请假) for the same meeting updates the row on leave: reason, time and
    who asked; its id and status stay."""
    branch = await make_branch(db)
    zhang, wang = await make_member(db, branch, "张三"), await make_member(db, branch, "王书记")
    study = await _study(db, branch)
    with time_machine.travel(START - timedelta(days=1), tick=False):
        _, first = await meetings.take_leave(db, branch_id=branch.id, member=zhang, reason="看病")
        await db.commit()
    with time_machine.travel(START - timedelta(hours=1), tick=False):
        _, second = await meetings.take_leave(db, branch_id=branch.id, member=zhang, reason=None,
                                              meeting_id=study.id, proxy=wang)
        await db.commit()
    rows = (await db.exec(select(Attendance))).all()
    assert [(a.id, a.status, a.reason, a.proxy_by, a.signed_at, a.seq) for a in rows] == [
        (first.id, AttendanceStatus.LEAVE, None, wang.id, START - timedelta(hours=1), None)]
    assert second is first


async def test_proxy_sign_in_records_operator_and_same_points(db: AsyncSession) -> None:
    """代签 signs in several, keeps who did it, reports unknown names and earlier sign-ins."""
    branch = await make_branch(db)
    sec = await make_member(db, branch, "王书记", user_id="10001", role=Role.SECRETARY)
    zhang = await make_member(db, branch, "张三")
    li = await make_member(db, branch, "李四", user_id="10005")
    await _study(db, branch)
    with time_machine.travel(START, tick=False):
        await meetings.sign_in(db, branch_id=branch.id, member=li)
        result = await meetings.proxy_sign_in(
            db, branch_id=branch.id, platform="onebot",
            refs=[PersonRef(name="张三"), PersonRef(user_id="10005"), PersonRef(name="赵六"),
                  PersonRef(name="张三")],
            operator=sec, operator_name=sec.name)
        await db.commit()
    assert [(r.member.name, r.already, r.attendance.seq) for r in result.done] == [
        ("张三", False, 2), ("李四", True, 1)]
    assert result.unknown == ["赵六"]
    row = (await db.exec(select(Attendance).where(Attendance.member_id == zhang.id))).one()
    assert (row.proxy_by, row.status) == (sec.id, AttendanceStatus.PRESENT)
    ledger = await _ledger(db)
    assert ledger[1] == (zhang.id, Decimal("2"), f"signin:{row.id}", "王书记")


async def test_make_up_only_after_close_and_dated_now(db: AsyncSession) -> None:
    """补签 is refused while signing in is open; afterwards it is dated now, with points."""
    branch = await make_branch(db)
    zhang = await make_member(db, branch, "张三")
    study = await _study(db, branch)
    args = dict(branch_id=branch.id, meeting_id=study.id, platform="onebot",
                ref=PersonRef(name="张三"), reason="忘记签到", operator=None, operator_name="管理员")
    with time_machine.travel(START, tick=False), pytest.raises(Conflict):
        await meetings.make_up(db, **args)
    later = START + timedelta(days=1)
    with time_machine.travel(later, tick=False):
        member, _, row = await meetings.make_up(db, **args)
        await db.commit()
        with pytest.raises(Conflict):
            await meetings.make_up(db, **args)
    assert (member.id, row.status, row.signed_at, row.reason) == (
        zhang.id, AttendanceStatus.MAKEUP, later, "忘记签到")
    assert await _ledger(db) == [(zhang.id, Decimal("2"), f"signin:{row.id}", "管理员")]
    with pytest.raises(NotFound):
        await meetings.make_up(db, **{**args, "meeting_id": 999})


async def test_report_counts_expected_members(db: AsyncSession) -> None:
    """应到 excludes 不能参加活动 and 停用; 实到 counts late and make-up; rate = 实到/应到."""
    branch = await make_branch(db)
    names = ["张三", "李四", "王五", "赵六", "钱七"]
    members = [await make_member(db, branch, n) for n in names]
    await make_member(db, branch, "孙八", category=HealthCategory.UNABLE)
    gone = await make_member(db, branch, "周九")
    gone.status = MemberStatus.INACTIVE
    db.add(gone)
    await db.commit()
    study = await _study(db, branch)
    with time_machine.travel(START, tick=False):
        await meetings.sign_in(db, branch_id=branch.id, member=members[0])
        await meetings.take_leave(db, branch_id=branch.id, member=members[2], reason="住院")
        await db.commit()
    with time_machine.travel(START + timedelta(minutes=20), tick=False):
        await meetings.sign_in(db, branch_id=branch.id, member=members[1])
        await db.commit()
    with time_machine.travel(START + timedelta(hours=2), tick=False):
        report = await meetings.meeting_report(db, branch_id=branch.id, meeting_id=None)
    assert report.meeting.id == study.id
    assert (report.expected, [m.name for m, _ in report.attended], [m.name for m in report.late]) == (
        5, ["张三", "李四"], ["李四"])
    assert ([m.name for m, _ in report.leave], [m.name for m in report.absent]) == (
        ["王五"], ["赵六", "钱七"])
    assert report.rate == pytest.approx(0.4)


async def test_report_counts_an_unable_member_who_came(db: AsyncSession) -> None:
    """A 不能参加活动 member who signs in anyway counts in 应到 too: the rate never passes 100%."""
    branch = await make_branch(db)
    zhang = await make_member(db, branch, "张三")
    sun = await make_member(db, branch, "孙八", category=HealthCategory.UNABLE)
    await _study(db, branch)
    with time_machine.travel(START, tick=False):
        for member in (zhang, sun):
            await meetings.sign_in(db, branch_id=branch.id, member=member)
        await db.commit()
        report = await meetings.meeting_report(db, branch_id=branch.id, meeting_id=None)
    assert (report.expected, len(report.attended), report.rate) == (2, 2, 1.0)


async def test_start_and_end_session(db: AsyncSession) -> None:
    """开始签到 opens at once; a second is refused; 结束签到 closes it, later 签到 is refused."""
    branch = await make_branch(db)
    zhang = await make_member(db, branch, "张三")
    moment = datetime(2026, 11, 25, 6, 0, 20, tzinfo=UTC)
    with time_machine.travel(moment, tick=False):
        study = await meetings.start_now(db, branch_id=branch.id, title="", created_by=None)
        await db.commit()
        with pytest.raises(Conflict):
            await meetings.start_now(db, branch_id=branch.id, title="再来", created_by=None)
        await meetings.sign_in(db, branch_id=branch.id, member=zhang)
        await db.commit()
    assert (study.title, study.starts_at, study.kind) == ("学习", moment.replace(second=0),
                                                          SessionKind.STUDY)
    with time_machine.travel(moment + timedelta(minutes=5), tick=False):
        closed = await meetings.end_now(db, branch_id=branch.id)
        await db.commit()
        with pytest.raises(NotFound):
            await meetings.sign_in(db, branch_id=branch.id, member=zhang)
    assert closed.closes_at == moment + timedelta(minutes=5)


async def test_my_record_lists_this_year(db: AsyncSession) -> None:
    """学习记录: attended, late, leave and absent of this year's started sessions."""
    branch = await make_branch(db)
    zhang = await make_member(db, branch, "张三")
    starts = [START - timedelta(days=d) for d in (21, 14, 7)]
    for s in [*starts, START - timedelta(days=400), START + timedelta(days=7)]:
        await _study(db, branch, s)
    with time_machine.travel(starts[0], tick=False):
        await meetings.sign_in(db, branch_id=branch.id, member=zhang)
        await db.commit()
    with time_machine.travel(starts[1] - timedelta(days=1), tick=False):
        await meetings.take_leave(db, branch_id=branch.id, member=zhang, reason=None)
        await db.commit()
    with time_machine.travel(START, tick=False):
        rows = await meetings.year_record(db, member=zhang)
    assert [(s.starts_at, a.status if a else None) for s, a in rows] == [
        (starts[0], AttendanceStatus.PRESENT), (starts[1], AttendanceStatus.LEAVE), (starts[2], None)]
    assert isinstance(zhang, Member)


async def test_sign_in_reads_branch_rules_with_the_counter(db: AsyncSession) -> None:
    """The rules fetched with 第N位 are the branch's own: 按时 3 here, 迟到 0 (no entry), others default."""
    branch, other = await make_branch(db), await make_branch(db, "第二支部", OTHER_GROUP_ID)
    zhang, li = await make_member(db, branch, "张三"), await make_member(db, branch, "李四")
    wang = await make_member(db, other, "王五")
    await points.set_rules(db, branch.id, {"signin_on_time": Decimal(3),
                                                "signin_late": Decimal(0)}, by="王书记")
    for b in (branch, other):
        await meetings.schedule_meeting(db, branch_id=b.id, starts_at=START, title="学习党章")
    await db.commit()
    with time_machine.travel(START, tick=False):
        on_time = await meetings.sign_in(db, branch_id=branch.id, member=zhang)
        default = await meetings.sign_in(db, branch_id=other.id, member=wang)
        await db.commit()
    with time_machine.travel(START + timedelta(minutes=20), tick=False):
        late = await meetings.sign_in(db, branch_id=branch.id, member=li)
        await db.commit()
    assert (on_time.points, default.points, late.points) == (Decimal(3), Decimal(2), None)
    entries = (await db.exec(select(LedgerEntry).order_by(col(LedgerEntry.id)))).all()
    assert [(e.member_id, e.delta) for e in entries] == [(zhang.id, Decimal(3)), (wang.id, Decimal(2))]
    assert late.attendance.status == AttendanceStatus.LATE
