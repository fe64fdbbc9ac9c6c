"""Follow-ups through the reminder engine reach only the missing; a county notice to every branch."""

import asyncio
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core.refs import PersonRef
from core.roles import Role
from db import engine as db_engine
from db.models import ChatAccount, HealthCategory, Member
from db.models.notice import Channel
from db.models.reminder import Reminder
from domain import notices, reminder
from tests.domain.reminder.fakes import FakePlatform
from tests.factories import GROUP_ID, REGISTERED, make_branch, make_member

POSTED = datetime(2026, 12, 3, 7, 0, tzinfo=UTC)  # 15:00 Beijing
MORNING = datetime(2026, 12, 4, 1, 0, tzinfo=UTC)  # 09:00 Beijing, the next day
REGISTRY = reminder.Registry(notices.notice_reminders())


async def _tick(platform: FakePlatform, now: datetime,
                factory: async_sessionmaker[AsyncSession] | None = None,
                batch: int = 50) -> reminder.TickResult:
    return await reminder.run_due(factory or db_engine.session_factory(), platform.send,
                                  accounts=platform.accounts, registry=REGISTRY, now=now,
                                  config=reminder.EngineConfig(batch=batch))


async def _thirty(db: AsyncSession):
    """A branch of 30: 王书记 and 19 members with QQ (user ids 10001…10020), 10 without (3 of
    them 不能参加活动)."""
    branch = await make_branch(db)
    members = [await make_member(db, branch, "王书记", user_id="10001", role=Role.SECRETARY)]
    for i in range(2, 21):
        members.append(await make_member(db, branch, f"有QQ{i:02}", user_id=str(10000 + i)))
    for i in range(1, 11):
        category = HealthCategory.UNABLE if i <= 3 else HealthCategory.NORMAL
        members.append(await make_member(db, branch, f"无QQ{i:02}", category=category))
    return branch, members


async def _post(db: AsyncSession, branch, secretary, plan=notices.DEFAULT_PLAN):
    notice = await notices.create_notice(db, branch_id=branch.id, text="周五学习[CQ:at,qq=all]",
                                         author=notices.Author("王书记", secretary.id), now=POSTED)
    await notices.schedule(db, notice, plan=plan, now=POSTED)
    await db.commit()
    return notice


async def test_thirty_members_reach_one_hundred_percent(db: AsyncSession) -> None:
    """14 answer 收到, 3 are phoned, 2 visited at home; the morning follow-up @s only the 5 with QQ
    still missing and tells the secretary the 5 without QQ still missing; once they are reached
    too the notice stands at 30/30 and a second follow-up finds nobody to tell."""
    branch, members = await _thirty(db)
    secretary, with_qq, without_qq = members[0], members[1:20], members[20:]
    plan = (notices.FollowUp(1, notices.FollowUp().at), notices.FollowUp.parse("2d09:00"))
    notice = await _post(db, branch, secretary, plan)
    at = POSTED + timedelta(minutes=5)
    for member in with_qq[:14]:
        await notices.acknowledge(db, branch_id=branch.id, member=member, now=at)
    await notices.record_offline(db, branch_id=branch.id, number=1, channel=Channel.PHONE,
                                 refs=[PersonRef(name=m.name) for m in without_qq[:3]], by=secretary)
    await notices.record_offline(db, branch_id=branch.id, number=1, channel=Channel.VISIT,
                                 refs=[PersonRef(name=m.name) for m in without_qq[3:5]], by=secretary)
    await db.commit()

    platform = FakePlatform()
    assert (await _tick(platform, MORNING - timedelta(minutes=1))).sent == 0
    result = await _tick(platform, MORNING)
    group, private = platform.sent
    assert (result.sent, group[0], group[2]) == (2, str(GROUP_ID), [str(10016 + i) for i in range(5)])
    assert group[1] == ("【通知提醒】以上几位还没有回复通知 #1：\n周五学习[CQ:at,qq=all]\n"
                        "——看到后请回复：收到 #1")
    assert private == ("10001", "【通知传达】通知 #1 还有5位没有QQ的成员未传达：无QQ06、无QQ07、无QQ08、"
                       "无QQ09、无QQ10\n电话或上门告知后请发：已传达 #1 无QQ06 电话", [])

    for member in with_qq[14:]:
        await notices.acknowledge(db, branch_id=branch.id, member=member, now=MORNING)
    await notices.record_offline(db, branch_id=branch.id, number=1, channel=Channel.IN_PERSON,
                                 refs=[PersonRef(name=m.name) for m in without_qq[5:]], by=secretary)
    await db.commit()
    reach = await notices.reach_of(db, notice)
    counts = {c: len(reach.by_channel(c)) for c in Channel}
    assert (len(reach.reached), reach.expected, reach.rate, counts) == (30, 30, 1.0, {
        Channel.QQ: 20, Channel.PHONE: 3, Channel.VISIT: 2, Channel.IN_PERSON: 5})
    await db.commit()  # SQLite: give the one connection back to the engine
    second = await _tick(platform, MORNING + timedelta(days=1))
    assert (second.sent, second.cancelled, len(platform.sent)) == (0, 2, 2)


