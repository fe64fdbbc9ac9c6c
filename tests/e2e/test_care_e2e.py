"""Care through the real bot over a real OneBot V11 WebSocket: care data only ever privately, and a
政治生日 greeting sent once, on SQLite and PostgreSQL, across a hard restart."""

import asyncio
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from core.timeutil import local_tz
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


async def test_party_birthday_greeted_once_across_restart(db_url: str, tmp_path: Path) -> None:
    """Restarted with the greeting time a little ahead (as a deployer would set it), the bot greets
    the group once at that time; a hard restart (a new process planning again) sends nothing more."""
    env = {"REMINDER_PLAN_MINUTES": "0.05", "REMINDER_TICK_SECONDS": "0.5"}
    bot = BotProcess(database_url=db_url, log_path=tmp_path / "bot.log", extra_env=env)
    bot.start(timeout=WAIT)
    try:
        async with OneBotPeer(bot.url, token=bot.token, self_id=SELF_ID, timeout=WAIT) as peer:
            await _setup(peer)
            now = datetime.now(local_tz())
            joined = _years_ago(now.date(), 56)
            assert (await peer.ask(SECRETARY, f"设置入党日期 王建国 {joined:%Y年%m月%d日}",
                                   group_id=GROUP)).startswith("已登记：王建国 入党日期")
        soon = datetime.now(local_tz()) + timedelta(seconds=25)
        if soon.date() != now.date():
            pytest.skip("too close to Beijing midnight for a same-day greeting")
        bot.stop()
        bot.extra_env["CARE_GREETING_TIME"] = soon.strftime("%H:%M:%S")
        bot.start(timeout=WAIT)
        async with OneBotPeer(bot.url, token=bot.token, self_id=SELF_ID, timeout=WAIT) as peer:
            greeting = await peer.wait_for_sent(
                lambda m: _in_group(m) and m.text.startswith("【政治生日】"), within=2 * WAIT)
        assert greeting.text == ("【政治生日】今天是王建国同志入党56周年的政治生日！\n"
                                 "🎖光荣在党50年，向老党员致敬！\n支部全体同志祝您身体健康、生活幸福！")
        bot.kill()
        bot.start(timeout=WAIT)
        async with OneBotPeer(bot.url, token=bot.token, self_id=SELF_ID, timeout=WAIT) as peer:
            await asyncio.sleep(5)  # the first plan runs and many ticks of the new process
            assert [m for m in peer.sent if m.text.startswith("【政治生日】")] == []
    finally:
        bot.stop()
