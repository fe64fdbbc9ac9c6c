"""How members really type the everyday commands, and the sentences that must stay sentences.

Each phrasing goes through NoneBot's real event handling (preprocessing, matchers, the permission
layer, the pipeline) in a bound group where 张三 has 报到'd, a study meeting is open and need #1
is posted. The effect is read back: the rows written and the reply sent.
"""

from datetime import UTC, datetime

import pytest
import time_machine
from nonebot.adapters.onebot.v11 import Message, MessageSegment
from nonebot.message import handle_event
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from core.roles import Role
from db.models import Attendance, Claim, Member
from db.models.notice import NoticeReceipt
from domain import meetings
from tests.events import RecordingBot, group_message, private_message
from tests.factories import MEMBER_ID, SECRETARY_ID, make_branch, make_member

START = datetime(2026, 11, 25, 1, 30, tzinfo=UTC)  # Wednesday 09:30 Beijing: the meeting is open
FACE = MessageSegment.face(14)

SIGNIN = ["签到", "签到🌹", "签到。", "签到！", "签到!", "签到～", "签到...", "签到，", "【签到】", "[签到]",
          "（签到）", "「签到」", "👍签到", "签到👍🏻", "签到❤️", "签到🙏🙏", "/签到", "／签到", "签到 🌹",
          "签到。。。", "打卡", "打卡。", "打个卡", "签个到", "签到了", "已签到", "我签到", "到", "到！",
          "已到", "【到】", "  签到  ", "已打卡", "打卡签到", "签到 张三", "签到：张三", "签到，张三",
          "签到 张三🌹"]
LEAVE = ["请假", "请假。", "请假🙏", "请假 住院", "请假：住院", "请假，住院", "请假住院", "请个假 住院",
         "我请假", "我要请假 家里有事", "我想请假", "请假 身体不适，在家休息", "我请个假，腿疼"]
CLAIM = ["认领1", "认领 1", "认领 #1", "认领1号", "认领一号", "认领 1号。", "认领#1🌹", "报名 #1", "报名1",
         "报名 1号", "我报名 1", "我要报名1", "我认领 1", "我要认领 #1", "报名 #1！", "【报名 1】", "报名 ＃１",
         "我也报名 1", "我也要报名1号", "报名参加 #1", "我也认领1"]
BALANCE = ["积分", "积分。", "积分？", "查积分", "查询积分", "积分查询", "查看积分", "查分", "我的积分",
           "我的积分？", "查我的积分", "我的分数", "积分余额", "积分多少", "积分多少？", "我的积分多少",
           "我有多少积分？", "我有多少分", "【积分】", "积分是多少？", "我的积分是多少", "我的积分呢？",
           "我有几分", "查一下积分", "查下积分", "看看积分", "看一下积分"]
HELP = ["帮助", "帮助。", "帮助？", "菜单", "功能", "功能菜单", "功能列表", "使用说明", "说明书", "怎么用",
        "怎么用？", "怎么使用", "如何使用？", "命令", "命令列表", "指令", "/帮助", "使用帮助", "操作说明",
        "怎么操作", "有什么功能？", "有哪些功能"]
NEEDS = ["需求列表", "需求列表？", "志愿需求", "服务清单", "需求", "需求清单", "查看需求", "查需求",
         "志愿服务", "志愿活动", "有什么活", "有什么活？", "有啥活", "有什么需求？", "有什么志愿活动",
         "服务需求", "有什么志愿服务？"]
