"""Sign-in commands as members and the secretary type them, through nonebug."""

from datetime import UTC, datetime, timedelta

import time_machine
from nonebot.adapters.onebot.v11 import Message, MessageSegment
from nonebug import App
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core.roles import Role
from db.models import Attendance, AttendanceStatus, Branch, LedgerEntry, StudySession
from domain import meetings
from tests.events import group_message, onebot, private_message
from tests.factories import MEMBER_ID, SECRETARY_ID, make_branch, make_member

START = datetime(2026, 11, 25, 1, 30, tzinfo=UTC)  # Wednesday 09:30 Beijing


def text(value: str) -> Message:
    """A reply as plain text segments."""
    return Message(MessageSegment.text(value))


async def _arrange(db: AsyncSession) -> tuple[Branch, StudySession]:
    branch = await make_branch(db)
    await make_member(db, branch, "王书记", user_id=SECRETARY_ID, role=Role.SECRETARY)
    await make_member(db, branch, "张三", user_id=MEMBER_ID)
    await make_member(db, branch, "李四")
    study = await meetings.schedule_meeting(db, branch_id=branch.id, starts_at=START, title="学习党章",
                                           place="活动室")
    await db.commit()
    return branch, study


async def _rows(db: AsyncSession) -> list[tuple[int, str, int | None, int | None]]:
    rows = (await db.exec(select(Attendance).order_by(col(Attendance.id)))).all()
    return [(a.member_id, a.status, a.seq, a.proxy_by) for a in rows]


async def test_sign_in_twice_and_a_sentence(app: App, chat_db: AsyncSession) -> None:
    """签到 confirms 第N位 and points; again says when; 签到表在哪 is not a command."""
    _, study = await _arrange(chat_db)
    with time_machine.travel(START - timedelta(minutes=2), tick=False):
        async with app.test_matcher() as ctx:
            bot = onebot(ctx)
            event = group_message("签到")
            ctx.receive_event(bot, event)
            ctx.should_call_send(event, text(
                f"张三 签到成功（学习 #{study.id}，第1位，09:28），积分+2"), result=None)
    with time_machine.travel(START + timedelta(minutes=3), tick=False):
        async with app.test_matcher() as ctx:
            bot = onebot(ctx)
            event = group_message("／签到")
            ctx.receive_event(bot, event)
            ctx.should_call_send(event, text("张三 已签到（09:28）"), result=None)
            ctx.receive_event(bot, group_message("签到表在哪"))
            ctx.receive_event(bot, group_message("签到", message_id=event.message_id))  # redelivered
    assert await _rows(chat_db) == [(2, "present", 1, None)]
    sources = (await chat_db.exec(select(LedgerEntry.source))).all()
    assert sources == ["signin:1"]


async def test_no_session_and_unregistered(app: App, chat_db: AsyncSession) -> None:
    """Outside the window: when the next one is; a sender who has not 报到'd is told how."""
    _, study = await _arrange(chat_db)
    with time_machine.travel(START - timedelta(days=1), tick=False):
        async with app.test_matcher() as ctx:
            bot = onebot(ctx)
            event = group_message("签到")
            ctx.receive_event(bot, event)
            ctx.should_call_send(event, text(
                f"现在没有进行中的签到。下一次：#{study.id} 学习「学习党章」11月25日（周三）09:30，"
                "11月25日 09:00起可以签到。"), result=None)
            event = group_message("签到", user_id="10077")
            ctx.receive_event(bot, event)
            ctx.should_call_send(event, text(
                "您还没有报到。请先发送：报到 您的姓名\n例如：报到 张三"), result=None)
    assert await _rows(chat_db) == []


