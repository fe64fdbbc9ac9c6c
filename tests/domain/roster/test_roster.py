"""Roster rules on a real database (SQLite and PostgreSQL)."""

import pytest
from sqlmodel import select

from core.errors import Conflict, NotFound
from core.refs import PersonRef
from db.models import ChatAccount, GroupBinding, HealthCategory, Member, MemberStatus
from domain import roster
from tests.factories import make_branch, make_member


async def test_bind_creates_branch_and_refuses_silent_rebind(session):
    """A new name creates the branch; rebinding needs 确认."""
    branch, previous = await roster.bind_group(
        session, platform="onebot", group_id="1", self_id="9", branch_name="第一支部", by="u",
        confirm=False)
    await session.commit()
    assert previous is None and branch.name == "第一支部"
    with pytest.raises(Conflict, match="确认改绑"):
        await roster.bind_group(session, platform="onebot", group_id="1", self_id="9",
                                 branch_name="第二支部", by="u", confirm=False)
    await session.rollback()
    second, previous = await roster.bind_group(
        session, platform="onebot", group_id="1", self_id="9", branch_name="第二支部", by="u",
        confirm=True)
    await session.commit()
    bindings = (await session.exec(select(GroupBinding))).all()
    assert [(b.group_id, b.branch_id) for b in bindings] == [("1", second.id)]
    assert previous is not None and previous.name == "第一支部"


async def test_register_links_existing_record_then_refuses_again(session):
    """报到 of a proxy-only member of that name waits for 确认报到 (tests/domain/roster/
    test_claiming.py), then it is linked; a second 报到 says who they are."""
    branch = await make_branch(session)
    proxy = await make_member(session, branch, "李四")
    member, created, claim = await roster.register(session, branch_id=branch.id, platform="onebot",
                                                    user_id="42", name="李四", nickname=None)
    assert (member.id, created) == (proxy.id, False)
    assert claim is not None and claim.outcome == roster.Outcome.WAITING
    await roster.confirm_registration(session, member=proxy, platform="onebot", user_id=None,
                                      example="确认报到 李四")
    await session.commit()
    with pytest.raises(Conflict, match="登记为“李四”"):
        await roster.register(session, branch_id=branch.id, platform="onebot", user_id="42",
                               name="王五", nickname=None)
    accounts = (await session.exec(select(ChatAccount))).all()
    assert [(a.user_id, a.member_id) for a in accounts] == [("42", proxy.id)]


async def test_resolve_member_stays_inside_branch(session):
    """A member of another branch is not found by name or by @."""
    mine = await make_branch(session)
    other = await make_branch(session, "第二支部", group_id=None)
    await make_member(session, other, "赵六", user_id="66")
    with pytest.raises(NotFound):
        await roster.resolve_member(session, branch_id=mine.id, platform="onebot",
                                    ref=PersonRef(name="赵六"), example="x")
    with pytest.raises(NotFound):
        await roster.resolve_member(session, branch_id=mine.id, platform="onebot",
                                    ref=PersonRef(user_id="66"), example="x")


async def test_deactivated_member_keeps_history_and_leaves_counts(session):
    """停用 keeps the row but drops the member from active counts."""
    branch = await make_branch(session)
    member = await make_member(session, branch, "钱七", category=HealthCategory.LIMITED)
    await make_member(session, branch, "孙八")
    await roster.set_status(session, member=member, active=False, reason="迁居外地")
    await session.commit()
    info = await roster.branch_info(session, branch_id=branch.id)
    assert (info.active, info.inactive) == (1, 1)
    assert info.by_category[HealthCategory.LIMITED] == 0
    row = (await session.exec(select(Member).where(Member.name == "钱七"))).one()
    assert (row.status, row.status_reason) == (MemberStatus.INACTIVE, "迁居外地")
