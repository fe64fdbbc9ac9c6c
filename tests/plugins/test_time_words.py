"""Time words as secretaries type them in chat: 3点 is the afternoon, festivals and 下月 are read,
a past time says it has passed, and every refusal shows one example.

Through NoneBot's event handling (bound group, 王书记 the secretary), time frozen in Beijing.
"""

from datetime import UTC, datetime

import pytest
import time_machine
from nonebot.message import handle_event
from sqlmodel.ext.asyncio.session import AsyncSession

from core.roles import Role
from domain.meetings import EX_PUBLISH_MEETING
from tests.events import RecordingBot, group_message
from tests.factories import SECRETARY_ID, make_branch, make_member

NOW = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)  # Sunday 10:00 Beijing
LATE = datetime(2026, 12, 31, 15, 59, tzinfo=UTC)  # Thursday 23:59 Beijing, the year's last minute


async def _say(db: AsyncSession, text: str, moment: datetime) -> str:
    branch = await make_branch(db)
    await make_member(db, branch, "王书记", user_id=SECRETARY_ID, role=Role.SECRETARY)
    await db.commit()
    bot = RecordingBot.connect()
    with time_machine.travel(moment, tick=False):
        await handle_event(bot, group_message(text, user_id=SECRETARY_ID))
    assert len(bot.sent()) == 1, bot.sent()
    return bot.sent()[0]


@pytest.mark.parametrize(("text", "moment", "shown"), [
    ("发布学习 3点 学习党章", NOW, "时间：11月22日（周日）15:00"),
    ("发布学习 两点半 学习党章 活动室", NOW, "时间：11月22日（周日）14:30"),
    ("发布学习 上午11点 学习党章", NOW, "时间：11月22日（周日）11:00"),
    ("发布学习 下月5号9点 学习党章", NOW, "时间：12月5日（周六）09:00"),
    ("发布学习 七一上午9点 重温入党誓词", NOW, "时间：2027年7月1日（周四）09:00"),
    ("发布学习 元旦9点 新年学习", LATE, "时间：2027年1月1日（周五）09:00"),
    ("发布学习 重阳节3点 敬老座谈", NOW, "时间：2027年10月8日（周五）15:00"),
])
async def test_publish_shows_the_whole_date_and_the_24_hour_time(
        chat_db: AsyncSession, text: str, moment: datetime, shown: str) -> None:
    """The announcement carries the date and 24-hour time the words were read as."""
    reply = await _say(chat_db, text, moment)
    assert shown in reply.splitlines()


@pytest.mark.parametrize(("text", "moment", "reply"), [
    ("提醒 两点 开会", NOW, "好的，11月22日（周日）14:00 在群里提醒（#1）：开会"),
    ("提醒 下个月5号 交党费", NOW, "好的，12月5日（周六）09:00 在群里提醒（#1）：交党费"),
    ("提醒 3点 吃药", LATE, "好的，2027年1月1日（周五）15:00 在群里提醒（#1）：吃药"),
])
async def test_reminders_read_the_afternoon_and_next_month(
        chat_db: AsyncSession, text: str, moment: datetime, reply: str) -> None:
    """提醒 confirms what it understood, whole date and 24-hour time."""
    assert await _say(chat_db, text, moment) == reply


@pytest.mark.parametrize(("text", "reply"), [
    ("发布学习 昨天9点 学习党章",
     "这个时间（11月21日 09:00）已经过去了，请写以后的时间。\n例如：发布学习 明天上午9点 学习党章 党员活动室"),
    ("提醒 昨天9点 开会", "11月21日 09:00 已经过去了，请写以后的时间。\n例如：提醒 明天9点 带好党员证"),
    ("发布学习 学习党章 明天9点",
     "时间没看懂：开头没有时间。\n例如：发布学习 明天上午9点 学习党章 党员活动室"),
    ("发布会议 支委会 研究工作 明天9点", f"时间没看懂：开头没有时间。\n例如：{EX_PUBLISH_MEETING}"),
])
async def test_a_past_or_unreadable_time_is_refused_with_one_example(
        chat_db: AsyncSession, text: str, reply: str) -> None:
    """A past day says it has passed; every refusal shows exactly one example."""
    answer = await _say(chat_db, text, NOW)
    assert answer == reply
    assert answer.count("例如") == 1
