"""Reminder commands as a secretary types them, through nonebug."""

from datetime import UTC, datetime, timedelta

import time_machine
from nonebot.adapters.onebot.v11 import Message, MessageSegment
from nonebug import App
from sqlmodel import select

from core.roles import Role
from db.models.reminder import Reminder, ReminderState
from tests.events import group_message, onebot
from tests.factories import SECRETARY_ID, make_branch, make_member

NOW = datetime(2026, 11, 22, 4, 0, tzinfo=UTC)  # Sunday 12:00 Beijing


def _text(text: str) -> Message:
    return Message(MessageSegment.text(text))


async def _secretary(chat_db) -> None:
    branch = await make_branch(chat_db)
    await make_member(chat_db, branch, "王书记", user_id=SECRETARY_ID, role=Role.SECRETARY)


async def test_one_off_reminder_list_and_cancel(app: App, chat_db):
    """提醒 明天9点 …; 提醒列表 shows it and a skipped one with the reason; 取消提醒 #1."""
    await _secretary(chat_db)
    with time_machine.travel(NOW, tick=False):
        async with app.test_matcher() as ctx:
            bot = onebot(ctx)
            event = group_message("提醒 明天9点 带好党员证", user_id=SECRETARY_ID)
            ctx.receive_event(bot, event)
            ctx.should_call_send(event, _text("好的，11月23日（周一）09:00 在群里提醒（#1）：带好党员证"),
                                 result=None)
    row = (await chat_db.exec(select(Reminder))).one()
    assert (row.due_at, row.text, row.target_id) == (
        datetime(2026, 11, 23, 1, 0, tzinfo=UTC), "【提醒】带好党员证", "20001")
    chat_db.add(Reminder(branch_id=1, kind="oneoff", target_kind="group", platform="onebot",
                         target_id="20001", due_at=NOW - timedelta(hours=8), text="【提醒】交党费",
                         dedupe_key="old", state=ReminderState.SKIPPED,
                         last_error="机器人离线，超过补发时限（6小时）未发送"))
    await chat_db.commit()
    with time_machine.travel(NOW, tick=False):
        async with app.test_matcher() as ctx:
            bot = onebot(ctx)
            event = group_message("提醒列表", user_id=SECRETARY_ID)
            ctx.receive_event(bot, event)
            ctx.should_call_send(event, _text(
                "待发送的提醒（1条）：\n#1 11月23日 09:00 提醒：带好党员证\n最近没有发出的提醒：\n"
                "#2 11月22日 04:00 提醒：交党费 —— 已跳过：机器人离线，超过补发时限（6小时）未发送"),
                result=None)
            event = group_message("取消提醒 ＃１", user_id=SECRETARY_ID)
            ctx.receive_event(bot, event)
            ctx.should_call_send(event, _text("已取消提醒 #1（提醒：带好党员证）。"), result=None)
    await chat_db.refresh(row)
    assert row.state == "cancelled"


async def test_past_time_is_refused(app: App, chat_db):
    """A reminder time already past is refused, never queued."""
    await _secretary(chat_db)
    with time_machine.travel(NOW, tick=False):
        async with app.test_matcher() as ctx:
            bot = onebot(ctx)
            event = group_message("提醒 今天9点 开会", user_id=SECRETARY_ID)
            ctx.receive_event(bot, event)
            ctx.should_call_send(event, _text(
                "11月22日 09:00 已经过去了，请写以后的时间。\n例如：提醒 明天9点 带好党员证"), result=None)
    assert (await chat_db.exec(select(Reminder))).all() == []


BAD_INPUTS = [
    ("提醒 昨天9点 开会", "11月21日 09:00 已经过去了，请写以后的时间。\n例如：提醒 明天9点 带好党员证"),
    ("提醒 abc", "没看懂提醒时间（开头没有时间），请把时间写在最前面。\n例如：提醒 明天9点 带好党员证"),
    ("提醒 明天9点", "请写上提醒的内容。\n例如：提醒 明天9点 带好党员证"),
    ("取消提醒 #abc", "没看懂提醒编号“#abc”，请写数字编号。\n例如：取消提醒 #3"),
    ("取消提醒 ＃９", "本支部没有提醒 #9。\n例如：提醒列表"),
    ("取消提醒 #99999999999999999999", "本支部没有提醒 #99999999999999999999。\n例如：提醒列表"),
    ("缺勤提醒 也许", "请写“开”或“关”。\n例如：缺勤提醒 关"),
    ("志愿提醒 电话", "请写“私聊”或“群里”。\n例如：志愿提醒 群里"),
]


async def test_every_bad_input_gets_a_reason_and_an_example(app: App, chat_db):
    """Refusals say why and show one correct example; what the user typed comes back as plain text."""
    await _secretary(chat_db)
    with time_machine.travel(NOW, tick=False):
        async with app.test_matcher() as ctx:
            bot = onebot(ctx)
            for text, reply in BAD_INPUTS:  # typed text: a typed "[CQ:…]" is text, not a code
                event = group_message(_text(text), user_id=SECRETARY_ID)
                ctx.receive_event(bot, event)
                ctx.should_call_send(event, _text(reply), result=None)
    oneoff = (await chat_db.exec(select(Reminder).where(Reminder.kind == "oneoff"))).all()
    assert oneoff == []
