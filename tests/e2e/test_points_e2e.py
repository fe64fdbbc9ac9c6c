"""Points through the real bot process over a real OneBot V11 WebSocket: 加分, 积分, 上架, two 兑换 of
the last item at the same moment (one wins), 发放, and the secretary's private notice of a proposal."""

import asyncio
import sqlite3
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.e2e.conftest import SUPERUSER, BotProcess
from tests.onebot_peer import OneBotPeer, at

pytestmark = pytest.mark.e2e

GROUP = 20001
SECRETARY, ZHANG, LI, ZHAO = 10002, 10003, 10004, 10005


def rows(bot: BotProcess, sql: str) -> list[tuple]:
    """Read the bot's SQLite database directly (the bot commits before it replies)."""
    with sqlite3.connect(bot.database_url.split("///", 1)[1]) as conn:
        return conn.execute(sql).fetchall()


async def _branch(peer: OneBotPeer) -> None:
    await peer.ask(SUPERUSER, "绑定支部 第一支部", group_id=GROUP)
    for user_id, name in ((SECRETARY, "王书记"), (ZHANG, "张三"), (LI, "李四"), (ZHAO, "赵委员")):
        assert (await peer.ask(user_id, f"报到 {name}", group_id=GROUP)).startswith(f"{name} 报到成功")
    assert await peer.ask(SUPERUSER, ["设置书记 ", at(SECRETARY)], group_id=GROUP) == "已将 王书记 设为支部书记。"
    assert await peer.ask(SECRETARY, "设置委员 赵委员", group_id=GROUP) == "已将 赵委员 设为支委委员。"


async def test_award_list_race_for_the_last_item_and_deliver(bot_process: BotProcess,
                                                            peer: OneBotPeer) -> None:
    """Two members 兑换 the one item left at the same moment: exactly one order, stock 0, one spend."""
    await _branch(peer)
    today = datetime.now(ZoneInfo("Asia/Shanghai"))
    year, day = today.year, f"{today.month}月{today.day}日"
    for name in ("张三", "李四"):
        assert await peer.ask(SECRETARY, f"加分 {name} 10 协助社区清扫", group_id=GROUP) == (
            f"已为 {name} 加分10分（协助社区清扫），流水号#{1 if name == '张三' else 2}。"
            f"{name} 本年度积分10分。")
    assert await peer.ask(ZHANG, "积分") == (
        f"张三 {year}年度积分：10分\n其中：加分+10\n支部排名：第1名/共4人")
    assert await peer.ask(SECRETARY, "上架 茶杯 6 1", group_id=GROUP) == "已上架 #1 茶杯 6分（剩1件）。"

    events = await asyncio.gather(peer.say(ZHANG, "兑换 #1"), peer.say(LI, "兑换 #1"))
    replies = [(await peer.wait_for_reply(e)).text for e in events]
    won = "兑换成功：茶杯（6分），订单#1。\n本年度剩余积分4分。请等支部书记发放。"
    assert sorted(replies) == sorted([won, "#1 茶杯 已经兑完了。"])
    winner, user_id = ("张三", ZHANG) if replies[0] == won else ("李四", LI)

    assert await peer.ask(SECRETARY, "发放 #1") == f"订单#1 已发放：{winner} 茶杯。"
    assert await peer.ask(user_id, "我的兑换") == (
        f"【{winner} 的兑换】最近1单\n#1 茶杯 6分 {day} 已发放（{day}）")
    assert rows(bot_process, "SELECT stock FROM points_item") == [(0,)]
    assert rows(bot_process, "SELECT status FROM points_order") == [("delivered",)]
    left = {"张三": 10, "李四": 10} | {winner: 4}
    assert rows(bot_process, "SELECT m.name, b.balance FROM points_balance b "
                             "JOIN member m ON m.id = b.member_id ORDER BY m.id") == list(left.items())


async def test_committee_proposal_reaches_the_secretary_privately(bot_process: BotProcess,
                                                                  peer: OneBotPeer) -> None:
    """委员 加分 → 申请; the secretary gets a private notice and approves it."""
    await _branch(peer)
    assert await peer.ask(ZHAO, "加分 张三 3 组织学习", group_id=GROUP) == (
        "已提交申请#1：为 张三 加分3分（组织学习）。\n等待支部书记发送“批准 #1”或“驳回 #1 原因”。")
    notice = await peer.wait_for_sent(lambda m: m.chat == ("private", SECRETARY))
    assert notice.text == ("【待批积分申请#1】赵委员提议为 张三 加分3分（组织学习）。\n"
                           "批准请发送：批准 #1\n驳回请发送：驳回 #1 原因")
    assert await peer.ask(SECRETARY, "批准 #1") == (
        "已批准申请#1：张三 加分3分（组织学习），流水号#1。张三 本年度积分3分。")
    assert rows(bot_process, "SELECT delta, source FROM ledger_entry") == [(3, "proposal:1")]
