"""Notice rules on a real database (SQLite and PostgreSQL): who is expected, one receipt each."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from core.errors import Conflict, InvalidInput, NotFound
from core.refs import PersonRef
from core.roles import Role
from db import engine as db_engine
from db.models import HealthCategory, MemberStatus
from db.models.notice import Channel, NoticeReceipt
from domain import notices
from tests.factories import make_branch, make_member
from tests.statements import statements

NOW = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)  # Thursday 10:00 Beijing


async def _branch(db: AsyncSession):
    """王书记 (secretary, QQ), 张三 (QQ), 李四 (no QQ, 不能参加活动)."""
    branch = await make_branch(db)
    secretary = await make_member(db, branch, "王书记", user_id="10001", role=Role.SECRETARY)
    zhang = await make_member(db, branch, "张三", user_id="10002")
    li = await make_member(db, branch, "李四", category=HealthCategory.UNABLE)
    return branch, secretary, zhang, li


async def _post(db: AsyncSession, branch, author, text: str = "周五学习", now: datetime = NOW):
    notice = await notices.create_notice(db, branch_id=branch.id, text=text, now=now,
                                         author=notices.Author(author.name, author.id))
    await db.commit()
    return notice


async def test_expected_is_every_active_member_at_notice_time(db: AsyncSession) -> None:
    """No-QQ and 不能参加 members are expected; deactivated later stays, added later is not."""
    branch, secretary, zhang, li = await _branch(db)
    gone = await make_member(db, branch, "赵五")
    gone.status = MemberStatus.INACTIVE
    db.add(gone)
    await db.commit()
    notice = await _post(db, branch, secretary)
    zhang.status = MemberStatus.INACTIVE
    db.add(zhang)
    await make_member(db, branch, "新来的", user_id="10009")
    reach = await notices.reach_of(db, notice)
    assert [(p.name, p.reached, p.active) for p in reach.people] == [
        ("王书记", True, True), ("张三", False, False), ("李四", False, True)]
    assert notice.number == 1 and reach.expected == 3


async def test_numbers_count_per_branch(db: AsyncSession) -> None:
    """Each branch's notices read #1, #2 whatever other branches posted."""
    first, secretary, _, _ = await _branch(db)
    other = await make_branch(db, "第二支部", group_id=20002)
    other_secretary = await make_member(db, other, "刘书记", user_id="20001", role=Role.SECRETARY)
    numbers = [(await _post(db, first, secretary)).number,
               (await _post(db, other, other_secretary)).number,
               (await _post(db, first, secretary)).number]
    assert numbers == [1, 1, 2]


async def test_bare_ack_takes_the_newest_unanswered_then_the_older(db: AsyncSession) -> None:
    """Two open notices: 收到 answers #2 first, then #1, then says gently there is nothing left."""
    branch, secretary, zhang, _ = await _branch(db)
    await _post(db, branch, secretary, "第一条", NOW - timedelta(hours=2))
    await _post(db, branch, secretary, "第二条", NOW - timedelta(hours=1))
    first = await notices.acknowledge(db, branch_id=branch.id, member=zhang, now=NOW)
    second = await notices.acknowledge(db, branch_id=branch.id, member=zhang, now=NOW)
    assert [(a.notice.number, a.new, a.reached, a.expected) for a in (first, second)] == [
        (2, True, 2, 3), (1, True, 2, 3)]
    with pytest.raises(Conflict, match="^最近的通知您都已收到，谢谢您！$"):
        await notices.acknowledge(db, branch_id=branch.id, member=zhang, now=NOW)


async def test_ack_without_any_recent_notice_is_answered_gently(db: AsyncSession) -> None:
    """A notice older than the open window is not what a bare 收到 means; 收到 #N still works."""
    branch, secretary, zhang, _ = await _branch(db)
    with pytest.raises(Conflict, match="^最近没有需要回复的通知。谢谢您！$"):
        await notices.acknowledge(db, branch_id=branch.id, member=zhang, now=NOW)
    await _post(db, branch, secretary, now=NOW - timedelta(days=notices.OPEN_DAYS, seconds=1))
    with pytest.raises(Conflict, match="最近没有"):
        await notices.acknowledge(db, branch_id=branch.id, member=zhang, now=NOW)
    ack = await notices.acknowledge(db, branch_id=branch.id, member=zhang, number=1, now=NOW)
    assert (ack.notice.number, ack.new) == (1, True)


