"""The meetings' and volunteer sources: rows materialised by their scans, words decided at send time."""

from datetime import UTC, datetime, timedelta

import time_machine
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from db.models import (
    Attendance,
    AttendanceStatus,
    Claim,
    ClaimStatus,
    HealthCategory,
    Need,
    NeedStatus,
)
from db.models.reminder import Reminder
from domain import reminder
from domain.meetings import schedule_meeting
from tests.domain.reminder import fakes
from tests.domain.reminder.fakes import FakePlatform as FakeOutbox
from tests.factories import make_branch, make_member

NOW = datetime(2026, 11, 22, 4, 0, tzinfo=UTC)  # 12:00 Beijing
START = datetime(2026, 11, 23, 1, 30, tzinfo=UTC)  # tomorrow 09:30 Beijing


async def _rows(session: AsyncSession) -> list[Reminder]:
    rows = list((await session.exec(  # populate_existing: the engine wrote through its own sessions
        select(Reminder).order_by(col(Reminder.due_at)).execution_options(populate_existing=True))).all())
    await session.commit()
    return rows


async def test_study_session_reminders_and_absentees(session: AsyncSession) -> None:
    """−1d already past is not made; −1h is; +10m @-mentions only members expected to come who
    neither signed in nor asked leave."""
    branch = await make_branch(session)
    signed = await make_member(session, branch, "张三", user_id="10002")
    await make_member(session, branch, "李四", user_id="10003")
    leave = await make_member(session, branch, "王五", user_id="10004")
    await make_member(session, branch, "赵六")  # no chat account: signed in by proxy, never @-ed
    # 不能参加活动: not expected at any session (签到情况 leaves them out), so never @-ed either.
    await make_member(session, branch, "钱七", user_id="10005", category=HealthCategory.UNABLE)
    study = await schedule_meeting(session, branch_id=branch.id, starts_at=START, title="学习党章",
                                   place="三楼会议室")
    await session.commit()
    with time_machine.travel(NOW, tick=False):
        assert await fakes.plan_ahead() == 2
        assert await fakes.plan_ahead() == 0
    rows = await _rows(session)
    assert [(r.dedupe_key, r.due_at) for r in rows] == [
        (f"study:{study.id}:-1h", START - timedelta(hours=1)),
        (f"study:{study.id}:+10m", START + timedelta(minutes=10))]
    session.add(Attendance(session_id=study.id, member_id=signed.id, status=AttendanceStatus.PRESENT))
    session.add(Attendance(session_id=study.id, member_id=leave.id, status=AttendanceStatus.LEAVE))
    await session.commit()
    outbox = FakeOutbox()
    with time_machine.travel(START + timedelta(minutes=10), tick=False):
        result = await fakes.dispatch_due(outbox)
    # The −1h one came due 70 min ago, but the session has begun: skipped, not sent late.
    assert (result.sent, result.late, result.skipped) == (1, 0, 1)
    assert outbox.sent[-1] == ("20001", "学习“学习党章”已开始10分钟，以上1位同志还没有签到。"
                               "请发“签到”；不能参加请发“请假 原因”。", ["10003"])
    assert [(r.state, r.last_error) for r in await _rows(session)] == [
        ("skipped", "学习已开始，提醒不再补发"), ("sent", None)]


async def test_study_reminder_words_and_branch_switch_off(session: AsyncSession) -> None:
    """The −1h words show title, time and place; a branch that turned absentee @ off gets none."""
    branch = await make_branch(session)
    await make_member(session, branch, "李四", user_id="10003")
    await schedule_meeting(session, branch_id=branch.id, starts_at=START, title="学习党章", place="三楼")
    await session.commit()
    with time_machine.travel(NOW, tick=False):
        await fakes.plan_ahead()
    await reminder.choose(session, branch.id, study_absent=False)
    await session.commit()
    outbox = FakeOutbox()
    with time_machine.travel(START - timedelta(hours=1), tick=False):
        await fakes.dispatch_due(outbox)
    with time_machine.travel(START + timedelta(minutes=10), tick=False):
        result = await fakes.dispatch_due(outbox)
    assert outbox.sent == [("20001", "【学习提醒】1小时后学习：学习党章\n时间：11月23日（周一）09:30\n"
                                     "地点：三楼\n请准时参加，到场后发“签到”；不能参加请发“请假 原因”。", [])]
    assert result.cancelled == 1
    assert [r.last_error for r in await _rows(session)][-1] == "本支部已关闭未签到提醒"


