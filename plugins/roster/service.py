"""Transitional: the old import path of the roster rules, which now live in domain.roster.

Use `from domain import roster` and its keyword signatures instead; this file goes once no one
imports it (old positional signatures are kept here only for those importers).
"""

from sqlmodel.ext.asyncio.session import AsyncSession

from core.refs import PersonRef
from db.models import Member
from domain.roster import (
    BranchInfo,
    RosterEntry,
    check_name,
    parse_category,
)
from domain.roster import (
    member_by_name as _member_by_name,
)
from domain.roster import (
    resolve_member as _resolve_member,
)
from domain.roster import (
    roster as _roster,
)

__all__ = ["BranchInfo", "check_name", "member_by_name", "members", "parse_category",
           "resolve_member"]


async def resolve_member(session: AsyncSession, branch_id: int, platform: str, ref: PersonRef, *,
                         example: str) -> Member:
    """Transitional: domain.roster.resolve_member."""
    return await _resolve_member(session, branch_id=branch_id, platform=platform, ref=ref,
                                 example=example)


async def member_by_name(session: AsyncSession, branch_id: int, name: str) -> Member | None:
    """Transitional: domain.roster.member_by_name."""
    return await _member_by_name(session, branch_id=branch_id, name=name)


async def members(session: AsyncSession, branch_id: int) -> list[RosterEntry]:
    """Transitional: domain.roster.roster."""
    return await _roster(session, branch_id=branch_id)
