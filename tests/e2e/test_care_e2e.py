"""Care through the real bot over a real OneBot V11 WebSocket: care data only ever privately, and a
政治生日 greeting sent once, on SQLite and PostgreSQL, across a hard restart."""

import asyncio
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import update
from sqlmodel import col, select

from core import timeutil
from core.timeutil import local_tz
from db import engine as db_engine
from db.models.reminder import Reminder
from domain import reminder
from tests.e2e.conftest import SELF_ID, SUPERUSER, BotProcess
from tests.onebot_peer import OneBotPeer, at

pytestmark = pytest.mark.e2e

GROUP = 20001
SECRETARY, MEMBER = 10002, 10003
WAIT = 60.0


async def _setup(peer: OneBotPeer) -> None:
    await peer.ask(SUPERUSER, "绑定支部 第一支部", group_id=GROUP)
    await peer.ask(SECRETARY, "报到 王书记", group_id=GROUP)
    await peer.ask(SUPERUSER, ["设置书记 ", at(SECRETARY)], group_id=GROUP)
    assert (await peer.ask(MEMBER, "报到 王建国", group_id=GROUP)).startswith("王建国 报到成功")


def _in_group(message) -> bool:  # noqa: ANN001
    return message.chat == ("group", GROUP)


async def test_care_data_only_privately(bot_process: BotProcess, peer: OneBotPeer) -> None:
    """设置关爱 in the group is withdrawn and answered privately; a member's 关爱名单 is refused
    privately; 走访 and 关爱名单 privately; the group hears none of it."""
    await _setup(peer)
    before = len([m for m in peer.sent if _in_group(m)])
    event = await peer.say(SECRETARY, "设置关爱 王建国 独居 体弱", group_id=GROUP)
    await peer.wait_for_call("delete_msg", lambda c: c.params.get("message_id") == event.message_id)
    reply = await peer.wait_for_sent(lambda m: m.chat == ("private", SECRETARY))
    assert reply.text == "已设置：王建国 关爱类别 独居、体弱（每30天至少走访一次）。"
    await peer.say(MEMBER, "关爱名单", group_id=GROUP)
    refusal = await peer.wait_for_sent(lambda m: m.chat == ("private", MEMBER))
    assert refusal.text == "这条命令需要支委委员或以上身份，您当前是党员。"
    visited = await peer.ask(SECRETARY, "走访 王建国 上门 血压偏高，已提醒复查")
    assert visited.startswith("已记录走访：王建国 上门（")
    today = datetime.now(local_tz())
    assert await peer.ask(SECRETARY, "关爱名单") == (
        f"【关爱名单】共1人：\n1. 王建国（独居、体弱）上次走访{today.month}月{today.day}日（0天前）")
    await asyncio.sleep(0.5)
    said = [m.text for m in peer.sent if _in_group(m)][before:]
    assert not any(word in text for text in said for word in ("独居", "体弱", "血压", "走访"))


def _years_ago(today: date, years: int) -> date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


async def _greeting_rows(member_id: int) -> list[tuple[str, datetime]]:
    """(state, due) of the 政治生日 rows for one member, in the bot's database."""
    async with db_engine.session_factory()() as db:
        rows = (await db.exec(select(Reminder.state, Reminder.due_at).where(
            Reminder.kind == "care_party", col(Reminder.ref).startswith(f"member:{member_id}:"))
            .order_by(col(Reminder.id)))).all()
    return [(str(state), due) for state, due in rows]


async def _planned(member_id: int) -> list[tuple[str, datetime]]:
    """The member's greeting rows once the bot's plan job has made one (it runs every 3 s)."""
    deadline = asyncio.get_running_loop().time() + WAIT
    while not (rows := await _greeting_rows(member_id)):
        assert asyncio.get_running_loop().time() < deadline, f"member {member_id}: never planned"
        await asyncio.sleep(0.1)
    return rows