@time_machine.travel(datetime(2026, 11, 22, 12, 0, tzinfo=UTC), tick=False)
async def test_publish_announces_with_number(app: App, chat_db: AsyncSession) -> None:
    """发布学习 posts the announcement with #N; a past time and a plain member are refused."""
    branch = await make_branch(chat_db)
    await make_member(chat_db, branch, "王书记", user_id=SECRETARY_ID, role=Role.SECRETARY)
    await make_member(chat_db, branch, "张三", user_id=MEMBER_ID)
    async with app.test_matcher() as ctx:
        bot = onebot(ctx)
        event = group_message("发布学习 11月25日9点半 学习党章 第一会议室", user_id=SECRETARY_ID)
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, text(
            "【学习通知 #1】\n主题：学习党章\n时间：11月25日（周三）09:30\n地点：第一会议室\n"
            "09:00起发送“签到”即可签到，09:45后算迟到。不能参加请发送“请假 原因”。"), result=None)
        event = group_message("发布学习 11月21日9点 学习", user_id=SECRETARY_ID)
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, text(
            "这个时间（11月21日 09:00）已经过去了，请写以后的时间。\n"
            "例如：发布学习 明天上午9点 学习党章 党员活动室"), result=None)
        event = group_message("发布学习 明天9点 学习")
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, text("这条命令需要支委委员或以上身份，您当前是党员。"), result=None)
    rows = (await chat_db.exec(select(StudySession))).all()
    assert [(s.id, s.title, s.place, s.starts_at) for s in rows] == [(1, "学习党章", "第一会议室", START)]


async def test_start_proxy_end_and_report(app: App, chat_db: AsyncSession) -> None:
    """开始签到, 代签 by name and @, 结束签到 with counts, 签到情况 with names."""
    branch = await make_branch(chat_db)
    await make_member(chat_db, branch, "王书记", user_id=SECRETARY_ID, role=Role.SECRETARY)
    await make_member(chat_db, branch, "张三", user_id=MEMBER_ID)
    await make_member(chat_db, branch, "李四")
    await make_member(chat_db, branch, "王五")
    moment = datetime(2026, 11, 25, 6, 0, tzinfo=UTC)  # 14:00 Beijing
    with time_machine.travel(moment, tick=False):
        async with app.test_matcher() as ctx:
            bot = onebot(ctx)
            event = group_message("开始签到 学习新党章", user_id=SECRETARY_ID)
            ctx.receive_event(bot, event)
            ctx.should_call_send(event, text(
                "学习签到开始 #1「学习新党章」\n请发送“签到”；14:15后算迟到，15:00结束。"), result=None)
            event = group_message(Message("代签 李四，") + MessageSegment.at(MEMBER_ID) + " 赵六",
                                  user_id=SECRETARY_ID)
            ctx.receive_event(bot, event)
            ctx.should_call_send(event, text(
                "已代签 2人（学习 #1「学习新党章」）：\n李四 第1位\n张三 第2位\n"
                "没找到：赵六（可发送“成员列表”核对姓名）"), result=None)
    with time_machine.travel(moment + timedelta(minutes=10), tick=False):
        async with app.test_matcher() as ctx:
            bot = onebot(ctx)
            event = group_message("结束签到", user_id=SECRETARY_ID)
            ctx.receive_event(bot, event)
            ctx.should_call_send(event, text(
                "学习签到已结束 #1。\n应到4人，实到2人（迟到0人），请假0人，缺席2人，出席率50%"),
                result=None)
            event = group_message("签到情况 #1")
            ctx.receive_event(bot, event)
            ctx.should_call_send(event, text(
                "【签到情况】#1 学习「学习新党章」11月25日（周三）14:00\n"
                "应到4人，实到2人（迟到0人），请假0人，缺席2人，出席率50%\n缺席：王书记、王五"),
                result=None)
    # 第N位 in the order named (the rows themselves are written in member order: db ids differ).
    assert sorted(await _rows(chat_db), key=lambda r: r[2] or 0) == [
        (3, "present", 1, 1), (2, "present", 2, 1)]