async def test_first_receipt_wins(db: AsyncSession) -> None:
    """收到 #1 twice, then 已传达 by phone: one receipt, the first (QQ, its time)."""
    branch, secretary, zhang, li = await _branch(db)
    await _post(db, branch, secretary)
    await notices.acknowledge(db, branch_id=branch.id, member=zhang, number=1, now=NOW)
    again = await notices.acknowledge(db, branch_id=branch.id, member=zhang, number=1,
                                      now=NOW + timedelta(minutes=5))
    relayed = await notices.record_offline(db, branch_id=branch.id, number=1, by=secretary,
                                           refs=[PersonRef(name="张三"), PersonRef(name="李四")],
                                           channel=Channel.PHONE, note="已转告")
    assert (again.new, again.at) == (False, NOW)
    assert [m.name for m in relayed.recorded] == ["李四"]
    assert [(m.name, c) for m, c in relayed.already] == [("张三", Channel.QQ)]
    assert (relayed.reached, relayed.expected) == (3, 3)
    rows = (await db.exec(select(NoticeReceipt.member_id, NoticeReceipt.channel,
                                 NoticeReceipt.recorded_by_name, NoticeReceipt.note)
                          .order_by(NoticeReceipt.member_id))).all()
    assert [tuple(r) for r in rows] == [(secretary.id, "qq", None, None), (zhang.id, "qq", None, None),
                                        (li.id, "phone", "王书记", "已转告")]


async def test_offline_then_ack_keeps_the_phone_call(db: AsyncSession) -> None:
    """已传达 first, 收到 later: still reached by phone; the member is told they were reached."""
    branch, secretary, zhang, _ = await _branch(db)
    await _post(db, branch, secretary)
    await notices.record_offline(db, branch_id=branch.id, number=None, refs=[PersonRef(name="张三")],
                                 channel=Channel.VISIT, by=secretary, now=NOW)
    with pytest.raises(Conflict, match="都已收到"):
        await notices.acknowledge(db, branch_id=branch.id, member=zhang, now=NOW)
    ack = await notices.acknowledge(db, branch_id=branch.id, member=zhang, number=1, now=NOW)
    reach = await notices.reach_of(db, ack.notice)
    assert (ack.new, [(p.name, p.channel, p.recorded_by) for p in reach.reached]) == (
        False, [("王书记", Channel.QQ, None), ("张三", Channel.VISIT, "王书记")])


async def test_only_expected_members_can_be_reached(db: AsyncSession) -> None:
    """A member added after the notice is told they need not answer; 已传达 lists them apart;
    the database itself refuses a receipt for someone who was not expected."""
    branch, secretary, _, _ = await _branch(db)
    await _post(db, branch, secretary)
    late = await make_member(db, branch, "新来的", user_id="10009")
    with pytest.raises(Conflict, match="^通知 #1 发布时您还不在本支部名单里，不用回复。谢谢您！$"):
        await notices.acknowledge(db, branch_id=branch.id, member=late, number=1, now=NOW)
    relayed = await notices.record_offline(db, branch_id=branch.id, number=1, by=secretary,
                                           refs=[PersonRef(name="新来的"), PersonRef(name="无名氏")],
                                           channel=Channel.IN_PERSON)
    assert ([m.name for m in relayed.not_expected], relayed.unknown, relayed.recorded) == (
        ["新来的"], ["无名氏"], [])
    db.add(NoticeReceipt(notice_id=1, member_id=late.id, channel=Channel.QQ))
    with pytest.raises(IntegrityError):
        await db.flush()


async def test_bad_input_says_what_was_wrong(db: AsyncSession) -> None:
    """An empty notice, a missing name, an unknown number: one example each."""
    branch, secretary, _, _ = await _branch(db)
    with pytest.raises(InvalidInput, match="^请在“通知”后面写上通知的内容。\n例如：通知 "):
        await notices.create_notice(db, branch_id=branch.id, text="  \n ",
                                    author=notices.Author("王书记", secretary.id))
    with pytest.raises(NotFound, match="^本支部还没有发过通知。"):
        await notices.record_offline(db, branch_id=branch.id, number=None, by=secretary,
                                     refs=[PersonRef(name="李四")], channel=Channel.PHONE)
    with pytest.raises(NotFound, match="^本支部没有通知 #7。"):
        await notices.acknowledge(db, branch_id=branch.id, member=secretary, number=7)


async def test_the_same_ack_twice_at_once_is_one_receipt(db_url: str, db: AsyncSession) -> None:
    """Two sessions (a duplicate delivery) answer at the same moment: one row, both succeed."""
    import asyncio

    branch, secretary, zhang, _ = await _branch(db)
    await _post(db, branch, secretary)

    async def ack() -> bool:
        async with db_engine.session_factory()() as other:
            result = await notices.acknowledge(other, branch_id=branch.id, member=zhang, number=1,
                                               now=NOW)
            await other.commit()
            return result.new

    outcomes = await asyncio.gather(ack(), ack())
    count = len((await db.exec(select(NoticeReceipt).where(
        NoticeReceipt.member_id == zhang.id))).all())
    assert (sorted(outcomes), count) == ([False, True], 1)


def test_follow_up_times_fall_on_beijing_days() -> None:
    """Next morning 09:00 Beijing: from 23:30 Beijing it is 9½ hours later; from 00:30 Beijing
    (16:30 UTC the day before) it is the same Beijing day's next morning, not 'today 09:00'."""
    step = notices.FollowUp.parse("1d09:00")
    late_evening = datetime(2026, 12, 3, 15, 30, tzinfo=UTC)  # 23:30 Beijing, 3 Dec
    after_midnight = datetime(2026, 12, 3, 16, 30, tzinfo=UTC)  # 00:30 Beijing, 4 Dec
    assert step.due(late_evening) == datetime(2026, 12, 4, 1, 0, tzinfo=UTC)
    assert step.due(after_midnight) == datetime(2026, 12, 5, 1, 0, tzinfo=UTC)
    assert notices.FollowUp.parse("0d18:30").due(NOW) == datetime(2026, 12, 3, 10, 30, tzinfo=UTC)
    with pytest.raises(ValueError, match="1d09:00"):
        notices.FollowUp.parse("明早")


