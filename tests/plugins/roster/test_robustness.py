"""Malformed input: a clear Chinese reply with an example, nothing half-written."""

import pytest
from nonebot.adapters.onebot.v11 import Message, MessageSegment
from nonebug import App
from sqlalchemy import func
from sqlmodel import select

from core.roles import Role
from db.models import Branch, ChatAccount, GroupBinding, Member
from tests.events import group_message, onebot, private_message
from tests.factories import SECRETARY_ID, SUPERUSER_ID, make_branch, make_member

EX_ADD = "\n例如：添加成员 李四 适当参加"
MALFORMED = [
    (SECRETARY_ID, "添加成员", "请写上姓名。" + EX_ADD),
    (SECRETARY_ID, "添加成员 赵六 很健康", "类别“很健康”不对，只能是：正常活动、适当参加、不能参加。" + EX_ADD),
    (SECRETARY_ID, "添加成员 12345", "姓名“12345”不合适：应为1到16个字，不含空格和符号。" + EX_ADD),
    (SECRETARY_ID, "添加成员 [CQ:at,qq=all]",
     "姓名“[CQ:at,qq=all]”不合适：应为1到16个字，不含空格和符号。" + EX_ADD),
    (SECRETARY_ID, "添加成员 " + "长" * 17,
     f"姓名“{'长' * 17}”不合适：应为1到16个字，不含空格和符号。" + EX_ADD),
    (SECRETARY_ID, "添加成员 王五", "本支部已有成员“王五”。同名时请加以区分，例如：李四（水利局）。"),
    (SECRETARY_ID, "设置类别 王五", "请写上成员和类别。\n例如：设置类别 李四 不能参加"),
    (SECRETARY_ID, "设置类别 钱七 正常",
     "本支部没有叫“钱七”的成员。可发送“成员列表”查看。\n例如：设置类别 李四 不能参加"),
    (SECRETARY_ID, "设置类别 王五 三级", "类别“三级”不对，只能是：正常活动、适当参加、不能参加。"
                                        "\n例如：设置类别 李四 不能参加"),
    (SECRETARY_ID, Message("设置委员 ") + MessageSegment.at(10099),
     "被@的人还没有在本支部报到，请先让他发送：报到 姓名。\n例如：设置委员 @王五"),
    (SECRETARY_ID, "设置委员", "请@这位成员或写上姓名。\n例如：设置委员 @王五"),
    (SECRETARY_ID, "取消委员 王书记", "王书记 是书记，请由管理员用“设置书记”改任他人。\n例如：取消委员 @王五"),
    (SECRETARY_ID, "停用成员", "请写上成员姓名或@这位成员。\n例如：停用成员 李四 已迁居外地"),
    (SECRETARY_ID, "启用成员 王五", "王五 已经是启用状态。"),
    (SUPERUSER_ID, "绑定支部", "请写上支部名称（64字以内）。\n例如：绑定支部 城关镇离退休干部第一党支部"),
    (SUPERUSER_ID, "设置书记 钱七",
     "本支部没有叫“钱七”的成员。可发送“成员列表”查看。\n例如：设置书记 @张三"),
    ("10050", "报到 老张:张三", "姓名“老张:张三”不合适：应为1到16个字，不含空格和符号。\n例如：报到 张三"),
]


async def _snapshot(session) -> tuple:
    counts = []
    for model in (Branch, GroupBinding, Member, ChatAccount):
        counts.append((await session.exec(select(func.count()).select_from(model))).one())
    rows = (await session.exec(select(Member.name, Member.category, Member.role, Member.status)
                               .order_by(Member.id))).all()
    await session.commit()  # SQLite: end the read transaction so the bot can write
    return tuple(counts), [tuple(r) for r in rows]


@pytest.mark.parametrize(("user_id", "text", "reply"), MALFORMED, ids=lambda v: str(v)[:12])
async def test_malformed_input_replies_with_example_and_writes_nothing(
        app: App, chat_db, user_id, text, reply):
    """Each bad command gets the Chinese reason (with an example) and changes no row."""
    branch = await make_branch(chat_db)
    await make_member(chat_db, branch, "王书记", user_id=SECRETARY_ID, role=Role.SECRETARY)
    await make_member(chat_db, branch, "王五")
    before = await _snapshot(chat_db)
    async with app.test_matcher() as ctx:
        bot = onebot(ctx)
        literal = Message(MessageSegment.text(text)) if isinstance(text, str) else text
        sealed = isinstance(text, str) and text.startswith("设置类别")  # answered privately
        event = (private_message if sealed else group_message)(literal, user_id=user_id)
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, Message(MessageSegment.text(reply)), result=None)
    assert await _snapshot(chat_db) == before
