"""主题党日 commands as a secretary types them, through nonebug."""

from datetime import UTC, datetime, timedelta

import time_machine
from nonebot.adapters.onebot.v11 import Message, MessageSegment
from nonebug import App
from sqlmodel import col, select

from core.roles import Role
from db.models.reminder import Reminder
from tests.events import group_message, onebot, private_message
from tests.factories import SECRETARY_ID, SUPERUSER_ID, make_branch, make_member

NOW = datetime(2026, 11, 22, 4, 0, tzinfo=UTC)  # Sunday 12:00 Beijing


def _text(text: str) -> Message:
    return Message(MessageSegment.text(text))


async def _secretary(chat_db) -> None:
    branch = await make_branch(chat_db)
    await make_member(chat_db, branch, "王书记", user_id=SECRETARY_ID, role=Role.SECRETARY)


async def test_set_rule_then_show_next_party_day(app: App, chat_db):
    """设置主题党日 confirms the rule and the next date; 主题党日 shows place, theme, rule."""
    await _secretary(chat_db)
    with time_machine.travel(NOW, tick=False):
        async with app.test_matcher() as ctx:
            bot = onebot(ctx)
            event = group_message("设置主题党日 每月第2个周五 14:30 党员活动室", user_id=SECRETARY_ID)
            ctx.receive_event(bot, event)
            ctx.should_call_send(event, _text(
                "已设置主题党日：每月第2个周五 14:30，地点：党员活动室\n下次：12月11日（周五）14:30"),
                result=None)
            event = group_message("本月主题 学习新党章", user_id=SECRETARY_ID)
            ctx.receive_event(bot, event)
            ctx.should_call_send(event, _text("已设置12月11日（周五）14:30主题党日的主题：学习新党章"),
                                 result=None)
            event = group_message("主题党日")
            ctx.receive_event(bot, event)
            ctx.should_call_send(event, _text(
                "下次主题党日：12月11日（周五）14:30\n地点：党员活动室\n主题：学习新党章\n"
                "规则：每月第2个周五 14:30，遇节假日顺延，提前提醒：3天、1天、1小时"), result=None)
    keys = (await chat_db.exec(select(Reminder.dedupe_key).order_by(col(Reminder.due_at)))).all()
    assert [k.split(":", 2)[2] for k in keys] == ["2026-12-11:-3d", "2026-12-11:-1d", "2026-12-11:-1h"]


async def test_bad_rule_is_refused_with_an_example(app: App, chat_db):
    """A refusal says why and shows one example."""
    await _secretary(chat_db)
    async with app.test_matcher() as ctx:
        bot = onebot(ctx)
        event = group_message("设置主题党日 每周五", user_id=SECRETARY_ID)
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, _text(
            "请按“每月几日”或“每月第几个周几”写。\n例如：设置主题党日 每月10日 09:00 党员活动室"),
            result=None)


async def test_offsets_policy_cancel_in_private_and_holiday_dates(app: App, chat_db):
    """党日提醒, 党日节假日, 取消本次党日 said privately (the group still gets a notice), 节假日."""
    await _secretary(chat_db)
    with time_machine.travel(NOW, tick=False):
        async with app.test_matcher() as ctx:
            bot = onebot(ctx)
            for text, reply in [
                ("设置主题党日 每月1日 9点 党员活动室",
                 "已设置主题党日：每月1日 09:00，地点：党员活动室\n下次：12月1日（周二）09:00"),
                ("党日提醒 2天，30分钟", "已设置：主题党日前2天、30分钟提醒。"),
                ("党日节假日 提前", "已设置：主题党日遇法定节假日提前。"),
                ("党日节假日 看情况", "请选择：顺延、提前或不调整。\n例如：党日节假日 顺延"),
            ]:
                event = group_message(text, user_id=SECRETARY_ID)
                ctx.receive_event(bot, event)
                ctx.should_call_send(event, _text(reply), result=None)
            event = private_message("取消本次党日 场地维修", user_id=SECRETARY_ID)
            ctx.receive_event(bot, event)
            ctx.should_call_send(event, _text(
                "【通知】原定12月1日（周二）09:00的主题党日取消，原因：场地维修。相关提醒已停止。"), result=None)
            event = group_message("节假日 2027-01-01 休", user_id=SECRETARY_ID)
            ctx.receive_event(bot, event)
            ctx.should_call_send(event, _text("这条命令需要管理员或以上身份，您当前是支部书记。"), result=None)
            event = group_message("节假日 2027-01-01 休", user_id=SUPERUSER_ID)
            ctx.receive_event(bot, event)
            ctx.should_call_send(event, _text("已录入：2027年1月1日（周五）放假，已调整1次主题党日。"),
                                 result=None)
    rows = (await chat_db.exec(select(Reminder).where(Reminder.state == "pending")
                               .order_by(col(Reminder.due_at)))).all()
    notice = rows[0]
    assert (notice.kind, notice.target_id, notice.due_at) == ("notice", "20001", NOW + timedelta(seconds=1))
    assert notice.text.startswith("【通知】原定12月1日（周二）09:00的主题党日取消")
    # 1 Jan 2027 is now a holiday and the branch chose 提前: the party day is on Thu 31 Dec 2026.
    assert {r.dedupe_key.split(":")[2] for r in rows[1:]} == {"2027-01-01"}
    assert rows[-1].due_at == datetime(2026, 12, 31, 0, 30, tzinfo=UTC)


BAD_INPUTS = [
    ("设置主题党日 每月32日 9:00", "日期要在1到31之间。\n例如：设置主题党日 每月10日 09:00 党员活动室"),
    ("设置主题党日 每月第5个周三 9:00",
     "第几个周几只能是第1到第4个。\n例如：设置主题党日 每月第2个周五 14:30"),
    ("设置主题党日 每月10日", "请写上几点开始（没有填写时间）。\n例如：设置主题党日 每月10日 09:00 党员活动室"),
    ("设置主题党日 每月10日 25:00", "请写上几点开始（时刻不对）。\n例如：设置主题党日 每月10日 09:00 党员活动室"),
    ("党日提醒 abc", "看不懂“abc”。\n例如：党日提醒 3天,1天,1小时"),
    ("党日提醒 [CQ:shake]", "看不懂“[CQ:shake]”。\n例如：党日提醒 3天,1天,1小时"),
]


async def test_every_bad_input_gets_a_reason_and_an_example(app: App, chat_db):
    """Refusals say why and show one correct example; what the user typed comes back as plain text."""
    await _secretary(chat_db)
    with time_machine.travel(NOW, tick=False):
        async with app.test_matcher() as ctx:
            bot = onebot(ctx)
            event = group_message("设置主题党日 每月１０日 ９：００ 党员活动室", user_id=SECRETARY_ID)
            ctx.receive_event(bot, event)
            ctx.should_call_send(event, _text(
                "已设置主题党日：每月10日 09:00，地点：党员活动室\n下次：12月10日（周四）09:00"), result=None)
            for text, reply in BAD_INPUTS:  # typed text: a typed "[CQ:…]" is text, not a code
                event = group_message(_text(text), user_id=SECRETARY_ID)
                ctx.receive_event(bot, event)
                ctx.should_call_send(event, _text(reply), result=None)
