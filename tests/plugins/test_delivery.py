"""Effect-once delivery: the message id is committed with the command's effect (bot/pipeline.py)."""

from datetime import UTC, datetime

import pytest
import time_machine
from nonebot.message import handle_event
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from core.roles import Role
from db.models import Attendance, ProcessedEvent
from domain import meetings
from tests.events import RecordingBot, group_message
from tests.factories import MEMBER_ID, make_branch, make_member

START = datetime(2026, 11, 25, 1, 30, tzinfo=UTC)
APOLOGY = "抱歉，处理这条消息时出错了，没有做任何更改。请稍后再试，或联系管理员。"


async def test_a_resend_after_a_failed_attempt_is_handled_once(
        chat_db: AsyncSession, monkeypatch: pytest.MonkeyPatch) -> None:
    """An attempt cut short leaves no mark: the resend (same message id) signs in; a third is silent."""
    branch = await make_branch(chat_db)
    await make_member(chat_db, branch, "张三", user_id=MEMBER_ID, role=Role.MEMBER)
    await meetings.schedule_meeting(chat_db, branch_id=branch.id, starts_at=START, title="学习党章")
    await chat_db.commit()
    real_sign_in = meetings.sign_in

    async def crash(*args: object, **kwargs: object) -> object:
        raise RuntimeError("the process died here")

    bot = RecordingBot.connect()
    with time_machine.travel(START, tick=False):
        monkeypatch.setattr(meetings, "sign_in", crash)
        await handle_event(bot, group_message("签到", message_id=4242))
        assert bot.sent() == [APOLOGY]
        assert (await chat_db.exec(select(ProcessedEvent))).all() == []
        await chat_db.commit()  # SQLite's one pooled connection goes back before the bot needs it
        monkeypatch.setattr(meetings, "sign_in", real_sign_in)
        bot.calls.clear()
        await handle_event(bot, group_message("签到", message_id=4242))
        assert bot.sent() == ["张三 签到成功（学习 #1，第1位，09:30），积分+2"]
        bot.calls.clear()
        await handle_event(bot, group_message("签到", message_id=4242))  # handled once: silence
        assert bot.sent() == []
    assert len((await chat_db.exec(select(Attendance))).all()) == 1
