"""The 签到 hot path: checked before the other commands, refusals free the connection before replying."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from nonebot.adapters.onebot.v11 import Message, MessageSegment
from nonebot.matcher import matchers
from nonebug import App
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

import bot.pipeline
from bot.commands import HOT_PRIORITY, PRIORITY
from db import engine as db_engine
from db.models import Attendance
from domain import meetings
from plugins.signin import leave_cmd, report_cmd, signin_cmd
from tests.events import group_message, onebot
from tests.factories import MEMBER_ID, OTHER_GROUP_ID, make_branch, make_member

START = datetime(2026, 11, 25, 1, 30, tzinfo=UTC)  # Wednesday 09:30 Beijing


def text(value: str) -> Message:
    """A reply as plain text segments."""
    return Message(MessageSegment.text(value))


def test_hot_commands_come_first() -> None:
    """签到 and 请假 sit in a small group checked before the ~70 other command matchers."""
    assert signin_cmd.priority == leave_cmd.priority == HOT_PRIORITY < PRIORITY
    assert report_cmd.priority == PRIORITY
    assert {signin_cmd, leave_cmd} <= set(matchers[HOT_PRIORITY])
    assert len(matchers[HOT_PRIORITY]) < len(matchers[PRIORITY]) // 4


async def test_longer_command_and_sentence_after_hot_word(app: App, chat_db: AsyncSession) -> None:
    """签到情况 still reaches its own matcher; 签到表在哪 is no command at any priority."""
    branch = await make_branch(chat_db)
    await make_member(chat_db, branch, "张三", user_id=MEMBER_ID)
    await chat_db.commit()
    with time_machine.travel(START, tick=False):
        async with app.test_matcher() as ctx:
            bot = onebot(ctx)
            event = group_message("签到情况")
            ctx.receive_event(bot, event)
            ctx.should_call_send(event, text(
                "还没有开始过的学习。发布学习请发送：发布学习 明天上午9点 学习党章 党员活动室"), result=None)
            ctx.receive_event(bot, group_message("签到表在哪"))
            ctx.should_not_pass_rule()


async def test_refusal_releases_connection_before_reply(
    app: App, chat_db: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A refused 签到 rolls back before its reply is sent: the pooled connection is free meanwhile."""
    branch = await make_branch(chat_db)
    await make_member(chat_db, branch, "张三", user_id=MEMBER_ID)
    await meetings.schedule_meeting(chat_db, branch_id=branch.id, starts_at=START, title="学习党章")
    await chat_db.commit()
    held: list[int] = []
    original = bot.pipeline.plain

    def spy(event, value):  # noqa: ANN001, ANN202
        held.append(db_engine.get_engine().pool.checkedout())
        return original(event, value)

    monkeypatch.setattr(bot.pipeline, "plain", spy)
    with time_machine.travel(START - timedelta(days=1), tick=False):
        async with app.test_matcher() as ctx:
            adapter_bot = onebot(ctx)
            event = group_message("签到")
            ctx.receive_event(adapter_bot, event)
            ctx.should_call_send(event, text(
                "现在没有进行中的签到。下一次：#1 学习「学习党章」11月25日（周三）09:30，"
                "11月25日 09:00起可以签到。"), result=None)
            event = group_message("签到", group_id=OTHER_GROUP_ID)  # unbound group: silence
            ctx.receive_event(adapter_bot, event)
    assert held == [0]
    assert (await chat_db.exec(select(Attendance).order_by(col(Attendance.id)))).all() == []