async def _need(session: AsyncSession, branch_id: int, members: list[int]) -> Need:
    need = Need(branch_id=branch_id, title="社区清扫", starts_at=START + timedelta(days=1),
                ends_at=START + timedelta(days=1, hours=2), place="东门", capacity=5,
                claimed=len(members))
    session.add(need)
    await session.flush()
    for member_id in members:
        session.add(Claim(need_id=need.id, member_id=member_id, status=ClaimStatus.CLAIMED))
    await session.commit()
    return need


async def test_volunteer_claimants_reminded_privately_one_day_before(session: AsyncSession) -> None:
    """One private row per claimant with a chat account; a claim given up before is not reminded."""
    branch = await make_branch(session)
    a = await make_member(session, branch, "张三", user_id="10002")
    b = await make_member(session, branch, "李四", user_id="10003")
    c = await make_member(session, branch, "赵六")
    need = await _need(session, branch.id, [a.id, b.id, c.id])
    with time_machine.travel(NOW, tick=False):
        assert await fakes.plan_ahead() == 2
    rows = await _rows(session)
    assert {(r.target_kind, r.target_id, r.due_at) for r in rows} == {
        ("private", "10002", START), ("private", "10003", START)}
    claim = (await session.exec(select(Claim).where(Claim.member_id == b.id))).one()
    claim.status = ClaimStatus.CANCELLED
    session.add(claim)
    await session.commit()
    outbox = FakeOutbox()
    with time_machine.travel(START, tick=False):
        result = await fakes.dispatch_due(outbox)
    assert (result.sent, result.cancelled) == (1, 1)
    assert outbox.sent == [("10002", f"【志愿服务提醒】明天有您认领的志愿服务：社区清扫（#{need.id}）\n"
                                     "时间：11月24日（周二）09:30\n地点：东门\n"
                                     f"如不能参加，请发“取消认领 #{need.id}”。", [])]


async def test_volunteer_reminder_in_the_group(session: AsyncSession) -> None:
    """A branch that chose 群里: one group message @-mentioning the claimants."""
    branch = await make_branch(session)
    a = await make_member(session, branch, "张三", user_id="10002")
    b = await make_member(session, branch, "李四", user_id="10003")
    await reminder.choose(session, branch.id, volunteer_private=False)
    await session.commit()
    await _need(session, branch.id, [a.id, b.id])
    with time_machine.travel(NOW, tick=False):
        assert await fakes.plan_ahead() == 1
    outbox = FakeOutbox()
    with time_machine.travel(START, tick=False):
        await fakes.dispatch_due(outbox)
    ((target, text, mentions),) = outbox.sent
    assert (target, mentions) == ("20001", ["10002", "10003"])
    assert text.startswith("【志愿服务提醒】明天有大家认领的志愿服务：社区清扫")


async def test_cancelled_need_and_absent_claimant_are_not_reminded(session: AsyncSession) -> None:
    """取消需求 leaves the claims as they were, yet no claimant is reminded; in a need still open,
    a claimant marked 缺勤 is not reminded either."""
    branch = await make_branch(session)
    a = await make_member(session, branch, "张三", user_id="10002")
    b = await make_member(session, branch, "李四", user_id="10003")
    cancelled = await _need(session, branch.id, [a.id])
    kept = await _need(session, branch.id, [a.id, b.id])
    with time_machine.travel(NOW, tick=False):
        assert await fakes.plan_ahead() == 3
    # As the volunteer service leaves them (set directly: the source only reads them).
    cancelled.status = NeedStatus.CANCELLED
    absent = (await session.exec(select(Claim).where(Claim.need_id == kept.id,
                                                     Claim.member_id == b.id))).one()
    absent.status = ClaimStatus.ABSENT
    session.add_all([cancelled, absent])
    await session.commit()
    outbox = FakeOutbox()
    with time_machine.travel(START, tick=False):
        result = await fakes.dispatch_due(outbox)
    assert (result.sent, result.cancelled) == (1, 2)
    assert [(target, f"#{kept.id}" in text) for target, text, _ in outbox.sent] == [("10002", True)]
    assert sorted(r.last_error or "" for r in await _rows(session)) == [
        "", "已取消认领", "需求已取消或已完成"]