async def _marked_sent(member_id: int) -> None:
    """Wait until the bot has marked the member's greeting sent (just after QQ took it)."""
    deadline = asyncio.get_running_loop().time() + WAIT
    while [state for state, _ in await _greeting_rows(member_id)] != ["sent"]:
        assert asyncio.get_running_loop().time() < deadline, await _greeting_rows(member_id)
        await asyncio.sleep(0.1)


async def test_party_birthday_greeted_once_across_restart(db_url: str, tmp_path: Path) -> None:
    """The bot plans the 政治生日 greeting at the configured time (CARE_GREETING_TIME, later today);
    brought forward to now (a running process cannot be time-travelled), it reaches the group once;
    after a hard restart the new process plans again, and no second row is made or sent."""
    now = datetime.now(local_tz())
    greet_at = min(now + timedelta(minutes=10), now.replace(hour=23, minute=59, second=59))
    greet_at = greet_at.replace(microsecond=0)
    if greet_at - now < timedelta(minutes=1):
        pytest.skip("too close to Beijing midnight for a greeting later today")
    env = {"REMINDER_PLAN_MINUTES": "0.05", "REMINDER_TICK_SECONDS": "0.5",
           "CARE_GREETING_TIME": greet_at.strftime("%H:%M:%S")}
    bot = BotProcess(database_url=db_url, log_path=tmp_path / "bot.log", extra_env=env)
    bot.start(timeout=WAIT)
    try:
        async with OneBotPeer(bot.url, token=bot.token, self_id=SELF_ID, timeout=WAIT) as peer:
            await _setup(peer)  # 王书记 is member 1, 王建国 member 2
            joined = _years_ago(now.date(), 56)
            assert (await peer.ask(SECRETARY, f"设置入党日期 王建国 {joined:%Y年%m月%d日}",
                                   group_id=GROUP)).startswith("已登记：王建国 入党日期")
            assert await _planned(2) == [("pending", greet_at.astimezone(UTC))]
            await _bring_forward()
            greeting = await peer.wait_for_sent(
                lambda m: _in_group(m) and m.text.startswith("【政治生日】"))
            assert greeting.text == ("【政治生日】今天是王建国同志入党56周年的政治生日！\n"
                                     "🎖光荣在党50年，向老党员致敬！\n支部全体同志祝您身体健康、生活幸福！")
            await _marked_sent(2)  # (a kill between the send and its mark: test_reminder_restart_e2e)
        bot.kill()
        bot.start(timeout=WAIT)
        async with OneBotPeer(bot.url, token=bot.token, self_id=SELF_ID, timeout=WAIT) as peer:
            # A greeting the new process plans (王书记's, tomorrow) shows its plan job has run,
            # and a one-off reminder sent after that shows a tick has run since.
            tomorrow = _years_ago(now.date() + timedelta(days=1), 50)
            assert (await peer.ask(SECRETARY, f"设置入党日期 王书记 {tomorrow:%Y年%m月%d日}",
                                   group_id=GROUP)).startswith("已登记：王书记 入党日期")
            await _planned(1)
            await _remind_now("计划之后")
            await peer.wait_for_sent(lambda m: _in_group(m) and m.text == "【提醒】计划之后")
            assert [m for m in peer.sent if m.text.startswith("【政治生日】")] == []
        assert [state for state, _ in await _greeting_rows(2)] == ["sent"]
    finally:
        bot.stop()


async def _bring_forward() -> None:
    """The planned greetings, due now."""
    async with db_engine.session_factory()() as db:
        await db.exec(update(Reminder).where(col(Reminder.kind) == "care_party")
                      .values(due_at=timeutil.now() - timedelta(seconds=1)))
        await db.commit()


async def _remind_now(words: str) -> None:
    """A one-off reminder to the group, due at once (as 提醒 makes one)."""
    async with db_engine.session_factory()() as db:
        now = timeutil.now()
        await reminder.add_oneoff(db, branch_id=1, due=now + timedelta(milliseconds=1),
                                  words=words, key=f"e2e:{words}", now=now)
        await db.commit()