NOTHING = [
    # sentences and questions about a command: nothing written, nothing said
    "签到表在哪里", "签到表在哪", "签到？", "签到了吗", "签到了吗？", "我签到了吗", "签到的人多吗",
    "打卡了吗", "到底怎么回事", "到了吗", "到点了", "请假要找谁？", "请假的话怎么办", "请假怎么请",
    "请假可以吗", "请假条怎么写", "请假的人真多", "请假了", "请假？", "请假 可以吗？", "我要请假，找谁",
    "请假会扣分不", "需求列表是什么", "需求是什么", "认领的人多吗", "报名的人多吗", "报名怎么报",
    "报名 怎么报？", "报名了吗", "认领 1号几点集合？", "积分怎么算", "积分有什么用", "积分多少能兑换",
    "积分的事", "查分了吗", "帮助我看看这个", "功能很多", "怎么用这个", "说明书呢", "命令他们", "有什么活动吗",
    "志愿服务很有意义", "我到了", "报个到", "参加 1", "到了", "签到张三", "签到开始了", "签到 一下",
    "签到 表格", "我的积分是怎么算的",
    "有什么功能吗", "看看积分排名了吗", "报名参加的人多吗", "打卡了没有", "我也报名了吗",
]


async def _arrange(db: AsyncSession) -> RecordingBot:
    branch = await make_branch(db)
    await make_member(db, branch, "王书记", user_id=SECRETARY_ID, role=Role.SECRETARY)
    await make_member(db, branch, "张三", user_id=MEMBER_ID)
    await meetings.schedule_meeting(db, branch_id=branch.id, starts_at=START, title="学习党章")
    await db.commit()
    bot = RecordingBot.connect()
    await handle_event(bot, group_message("发布需求 文明劝导 11月28日9:00-11:00 枣行社区 5人 2分",
                                          user_id=SECRETARY_ID))
    assert bot.sent()[0].startswith("已发布志愿服务需求 #1")
    bot.calls.clear()
    return bot


def _message(phrasing: str | Message) -> Message:
    return phrasing if isinstance(phrasing, Message) else Message(MessageSegment.text(phrasing))


async def _effect(db: AsyncSession, phrasing: str | Message, *, private: bool = False
                  ) -> tuple[list[str], list[str], list[str]]:
    """(replies, attendance statuses, claim statuses) after 张三 sends the phrasing."""
    with time_machine.travel(START, tick=False):
        bot = await _arrange(db)
        event = private_message(_message(phrasing)) if private else group_message(_message(phrasing))
        await handle_event(bot, event)
    attendance = [a.status for a in (await db.exec(select(Attendance))).all()]
    claims = [c.status for c in (await db.exec(select(Claim))).all()]
    await db.commit()
    return bot.sent(), attendance, claims


@pytest.mark.parametrize("phrasing", [*SIGNIN, Message([FACE, MessageSegment.text("签到")]),
                                      Message([MessageSegment.text("签到"), FACE]),
                                      Message([FACE, MessageSegment.text("签到🌹"), FACE])])
async def test_sign_in(chat_db: AsyncSession, phrasing: str | Message) -> None:
    """Every way of saying 签到 signs 张三 in, once."""
    replies, attendance, _ = await _effect(chat_db, phrasing)
    assert attendance == ["present"]
    assert replies == ["张三 签到成功（学习 #1，第1位，09:30），积分+2"]


@pytest.mark.parametrize("phrasing", LEAVE)
async def test_leave(chat_db: AsyncSession, phrasing: str) -> None:
    """Every way of saying 请假 records a leave (with the reason when one follows)."""
    replies, attendance, _ = await _effect(chat_db, phrasing)
    assert attendance == ["leave"]
    assert len(replies) == 1 and replies[0].startswith("张三 已请假：")


@pytest.mark.parametrize("phrasing", CLAIM)
async def test_sign_up_for_a_need(chat_db: AsyncSession, phrasing: str) -> None:
    """认领 / 报名 with the need's number, however written, claims a place."""
    replies, _, claims = await _effect(chat_db, phrasing)
    assert claims == ["claimed"]
    assert len(replies) == 1 and replies[0].startswith("张三 认领成功：#1 文明劝导（1/5）")


