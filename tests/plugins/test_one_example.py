"""Every refusal shows one example: each published command, typed with words it cannot read, by the
secretary in the group and privately, through NoneBot's event handling."""

from datetime import UTC, datetime

import pytest
import time_machine
from nonebot.message import handle_event
from sqlmodel.ext.asyncio.session import AsyncSession

from core.roles import Role
from plugins.help import sections
from tests.events import RecordingBot, group_message, private_message
from tests.factories import MEMBER_ID, SECRETARY_ID, make_branch, make_member

NOW = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)  # Sunday 10:00 Beijing
NONSENSE = ("abc", "99999 xyz", "明天 ？")


@pytest.mark.parametrize("tail", NONSENSE)
async def test_no_reply_shows_two_examples(chat_db: AsyncSession, tail: str) -> None:
    """`<command> <nonsense>` from the secretary: whatever the answer, at most one 例如 in it
    (帮助's own pages, which start with 【, list many)."""
    branch = await make_branch(chat_db)
    await make_member(chat_db, branch, "王书记", user_id=SECRETARY_ID, role=Role.SECRETARY)
    await make_member(chat_db, branch, "张三", user_id=MEMBER_ID)
    await chat_db.commit()
    bot = RecordingBot.connect()
    names = sorted({doc.name for section in sections() for doc in section.commands})
    with time_machine.travel(NOW, tick=False):
        for name in names:
            for event in (group_message(f"{name} {tail}", user_id=SECRETARY_ID),
                          private_message(f"{name} {tail}", user_id=SECRETARY_ID)):
                await handle_event(bot, event)
    twice = [text for text in bot.sent() if text.count("例如") > 1 and not text.startswith("【")]
    assert twice == []
