"""Malformed input, namesakes and concurrency: a clear Chinese reply, nothing half-written."""

import asyncio

import pytest
from nonebot.adapters.onebot.v11 import Message, MessageSegment
from nonebug import App
from sqlalchemy import func
from sqlmodel import select

from core.errors import Conflict, InvalidInput
from core.roles import Role
from db import engine as db_engine
from db.models import Branch, ChatAccount, GroupBinding, Member
from plugins.roster import service
from tests.events import group_message, onebot
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
        event = group_message(literal, user_id=user_id)
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, Message(MessageSegment.text(reply)), result=None)
    assert await _snapshot(chat_db) == before


async def test_concurrent_registrations_in_one_branch_all_succeed(db_url):
    """Twenty members 报到 at the same moment (one transaction each): every one is linked."""
    async with db_engine.session_factory()() as session:
        branch = await make_branch(session)

    async def register(i: int) -> tuple[str, bool]:
        async with db_engine.session_factory()() as session:
            member, created = await service.register(
                session, branch_id=branch.id, platform="onebot", user_id=str(30000 + i),
                name=f"成员{chr(0x4e00 + i)}", nickname=None)
            await session.commit()
            return member.name, created

    results = await asyncio.gather(*(register(i) for i in range(20)))
    assert all(created for _, created in results)
    async with db_engine.session_factory()() as session:
        linked = (await session.exec(select(Member.name).join(
            ChatAccount, ChatAccount.member_id == Member.id))).all()
    assert sorted(linked) == sorted(name for name, _ in results)


async def test_same_name_at_the_same_moment_links_one_account(db_url):
    """Two accounts 报到 张三 at once: one is linked, the other is told to see the secretary."""
    async with db_engine.session_factory()() as session:
        branch = await make_branch(session)

    async def register(user_id: str) -> str:
        async with db_engine.session_factory()() as session:
            try:
                await service.register(session, branch_id=branch.id, platform="onebot",
                                       user_id=user_id, name="张三", nickname=None)
            except Conflict as error:
                return error.message
            await session.commit()
            return "ok"

    results = sorted(await asyncio.gather(register("40001"), register("40002")))
    assert results == ["ok", "“张三”已由另一个账号报到。如有同名或登记错误，请联系支部书记。"]
    async with db_engine.session_factory()() as session:
        assert (await session.exec(select(func.count()).select_from(Member))).one() == 1
        assert (await session.exec(select(func.count()).select_from(ChatAccount))).one() == 1


async def test_same_account_twice_at_the_same_moment(db_url):
    """One account sending 报到 twice at once (two message ids) is linked once."""
    async with db_engine.session_factory()() as session:
        branch = await make_branch(session)

    async def register(name: str) -> str:
        async with db_engine.session_factory()() as session:
            try:
                await service.register(session, branch_id=branch.id, platform="onebot",
                                       user_id="40001", name=name, nickname=None)
            except Conflict:
                return "conflict"
            await session.commit()
            return "ok"

    assert sorted(await asyncio.gather(register("张三"), register("张三丰"))) == ["conflict", "ok"]
    async with db_engine.session_factory()() as session:
        assert (await session.exec(select(func.count()).select_from(ChatAccount))).one() == 1


async def test_namesakes_are_told_apart_by_the_secretary(session):
    """A second 李四 is refused by 添加成员 until named apart; then both exist."""
    branch_id = (await make_branch(session)).id
    await service.add_member(session, branch_id=branch_id, name="李四", category="normal")
    await session.commit()
    with pytest.raises(Conflict, match="同名时请加以区分"):
        await service.add_member(session, branch_id=branch_id, name="李四", category="normal")
    second = await service.add_member(session, branch_id=branch_id, name="李四（水利局）",
                                      category="normal")
    await session.commit()
    assert second.name == "李四(水利局)"
    with pytest.raises(InvalidInput):
        service.check_name("李四 水利局", "x")