async def test_someone_reached_after_the_row_was_made_is_left_out(db: AsyncSession) -> None:
    """Who is @'d is decided when the follow-up is sent, not when the notice was posted."""
    branch, members = await _thirty(db)
    await _post(db, branch, members[0])
    for member in members[1:19]:
        await notices.acknowledge(db, branch_id=branch.id, member=member, now=MORNING)
    await db.commit()
    platform = FakePlatform()
    await _tick(platform, MORNING + timedelta(seconds=30))
    assert [mentions for _, _, mentions in platform.sent] == [["10020"], []]


async def test_private_follow_ups_when_the_branch_chose_so(db: AsyncSession) -> None:
    """通知提醒 私聊: each member with QQ who has not answered gets a private message; none in the group."""
    branch, members = await _thirty(db)
    await notices.choose_private(db, branch.id, True)
    await _post(db, branch, members[0])
    for member in members[1:18]:
        await notices.acknowledge(db, branch_id=branch.id, member=member, now=MORNING)
    await db.commit()
    platform = FakePlatform()
    result = await _tick(platform, MORNING)
    targets = sorted(target for target, _, _ in platform.sent)
    assert (result.sent, result.cancelled, targets) == (3, 17, ["10001", "10019", "10020"])
    assert platform.sent[0][1].startswith("【通知提醒】支部通知 #1 您还没有回复：\n周五学习")


async def test_two_processes_and_a_restart_send_each_follow_up_once(db_url: str,
                                                                    db: AsyncSession) -> None:
    """Two engines with their own pools tick at once, then again (a restart): each row sent once."""
    branch, members = await _thirty(db)
    await notices.choose_private(db, branch.id, True)  # 19 private rows and the secretary's
    await _post(db, branch, members[0])
    engines = [db_engine.make_engine(db_url) for _ in range(2)]
    factories = [async_sessionmaker(e, class_=AsyncSession, expire_on_commit=False) for e in engines]
    platforms = [FakePlatform(delay=0.001), FakePlatform(delay=0.001)]
    await asyncio.gather(*(_tick(p, MORNING, f, batch=3) for p, f in zip(platforms, factories, strict=True)))
    await asyncio.gather(*(_tick(p, MORNING, f, batch=3) for p, f in zip(platforms, factories, strict=True)))
    for engine in engines:
        await engine.dispose()
    sent = [row for p in platforms for row in p.sent]
    expected = sorted(["10001", *(str(10000 + i) for i in range(2, 21))])
    assert sorted(target for target, _, _ in sent) == expected
    assert all(p.sent for p in platforms), "both processes took part"
    states = (await db.exec(select(Reminder.state, Reminder.attempts))).all()
    assert sorted(set(states)) == [("sent", 1)] and len(states) == 20


async def test_county_notice_reaches_fifty_branches(db: AsyncSession, capsys) -> None:  # noqa: ANN001
    """县通知 to 50 bound branches of 30: one notice #N per branch, one post each through the engine,
    follow-ups scheduled; the reach table lists the least reached first. Prints the fan-out time."""
    for b in range(50):
        branch = await make_branch(db, f"第{b + 1:02}支部", group_id=30000 + b)
        people = [Member(branch_id=branch.id, name=f"成员{i:02}", created_at=REGISTERED,
                         role=int(Role.SECRETARY if i == 0 else Role.MEMBER)) for i in range(30)]
        db.add_all(people)
        await db.flush()
        db.add_all(ChatAccount(platform="onebot", user_id=str(50000 + b * 100 + i), member_id=m.id)
                   for i, m in enumerate(people) if i < 20)
    await db.commit()
    started = time.perf_counter()
    posted = await notices.post_county_notice(db, text="年底前报送学习总结", sender="管理员", now=POSTED)
    await db.commit()
    created = time.perf_counter() - started
    platform = FakePlatform()
    started = time.perf_counter()
    result = await _tick(platform, POSTED + timedelta(seconds=2))
    sent = time.perf_counter() - started
    with capsys.disabled():
        print(f"\ncounty notice to 50 branches × 30 members: rows made in {created:.2f}s, "
              f"50 posts through the engine (unpaced) in {sent:.2f}s; at the bot's default pace "
              f"(5/s) the posts take ≈10 s")
    assert (posted.branches, result.sent, len({t for t, _, _ in platform.sent})) == (50, 50, 50)
    assert platform.sent[0][1] == "【通知 #1】县里的通知\n年底前报送学习总结\n——看到后请回复：收到"
    first = await notices.notice_by_number(db, branch_id=1, number=1)
    member = await db.get(Member, 2)
    assert member is not None and first.county_notice_id == posted.county.id
    await notices.acknowledge(db, branch_id=1, member=member, now=POSTED + timedelta(minutes=1))
    await db.commit()
    county, lines = await notices.county_reach(db, posted.county.id)
    assert (len(lines), lines[0].reached, lines[-1].branch, lines[-1].reached, lines[-1].expected) == (
        50, 0, "第01支部", 1, 30)
    followups = (await db.exec(select(Reminder.kind).where(col(Reminder.kind) != "notice_post"))).all()
    assert sorted(set(followups)) == ["notice_followup", "notice_offline"] and len(followups) == 100