async def test_cancelled_study_session_sends_nothing(session: AsyncSession) -> None:
    """A session cancelled after its reminders were planned: each is cancelled at send time."""
    branch = await make_branch(session)
    await make_member(session, branch, "李四", user_id="10003")
    study = await schedule_meeting(session, branch_id=branch.id, starts_at=START, title="学习党章")
    await session.commit()
    with time_machine.travel(NOW, tick=False):
        assert await fakes.plan_ahead() == 2
    study.cancelled = True
    session.add(study)
    await session.commit()
    outbox = FakeOutbox()
    for moment in (START - timedelta(hours=1), START + timedelta(minutes=10)):
        with time_machine.travel(moment, tick=False):
            await fakes.dispatch_due(outbox)
    assert outbox.sent == []
    assert [(r.state, r.last_error) for r in await _rows(session)] == [("cancelled", "学习已取消")] * 2


async def test_pending_group_reminders_follow_the_group_binding(session: AsyncSession) -> None:
    """A group re-bound to another branch (绑定支部 … 确认) no longer gets the old branch's
    reminders; a group now served by another bot account gets them through that account."""
    from db.models import GroupBinding
    from tests.domain.reminder.fakes import add_group_reminder

    old = await make_branch(session)
    new = await make_branch(session, "第二支部", group_id=20002)
    await add_group_reminder(session, START, "k:old", branch_id=old.id, now=NOW)
    await add_group_reminder(session, START, "k:new", branch_id=new.id, group_id="20002", now=NOW)
    bindings = {b.group_id: b for b in (await session.exec(select(GroupBinding))).all()}
    bindings["20001"].branch_id = new.id  # 20001 now belongs to the second branch
    bindings["20002"].self_id = "88888"  # and 20002 is served by a new QQ account
    session.add_all(bindings.values())
    await session.commit()
    with time_machine.travel(NOW, tick=False):
        await fakes.plan_ahead()
    rows = {r.dedupe_key: r for r in await _rows(session)}
    assert (rows["k:old"].state, rows["k:old"].last_error) == ("cancelled", "本支部已不再绑定这个群")
    assert (rows["k:new"].state, rows["k:new"].self_id, rows["k:new"].target_id) == (
        "pending", "88888", "20002")


async def test_switching_volunteer_reminders_to_the_group_does_not_remind_twice(session: AsyncSession) -> None:
    """Private rows were made, then the branch chose 群里: one group message, no private ones."""
    branch = await make_branch(session)
    a = await make_member(session, branch, "张三", user_id="10002")
    await _need(session, branch.id, [a.id])
    with time_machine.travel(NOW, tick=False):
        assert await fakes.plan_ahead() == 1
    await reminder.choose(session, branch.id, volunteer_private=False)
    await session.commit()
    with time_machine.travel(NOW + timedelta(minutes=1), tick=False):
        assert await fakes.plan_ahead() == 1
    outbox = FakeOutbox()
    with time_machine.travel(START, tick=False):
        result = await fakes.dispatch_due(outbox)
    assert ((result.sent, result.cancelled), [(t, m) for t, _, m in outbox.sent]) == (
        (1, 1), [("20001", ["10002"])])


async def test_reminders_of_a_cancelled_need_leave_the_list_at_once(session: AsyncSession) -> None:
    """取消需求: the next plan run cancels its pending rows, so 提醒列表 no longer shows them."""
    branch = await make_branch(session)
    a = await make_member(session, branch, "张三", user_id="10002")
    need = await _need(session, branch.id, [a.id])
    with time_machine.travel(NOW, tick=False):
        assert await fakes.plan_ahead() == 1
    need.status = NeedStatus.CANCELLED
    session.add(need)
    await session.commit()
    with time_machine.travel(NOW + timedelta(minutes=1), tick=False):
        await fakes.plan_ahead()
        listing = await reminder.listing(session, branch.id)
    assert listing.pending == []
    assert [(r.state, r.last_error) for r in await _rows(session)] == [("cancelled", "需求已取消或已完成")]


async def test_no_absentee_call_once_sign_in_has_closed(session: AsyncSession) -> None:
    """结束签到 before the 10 minutes are up: nobody is asked to 签到 into a closed session."""
    branch = await make_branch(session)
    await make_member(session, branch, "李四", user_id="10003")
    study = await schedule_meeting(session, branch_id=branch.id, starts_at=START, title="学习党章")
    await session.commit()
    with time_machine.travel(NOW, tick=False):
        await fakes.plan_ahead()
    study.closes_at = START + timedelta(minutes=5)
    session.add(study)
    await session.commit()
    outbox = FakeOutbox()
    with time_machine.travel(START + timedelta(minutes=10), tick=False):
        result = await fakes.dispatch_due(outbox)
    assert (outbox.sent, result.cancelled) == ([], 1)
    assert (await _rows(session))[-1].last_error == "签到已结束"
