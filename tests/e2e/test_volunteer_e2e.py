"""A volunteer need from post to points, through the real bot process over a real OneBot V11 WebSocket."""

import asyncio
import sqlite3
from datetime import datetime

import pytest

from core.timeutil import local_tz
from tests.e2e.conftest import SUPERUSER, BotProcess
from tests.onebot_peer import OneBotPeer, at

pytestmark = pytest.mark.e2e

GROUP = 20001
SECRETARY = 10002
MEMBERS = {10003: "张三", 10004: "李四", 10005: "赵六"}


def rows(bot: BotProcess, sql: str) -> list[tuple]:
    """Read (or, to let time pass, change) the bot's SQLite database directly."""
    path = bot.database_url.split("///", 1)[1]
    with sqlite3.connect(path) as conn:
        return conn.execute(sql).fetchall()


async def _setup(peer: OneBotPeer) -> None:
    """Bind the group, make 王书记 secretary, and register three members."""
    await peer.ask(SUPERUSER, "绑定支部 第一支部", group_id=GROUP)
    await peer.ask(SECRETARY, "报到 王书记", group_id=GROUP)
    assert await peer.ask(SUPERUSER, ["设置书记 ", at(SECRETARY)], group_id=GROUP) == (
        "已将 王书记 设为支部书记。")
    for user_id, name in MEMBERS.items():
        assert (await peer.ask(user_id, f"报到 {name}", group_id=GROUP)).startswith(f"{name} 报到成功")


async def _claim_at_once(peer: OneBotPeer) -> dict[int, str]:
    """All three members send 认领 at the same moment; each one's reply, by user id."""
    events = await asyncio.gather(*(peer.say(uid, "认领1", group_id=GROUP) for uid in MEMBERS))
    assert len(events) == len(MEMBERS)
    replies = [await peer.wait_for_sent(lambda m: m.chat == ("group", GROUP)) for _ in MEMBERS]
    by_name = {name: uid for uid, name in MEMBERS.items()}
    answered: dict[int, str] = {}
    for reply in replies:
        text = reply.text
        name = next((n for n in by_name if text.startswith(n)), None)
        answered[by_name[name] if name else 0] = text
    return answered


async def test_need_claims_waitlist_promotion_and_points(bot_process: BotProcess, peer: OneBotPeer):
    """Post with 每小时 (the branch's rate), 3 claims on 2 places, 取消认领 @s the promoted, 完成需求 → 积分."""
    await _setup(peer)
    posted = await peer.ask(SECRETARY, "发布需求 文明劝导 明天9:00-11:00 枣行社区 2人 每小时",
                            group_id=GROUP)
    assert posted.startswith("已发布志愿服务需求 #1\n文明劝导\n时间：")
    assert posted.endswith("地点：枣行社区\n名额：2人，每小时1分，适合正常活动\n认领请发送：认领 #1")

    answered = await _claim_at_once(peer)
    waitlisted = answered.pop(0)
    assert waitlisted == ("#1 文明劝导 名额已满（2/2），已为您登记候补第1位。"
                          "有人取消时会按顺序递补并@通知您。")
    assert len(answered) == 2 and all("认领成功：#1 文明劝导" in t for t in answered.values())
    states = dict(rows(bot_process, "SELECT m.name, c.status FROM claim c "
                                    "JOIN member m ON m.id = c.member_id"))
    assert sorted(states.values()) == ["claimed", "claimed", "waitlist"]
    waiting = next(n for n, s in states.items() if s == "waitlist")
    waiting_uid = next(uid for uid, n in MEMBERS.items() if n == waiting)
    leaving_uid = min(answered)

    event = await peer.say(leaving_uid, "取消认领 #1", group_id=GROUP)
    reply = await peer.wait_for_reply(event)
    assert reply.text == f"已取消 {MEMBERS[leaving_uid]} 对#1 文明劝导的认领（现2/2）。"
    promoted = await peer.wait_for_reply(event)
    assert promoted.mentions == [str(waiting_uid)]
    assert promoted.plain.startswith(" #1 文明劝导 有空位了，已从候补转为认领。\n时间：")

    # Let two days pass: the need has started (yesterday), so it can be completed.
    rows(bot_process, "UPDATE need SET starts_at = datetime(starts_at, '-2 days'), "
                      "ends_at = datetime(ends_at, '-2 days')")
    summary = await peer.ask(SECRETARY, "完成需求 #1", group_id=GROUP)
    takers = "、".join(n for uid, n in MEMBERS.items() if uid != leaving_uid)
    assert summary == (f"#1 文明劝导 已完成。\n参加2人，时长2小时，每人2分，共4分。\n参加：{takers}")

    year = datetime.now(local_tz()).year
    balance = await peer.ask(waiting_uid, "积分", group_id=GROUP)
    assert balance.startswith(f"{waiting} {year}年度积分：2分\n")
    assert sorted(rows(bot_process, "SELECT m.name, l.delta, l.source FROM ledger_entry l "
                                    "JOIN member m ON m.id = l.member_id")) == sorted(
        (name, 2, f"volunteer:{cid}") for name, cid in rows(
            bot_process, "SELECT m.name, c.id FROM claim c JOIN member m ON m.id = c.member_id "
                         "WHERE c.status = 'claimed'"))