async def test_leave_makeup_and_record(app: App, chat_db: AsyncSession) -> None:
    """请假 before, 补签 after the window by the secretary, 学习记录 in private chat."""
    _, study = await _arrange(chat_db)
    with time_machine.travel(START - timedelta(days=1), tick=False):
        async with app.test_matcher() as ctx:
            bot = onebot(ctx)
            event = group_message("请假 去医院复查")
            ctx.receive_event(bot, event)
            ctx.should_call_send(event, text(
                f"张三 已请假：#{study.id} 学习「学习党章」11月25日（周三）09:30，原因：去医院复查。"),
                result=None)
    with time_machine.travel(START + timedelta(days=1), tick=False):
        async with app.test_matcher() as ctx:
            bot = onebot(ctx)
            event = group_message("补签 1号 李四 当时忘记签到", user_id=SECRETARY_ID)
            ctx.receive_event(bot, event)
            ctx.should_call_send(event, text(
                f"已为 李四 补签：#{study.id} 学习「学习党章」11月25日（周三）09:30，"
                "记录于11月26日 09:30，原因：当时忘记签到。"), result=None)
            event = group_message("补签 #1 李四 再补一次")
            ctx.receive_event(bot, event)
            ctx.should_call_send(event, text("这条命令需要支部书记或以上身份，您当前是党员。"), result=None)
            event = private_message("学习记录")
            ctx.receive_event(bot, event)
            ctx.should_call_send(event, text(
                "【张三 2026年学习记录】共1次：出席0次（迟到0次），请假1次，缺席0次\n"
                "1. #1 11月25日 09:30 学习「学习党章」 请假"), result=None)
    assert await _rows(chat_db) == [(2, "leave", None, None), (3, "makeup", None, 1)]
    row = (await chat_db.exec(select(Attendance).where(Attendance.member_id == 3))).one()
    assert (row.status, row.reason) == (AttendanceStatus.MAKEUP, "当时忘记签到")


async def test_huge_session_numbers_are_not_found(app: App, chat_db: AsyncSession) -> None:
    """A 20-digit #N would overflow the id column: answered as not found, nothing written."""
    await _arrange(chat_db)
    huge = "#99999999999999999999"
    with time_machine.travel(START + timedelta(hours=3), tick=False):
        async with app.test_matcher() as ctx:
            bot = onebot(ctx)
            event = group_message(f"签到情况 {huge}", user_id=SECRETARY_ID)
            ctx.receive_event(bot, event)
            ctx.should_call_send(event, text(
                "本支部没有 #99999999999999999999 这次会议。\n例如：签到情况 #3"), result=None)
            event = group_message(f"补签 {huge} 李四 忘了", user_id=SECRETARY_ID)
            ctx.receive_event(bot, event)
            ctx.should_call_send(event, text(
                "本支部没有 #99999999999999999999 这次会议。\n例如：签到情况 #3"), result=None)
    assert await _rows(chat_db) == []


async def test_leave_reasons_stay_out_of_the_group(app: App, chat_db: AsyncSession) -> None:
    """A leave reason is often a health matter (去医院复查): 签到情况 in the group names who is on
    leave without it; the secretary asking privately sees it."""
    _, study = await _arrange(chat_db)
    with time_machine.travel(START - timedelta(days=1), tick=False):
        async with app.test_matcher() as ctx:
            bot = onebot(ctx)
            event = group_message("请假 去医院复查")
            ctx.receive_event(bot, event)
            ctx.should_call_send(event, text(
                f"张三 已请假：#{study.id} 学习「学习党章」11月25日（周三）09:30，原因：去医院复查。"),
                result=None)
    heading = (f"【签到情况】#{study.id} 学习「学习党章」11月25日（周三）09:30\n"
               "应到3人，实到0人（迟到0人），请假1人，缺席2人，出席率0%\n")
    with time_machine.travel(START + timedelta(hours=3), tick=False):
        async with app.test_matcher() as ctx:
            bot = onebot(ctx)
            event = group_message(f"签到情况 #{study.id}", user_id=SECRETARY_ID)
            ctx.receive_event(bot, event)
            ctx.should_call_send(event, text(heading + "请假：张三\n缺席：王书记、李四"), result=None)
            event = private_message(f"签到情况 #{study.id}", user_id=SECRETARY_ID)
            ctx.receive_event(bot, event)
            ctx.should_call_send(event, text(heading + "请假：张三（去医院复查）\n缺席：王书记、李四"),
                                 result=None)
