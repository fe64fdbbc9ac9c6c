"""Rows every suggestion test starts from: a branch with an author and a secretary."""

from sqlmodel.ext.asyncio.session import AsyncSession

from core.roles import Role
from db.models import Member, Suggestion
from domain import suggestion as suggestions
from tests.factories import MEMBER_ID, SECRETARY_ID, make_branch, make_member

LIMITS = {"max_length": 1000, "daily_limit": 5}


async def people(session: AsyncSession) -> tuple[Member, Member]:
    """张三 (member) and 李书记 (secretary) of one branch."""
    branch = await make_branch(session)
    author = await make_member(session, branch, "张三", user_id=MEMBER_ID)
    secretary = await make_member(session, branch, "李书记", user_id=SECRETARY_ID, role=Role.SECRETARY)
    return author, secretary


async def submit(session: AsyncSession, member: Member, content: str = "东门路灯坏了，请修一修",
                 anonymous: bool = False, **limits: int) -> Suggestion:
    """One committed suggestion (named unless anonymous), within the usual limits."""
    suggestion = await suggestions.submit(session, member=member, content=content, anonymous=anonymous,
                                          platform="onebot", user_id=MEMBER_ID, **(LIMITS | limits))
    await session.commit()
    return suggestion
