"""Where a volunteer notice reaches members: the branch's group and the members' chat accounts."""

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from db.models import ChatAccount, GroupBinding, Member


async def group_of(db: AsyncSession, *, branch_id: int, platform: str) -> str | None:
    """The branch's group on this platform, where notifications go."""
    stmt = select(GroupBinding.group_id).where(
        GroupBinding.branch_id == branch_id, GroupBinding.platform == platform
    ).order_by(col(GroupBinding.id))
    return (await db.exec(stmt)).first()


async def accounts_of(db: AsyncSession, members: list[Member], *, platform: str) -> dict[int, str]:
    """member id → chat user id on this platform, for the members who have one."""
    ids = [m.id for m in members]
    if not ids:
        return {}
    stmt = select(ChatAccount.member_id, ChatAccount.user_id).where(
        col(ChatAccount.member_id).in_(ids), ChatAccount.platform == platform)
    return {member_id: user_id for member_id, user_id in (await db.exec(stmt)).all()}
