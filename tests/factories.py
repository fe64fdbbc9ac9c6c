"""Small factories with fixed values: rows for domain tests (no NoneBot here; events: tests/events.py)."""

from datetime import UTC, datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from core.roles import Role
from db.models import Branch, ChatAccount, GroupBinding, HealthCategory, Member

SELF_ID = "99999"
GROUP_ID = 20001
OTHER_GROUP_ID = 20002
SECRETARY_ID = "10001"
MEMBER_ID = "10002"
SUPERUSER_ID = "10000"
REGISTERED = datetime(2026, 1, 1, tzinfo=UTC)
"""When factory members joined: before any meeting a test holds (应到 counts members who had joined)."""


async def make_branch(
    session: AsyncSession, name: str = "城关镇离退休干部第一党支部", group_id: int | None = GROUP_ID
) -> Branch:
    """A branch, bound to a OneBot group unless group_id is None."""
    branch = Branch(name=name)
    session.add(branch)
    await session.flush()
    if group_id is not None:
        session.add(GroupBinding(platform="onebot", group_id=str(group_id), branch_id=branch.id,
                                 self_id=SELF_ID))
    await session.commit()
    return branch


async def make_member(
    session: AsyncSession, branch: Branch, name: str = "张三", *, user_id: str | None = None,
    role: Role = Role.MEMBER, category: HealthCategory = HealthCategory.NORMAL,
) -> Member:
    """A member, with a linked OneBot account when user_id is given."""
    member = Member(branch_id=branch.id, name=name, role=int(role), category=category,
                    created_at=REGISTERED)
    session.add(member)
    await session.flush()
    if user_id is not None:
        session.add(ChatAccount(platform="onebot", user_id=user_id, member_id=member.id))
    await session.commit()
    return member
