"""学习记录 of someone else (委员 and up, for members without QQ): the permission table's rule."""

from sqlmodel.ext.asyncio.session import AsyncSession

from core.refs import PersonRef
from core.roles import Role
from db.models import Member
from domain import roster
from domain.meetings import texts as t
from domain.permissions import permission


async def member_for_record(db: AsyncSession, *, branch_id: int, platform: str, ref: PersonRef,
                            role: Role) -> Member:
    """The member whose 学习记录 a caller of `role` asks for (refused below the table's `others`)."""
    permission("学习记录").check_others(role)
    return await roster.resolve_member(db, branch_id=branch_id, platform=platform, ref=ref,
                                       example=t.EX_RECORD_OF)
