"""Offices (书记, 支委委员), the member list and group joins on a real database."""

import pytest
from sqlmodel import select

from core.errors import InvalidInput
from core.roles import Role
from db.models import ChatAccount, MemberStatus
from domain import roster
from tests.factories import GROUP_ID, SELF_ID, make_branch, make_member


async def test_a_new_secretary_replaces_the_old_one(db):
    """设置书记: the previous secretary becomes a committee member; the branch has one secretary."""
    branch = await make_branch(db)
    old = await make_member(db, branch, "王书记", role=Role.SECRETARY)
    new = await make_member(db, branch, "张三")
    appointment = await roster.appoint(db, member=new, role=Role.SECRETARY, example="x")
    assert (appointment.member.name, appointment.role) == ("张三", Role.SECRETARY)
    assert appointment.previous_secretary is not None
    assert appointment.previous_secretary.name == "王书记"
    await db.refresh(old)
    assert old.role == Role.COMMITTEE


@pytest.mark.parametrize("role", [Role.COMMITTEE, Role.MEMBER])
async def test_the_secretary_is_never_demoted_by_an_appointment(db, role):
    """设置委员/取消委员 on the secretary is refused: only naming a new secretary replaces them."""
    branch = await make_branch(db)
    secretary = await make_member(db, branch, "王书记", role=Role.SECRETARY)
    with pytest.raises(InvalidInput, match="王书记 是书记，请由管理员用“设置书记”改任他人。"):
        await roster.appoint(db, member=secretary, role=role, example="取消委员 @王五")
    assert secretary.role == Role.SECRETARY


async def test_committee_appointed_and_removed(db):
    """设置委员 then 取消委员: no secretary is touched."""
    branch = await make_branch(db)
    member = await make_member(db, branch, "李四")
    assert (await roster.appoint(db, member=member, role=Role.COMMITTEE, example="x")
            ).previous_secretary is None
    assert member.role == Role.COMMITTEE
    await roster.appoint(db, member=member, role=Role.MEMBER, example="x")
    assert member.role == Role.MEMBER


async def test_member_list_active_first_with_linked_accounts(db):
    """成员列表's read model: active members first, each with whether a QQ account is linked."""
    branch = await make_branch(db)
    gone = await make_member(db, branch, "钱七")
    await make_member(db, branch, "张三", user_id="42", role=Role.SECRETARY)
    await roster.set_status(db, member=gone, active=False, reason="迁居外地")
    entries = await roster.roster(db, branch_id=branch.id)
    assert [(e.member.name, e.role, e.linked, e.member.status) for e in entries] == [
        ("张三", Role.SECRETARY, True, MemberStatus.ACTIVE),
        ("钱七", Role.MEMBER, False, MemberStatus.INACTIVE),
    ]
    assert await roster.member_count(db, branch_id=branch.id) == 1


async def test_group_joins_and_leaves(db):
    """A newcomer, a returning member, a leaver, the bot itself and an unbound group."""
    branch = await make_branch(db)
    await make_member(db, branch, "张三", user_id="42")

    async def change(user_id: str, joined: bool, group_id: int = GROUP_ID) -> roster.GroupChange:
        return await roster.group_member_change(db, platform="onebot", group_id=str(group_id),
                                                user_id=user_id, self_id=SELF_ID, joined=joined)

    assert await change("77", True) == roster.GroupChange.NEWCOMER
    assert await change("42", False) == roster.GroupChange.LEFT
    account = (await db.exec(select(ChatAccount))).one()
    assert account.in_group is False
    assert await change("42", True) == roster.GroupChange.RETURNING
    assert account.in_group is True
    assert await change(SELF_ID, True) == roster.GroupChange.IGNORED
    assert await change("77", True, group_id=1) == roster.GroupChange.IGNORED