@pytest.mark.parametrize(("phrasing", "reply"), [
    *((p, "张三 2026年度积分") for p in BALANCE),
    *((p, "【可用命令】") for p in HELP),
    *((p, "【志愿服务需求】") for p in NEEDS),
    ("取消报名 1", "您没有认领#1 文明劝导。"), ("我的报名", "张三 目前没有认领的志愿服务。"),
])
async def test_read_commands(chat_db: AsyncSession, phrasing: str, reply: str) -> None:
    """Balance, help and needs answer to the words members use for them; nothing else is written."""
    replies, attendance, claims = await _effect(chat_db, phrasing)
    assert len(replies) == 1 and replies[0].startswith(reply), replies
    assert attendance == [] and claims == []


@pytest.mark.parametrize("phrasing", NOTHING)
async def test_sentences_change_nothing(chat_db: AsyncSession, phrasing: str) -> None:
    """A sentence or a question that starts with a command word: no row, no reply."""
    assert await _effect(chat_db, phrasing) == ([], [], [])


@pytest.mark.parametrize("phrasing", ["积分？", "怎么用", "请个假 住院", "请假要找谁？"])
async def test_private_chat_reads_the_same(chat_db: AsyncSession, phrasing: str) -> None:
    """Privately the same words mean the same (a question about leave is still nothing)."""
    replies, attendance, _ = await _effect(chat_db, phrasing, private=True)
    if phrasing == "请假要找谁？":
        assert (replies, attendance) == ([], [])
    else:
        assert len(replies) == 1 and attendance == (["leave"] if "假" in phrasing else [])


RECEIPT = ["收到", "收到。", "收到👍", "【收到】", "已收到", "收到了", "收到了！", "已阅", "已读", "收到，谢谢"]
NOT_A_RECEIPT = ["收到快递了", "收到了吗", "已读不回", "已阅读完毕了吗"]


async def _receipts(db: AsyncSession, phrasing: str) -> tuple[list[str], int]:
    """(replies, 张三's receipts) after the secretary posts a notice and 张三 sends the phrasing."""
    with time_machine.travel(START, tick=False):
        bot = await _arrange(db)
        await handle_event(bot, group_message("通知 周五上午9点学习，请准时参加。", user_id=SECRETARY_ID))
        bot.calls.clear()
        await handle_event(bot, group_message(_message(phrasing)))
    zhang = (await db.exec(select(Member).where(Member.name == "张三"))).one()
    rows = len((await db.exec(select(NoticeReceipt).where(NoticeReceipt.member_id == zhang.id))).all())
    await db.commit()
    return bot.sent(), rows


@pytest.mark.parametrize("phrasing", RECEIPT)
async def test_receipt_of_a_notice(chat_db: AsyncSession, phrasing: str) -> None:
    """The words members acknowledge a notice with record one receipt."""
    replies, rows = await _receipts(chat_db, phrasing)
    assert rows == 1 and len(replies) == 1 and replies[0].startswith("张三 已收到通知 #1"), replies


@pytest.mark.parametrize("phrasing", NOT_A_RECEIPT)
async def test_sentences_about_receiving_are_not_receipts(chat_db: AsyncSession, phrasing: str) -> None:
    """收到快递了 and questions: no receipt, no reply."""
    assert await _receipts(chat_db, phrasing) == ([], 0)


async def test_sign_in_with_another_members_name_is_proxy_work(chat_db: AsyncSession) -> None:
    """签到 王书记 from 张三 signs nobody in and says 代签 is how; 签到 @王书记 is nothing."""
    assert await _effect(chat_db, "签到 王书记") == ([
        "“签到”只为您自己（张三）签到。替王书记签到请支委委员或书记发送代签。\n例如：代签 王书记"], [], [])


async def test_sign_in_with_a_mention_is_nothing(chat_db: AsyncSession) -> None:
    """签到 @someone is not a sign-in of the sender."""
    message = Message([MessageSegment.text("签到 "), MessageSegment.at(SECRETARY_ID)])
    assert await _effect(chat_db, message) == ([], [], [])