async def test_an_ack_is_one_write_and_one_read(db_url: str, db: AsyncSession) -> None:
    """收到 is sent by a whole branch at once. A bare 收到: the receipt's INSERT from the open
    notice, then the notice and its counts (SQLite); on PostgreSQL both in one statement. 收到 #1
    (again): the notice by its number, then the same."""
    branch, secretary, zhang, _ = await _branch(db)
    await _post(db, branch, secretary)
    one = ["WITH"] if db_url.startswith("postgresql") else ["INSERT", "SELECT"]
    with statements() as bare:
        ack = await notices.acknowledge(db, branch_id=branch.id, member=zhang, now=NOW)
    with statements() as again:
        repeated = await notices.acknowledge(db, branch_id=branch.id, member=zhang, number=1,
                                             now=NOW + timedelta(minutes=1))
    assert (ack.notice.number, ack.new, ack.reached, ack.expected) == (1, True, 2, 3)
    assert (repeated.new, repeated.at, repeated.reached, repeated.expected) == (False, NOW, 2, 3)
    assert (bare, again) == (one, ["SELECT", *one])


async def _while_uncommitted(first_ack, second_ack):  # noqa: ANN001, ANN202
    """`first_ack` done and not committed yet while `second_ack` starts (PostgreSQL: it waits on
    the receipt's key; SQLite: on the write lock), then committed: the second's outcome."""
    import asyncio

    async with db_engine.session_factory()() as first, db_engine.session_factory()() as second:
        await first_ack(first)
        later = asyncio.create_task(second_ack(second))
        await asyncio.sleep(0.3)
        await first.commit()
        return await later


async def test_an_ack_waiting_for_the_same_receipt_counts_it(db_url: str, db: AsyncSession) -> None:
    """收到 #1 while the same member's 收到 #1 (a duplicate delivery) is not yet committed: the
    second is told they had it, with its time, and the count includes it (PostgreSQL: the
    statement's own snapshot did not see it)."""
    branch, secretary, zhang, _ = await _branch(db)
    await _post(db, branch, secretary)

    def ack(now: datetime):  # noqa: ANN202
        return lambda session: notices.acknowledge(session, branch_id=branch.id, member=zhang,
                                                   number=1, now=now)

    second = await _while_uncommitted(ack(NOW), ack(NOW + timedelta(minutes=1)))
    assert (second.new, second.at, second.reached, second.expected) == (False, NOW, 2, 3)


async def test_a_bare_ack_waiting_for_the_same_receipt_counts_it(db_url: str,
                                                                 db: AsyncSession) -> None:
    """A bare 收到 while the same member's bare 收到 is not yet committed. SQLite runs one after
    the other: nothing is left to answer. On PostgreSQL both found the notice open: the second
    answers it too (as new, as it always has) and counts the first's receipt."""
    branch, secretary, zhang, _ = await _branch(db)
    await _post(db, branch, secretary)

    async def ack(session: AsyncSession) -> notices.Ack:
        return await notices.acknowledge(session, branch_id=branch.id, member=zhang, now=NOW)

    if not db_url.startswith("postgresql"):
        with pytest.raises(Conflict, match="都已收到"):
            await _while_uncommitted(ack, ack)
        return
    second = await _while_uncommitted(ack, ack)
    assert (second.notice.number, second.new, second.reached, second.expected) == (1, True, 2, 3)


async def test_county_notice_to_one_area(db: AsyncSession) -> None:
    """县通知 城东片区 …: only that 片区's bound branches get it; a first word that is no 片区 is text."""
    east = await make_branch(db, "东一支部", group_id=30001)
    west = await make_branch(db, "西一支部", group_id=30002)
    await make_branch(db, "东二支部（未绑群）", group_id=None)
    for branch, area in ((east, "城东片区"), (west, "城西片区")):
        branch.area = area
        db.add(branch)
        await make_member(db, branch, "书记" + area[:2], role=Role.SECRETARY)
    await db.commit()
    area, text = await notices.split_area(db, "城东片区 明天交材料")
    posted = await notices.post_county_notice(db, text=text, sender="县委老干部局", area=area, now=NOW)
    _, lines = await notices.county_reach(db, posted.county.id)
    assert (area, posted.branches, [b.branch for b in lines]) == ("城东片区", 1, ["东一支部"])
    assert await notices.split_area(db, "城北片区 明天交材料") == (None, "城北片区 明天交材料")
    with pytest.raises(InvalidInput, match="写上通知的内容"):
        await notices.post_county_notice(db, text=(await notices.split_area(db, "城东片区"))[1],
                                         sender="县委老干部局", area="城东片区", now=NOW)
