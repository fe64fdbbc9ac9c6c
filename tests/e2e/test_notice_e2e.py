"""A notice from 通知 to 100% through the real bot over a real OneBot V11 WebSocket: posted as plain
text, answered by quoting it, by 收到, by phone; the follow-up @s only who is missing."""

import asyncio
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update
from sqlmodel import col, select

from core import timeutil
from core.timeutil import fmt_dt
from db import engine as db_engine
from db.models import Member
from db.models.notice import Notice, NoticeReceipt
from db.models.reminder import Reminder
from tests.e2e.conftest import SUPERUSER, BotProcess
from tests.onebot_peer import OneBotPeer, at, reply, text

pytestmark = pytest.mark.e2e

GROUP, SECRETARY, ZHANG, ZHAO = 20001, 10002, 10003, 10004
WAIT = 30.0


async def _rows(stmt: Any) -> list[tuple]:
    """Read the bot's database (SQLite or PostgreSQL: the `db_url` the bot runs on)."""
    async with db_engine.session_factory()() as db:
        rows = (await db.exec(stmt)).all()
    return [tuple(row) if isinstance(row, Sequence) else (row,) for row in rows]


async def _bring_forward() -> None:
    """The next morning's follow-ups, due now."""
    async with db_engine.session_factory()() as db:
        await db.exec(update(Reminder).values(due_at=timeutil.now() - timedelta(seconds=1)))
        await db.commit()


async def _setup(peer: OneBotPeer) -> None:
    """Bound group; 王书记 secretary; 张三 and 赵六 with QQ; 李四 and 王五 without."""
    await peer.ask(SUPERUSER, "绑定支部 第一支部", group_id=GROUP)
    await peer.ask(SECRETARY, "报到 王书记", group_id=GROUP)
    await peer.ask(SUPERUSER, ["设置书记 ", at(SECRETARY)], group_id=GROUP)
    await peer.ask(ZHANG, "报到 张三", group_id=GROUP)
    await peer.ask(ZHAO, "报到 赵六", group_id=GROUP)
    for words in ("添加成员 李四", "添加成员 王五 不能参加"):
        await peer.ask(SECRETARY, words, group_id=GROUP)
        await peer.wait_for_sent(lambda m: m.chat == ("private", SECRETARY))  # the category, privately


