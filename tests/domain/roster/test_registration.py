"""报到 and 添加成员 under concurrency and with namesakes: one link per account and per member."""

import asyncio

import pytest
from sqlalchemy import func
from sqlmodel import select

from core.errors import Conflict, InvalidInput
from db import engine as db_engine
from db.models import ChatAccount, HealthCategory, Member
from domain import roster
from tests.factories import make_branch


async def test_concurrent_registrations_in_one_branch_all_succeed(db_url):
    """Twenty members 报到 at the same moment (one transaction each): every one is linked."""
    async with db_engine.session_factory()() as session:
        branch = await make_branch(session)

    async def register(i: int) -> tuple[str, bool]:
        async with db_engine.session_factory()() as session:
            member, created, _ = await roster.register(
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
                await roster.register(session, branch_id=branch.id, platform="onebot",
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
                await roster.register(session, branch_id=branch.id, platform="onebot",
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
    await roster.add_member(session, branch_id=branch_id, name="李四", category=HealthCategory.NORMAL)
    await session.commit()
    with pytest.raises(Conflict, match="同名时请加以区分"):
        await roster.add_member(session, branch_id=branch_id, name="李四", category=HealthCategory.NORMAL)
    second = await roster.add_member(session, branch_id=branch_id, name="李四（水利局）",
                                      category=HealthCategory.NORMAL)
    await session.commit()
    assert second.name == "李四(水利局)"
    with pytest.raises(InvalidInput):
        roster.check_name("李四 水利局", "x")


async def test_register_without_a_name(db):
    """No name: a registered account is told who it is (in any branch); an unknown one is asked."""
    branch = await make_branch(db)
    await roster.register(db, branch_id=branch.id, platform="onebot", user_id="30001", name="张三",
                          nickname=None)
    with pytest.raises(Conflict, match="^您已报到，登记为“张三”"):
        await roster.register(db, branch_id=branch.id, platform="onebot", user_id="30001", name=" ",
                              nickname=None)
    with pytest.raises(InvalidInput) as info:
        await roster.register(db, branch_id=branch.id, platform="onebot", user_id="30002", name="",
                              nickname=None)
    assert info.value.reply == "请写上您的姓名。\n例如：报到 张三"