async def test_notice_reaches_everyone_and_the_follow_up_only_the_missing(tmp_path: Path,
                                                                          db_url: str):
    """Posted privately → in the group as one text segment; quote + 收到，谢谢; a resent 收到 has
    one effect; 收到快递了 is silent; 已传达 by phone; the follow-up @s 赵六 only and tells the
    secretary 王五; then 通知情况 shows 5/5. On SQLite and PostgreSQL."""
    bot = BotProcess(database_url=db_url, log_path=tmp_path / "bot.log",
                     extra_env={"REMINDER_TICK_SECONDS": "0.5"})
    bot.start(timeout=WAIT)
    try:
        async with OneBotPeer(bot.url, token=bot.token, self_id="99999", timeout=WAIT) as peer:
            await _setup(peer)
            confirm = await peer.ask(SECRETARY, "通知\n周五9点学习\n请带党员证[CQ:at,qq=all]")
            assert confirm == "通知 #1 已发到群里，应传达5人。\n发送“通知情况 #1”可查看谁还没收到。"
            posted = await peer.wait_for_sent(lambda m: m.chat == ("group", GROUP))
            assert posted.message == [text("【通知 #1】王书记发布\n周五9点学习\n请带党员证[CQ:at,qq=all]"
                                           "\n——看到后请回复：收到")]

            quoted = await peer.say(ZHANG, [reply(posted.message_id), text("收到，谢谢书记")],
                                    group_id=GROUP)
            answer = await peer.wait_for_reply(quoted)
            assert answer.text == "张三 已收到通知 #1「周五9点学习 请带党员证…」（2/5人）"
            assert await peer.settle(await peer.resend(quoted)) == []
            assert await peer.settle(await peer.say(ZHAO, "收到快递了", group_id=GROUP)) == []
            assert (await peer.ask(SECRETARY, "已传达 李四 电话", group_id=GROUP)) == (
                "已登记 通知 #1：李四（电话）\n通知 #1 已传达 3/5人")

            # The next morning's follow-up, brought forward: due now.
            await _bring_forward()
            followup = await peer.wait_for_sent(lambda m: m.chat == ("group", GROUP))
            offline = await peer.wait_for_sent(lambda m: m.chat == ("private", SECRETARY))
            assert (followup.mentions, followup.plain) == ([str(ZHAO)], (
                " 【通知提醒】以上几位还没有回复通知 #1：\n周五9点学习\n请带党员证[CQ:at,qq=all]\n"
                "——看到后请回复：收到 #1"))
            assert offline.text == ("【通知传达】通知 #1 还有1位没有QQ的成员未传达：王五\n"
                                    "电话或上门告知后请发：已传达 #1 王五 电话")

            assert await peer.ask(ZHAO, "收到", group_id=GROUP) == (
                "赵六 已收到通知 #1「周五9点学习 请带党员证…」（4/5人）")
            await peer.ask(SECRETARY, "已传达 王五 上门 卧床，已读给他听", group_id=GROUP)
            assert await peer.ask(SECRETARY, "通知情况 #1") == (
                "通知 #1「周五9点学习 请带党员证…」" + await _posted_at(Notice) + " 王书记发布\n"
                "应传达5人，已传达5人（电话1、上门1、收到3），未传达0人\n"
                "电话：李四\n上门：王五\n收到：王书记、张三、赵六")
            await asyncio.sleep(0)
        receipts = await _rows(select(Member.name, NoticeReceipt.channel, NoticeReceipt.recorded_by_name)
                               .join(Member, col(Member.id) == col(NoticeReceipt.member_id))
                               .order_by(col(NoticeReceipt.id)))
        assert receipts == [("王书记", "qq", None), ("张三", "qq", None), ("李四", "phone", "王书记"),
                            ("赵六", "qq", None), ("王五", "visit", "王书记")]
        assert await _rows(select(Reminder.kind, Reminder.state).order_by(col(Reminder.id))) == [
            ("notice_followup", "sent"), ("notice_offline", "sent")]
    finally:
        bot.stop()


async def _posted_at(table: Any) -> str:
    """The notice's time as the bot shows it ('12月3日 15:00', Beijing)."""
    (value,), = await _rows(select(table.created_at).order_by(table.id).limit(1))
    return fmt_dt(value)


async def test_county_notice_goes_to_every_bound_group(tmp_path: Path, bot_database: str):
    """县通知 from a superuser: each bound group gets its own notice #1 through the engine; a
    member's 收到 counts in 县通知情况."""
    bot = BotProcess(database_url=bot_database, log_path=tmp_path / "bot.log",
                     extra_env={"REMINDER_TICK_SECONDS": "0.5"})
    bot.start(timeout=WAIT)
    try:
        async with OneBotPeer(bot.url, token=bot.token, self_id="99999", timeout=WAIT) as peer:
            for group, name in ((GROUP, "第一支部"), (GROUP + 1, "第二支部")):
                await peer.ask(SUPERUSER, f"绑定支部 {name}", group_id=group)
            await peer.ask(ZHANG, "报到 张三", group_id=GROUP)
            await peer.ask(ZHAO, "报到 赵六", group_id=GROUP + 1)
            assert (await peer.ask(SUPERUSER, "县通知 年底前报送学习总结")).startswith(
                "县通知 #1 已安排发往2个支部的群")
            posts = [await peer.wait_for_sent(lambda m, g=g: m.chat == ("group", g))
                     for g in (GROUP, GROUP + 1)]
            assert {p.text for p in posts} == {"【通知 #1】县里的通知\n年底前报送学习总结\n——看到后请回复：收到"}
            assert await peer.ask(ZHANG, "收到", group_id=GROUP) == (
                "张三 已收到通知 #1「年底前报送学习总结」（1/1人）")
            status = await peer.ask(SUPERUSER, "县通知情况 1")
            assert status.startswith("县通知 #1「年底前报送学习总结」")
            assert status.split("\n")[1:] == ["共2个支部，应传达2人，已传达1人（50%）",
                                             "1. 第二支部 0/1（0%）", "2. 第一支部 1/1（100%）"]
    finally:
        bot.stop()
