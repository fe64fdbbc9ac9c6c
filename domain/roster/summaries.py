"""What 支部信息 and 成员列表 (and the dashboard's 成员名册) show: read models of a branch."""

from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import bindparam, func, or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core.errors import NotFound
from core.roles import Role
from db.models import (
    Branch,
    ChatAccount,
    HealthCategory,
    Member,
    MemberStatus,
    PartyGroup,
    PartyGroupMember,
)
from db.prepared import Prepared, run


@dataclass(frozen=True)
class BranchInfo:
    """What 支部信息 shows."""

    branch: Branch
    secretary: str | None
    committee: list[str]
    active: int
    inactive: int
    by_category: dict[HealthCategory, int]


def _counts_statement(_dialect: str) -> Any:
    """Members of a branch by status and health category (counts, not rows)."""
    return (select(col(Member.status), col(Member.category), func.count())
            .where(Member.branch_id == bindparam("branch_id"))
            .group_by(col(Member.status), col(Member.category)))


def _office_statement(_dialect: str) -> Any:
    """The branch's active secretary and committee members, by id."""
    return (select(col(Member.name), col(Member.role))
            .where(Member.branch_id == bindparam("branch_id"),
                   col(Member.status) == MemberStatus.ACTIVE,
                   or_(col(Member.role) == int(Role.SECRETARY),
                       col(Member.role) == int(Role.COMMITTEE)))
            .order_by(col(Member.id)))


_COUNTS = Prepared(_counts_statement)
_OFFICE = Prepared(_office_statement)
"""Prepared (db.prepared): 支部信息 is asked by every member, and read no member row by row."""


async def branch_info(db: AsyncSession, *, branch_id: int) -> BranchInfo:
    """Branch name, secretary, committee, member counts by health category."""
    branch = await db.get(Branch, branch_id)
    if branch is None:
        raise NotFound("支部不存在。")
    params = {"branch_id": branch_id}
    by_category = dict.fromkeys(HealthCategory, 0)
    active = inactive = 0
    for status, category, n in (await run(db, _COUNTS, params)).rows:
        if status == MemberStatus.ACTIVE:
            active += n
            by_category[HealthCategory(category)] += n
        else:
            inactive += n
    offices = (await run(db, _OFFICE, params)).rows
    secretary = next((name for name, role in offices if role == Role.SECRETARY), None)
    committee = [name for name, role in offices if role == Role.COMMITTEE]
    return BranchInfo(branch, secretary, committee, active, inactive, by_category)


class RosterEntry(NamedTuple):
    """One line of the member list: the member, whether a chat account is linked, their 党小组."""

    member: Member
    linked: bool
    group: str | None = None

    @property
    def role(self) -> Role:
        """The member's office (党员 when none)."""
        return Role(self.member.role)

    @property
    def category(self) -> HealthCategory:
        """The member's health category."""
        return HealthCategory(self.member.category)


async def roster(db: AsyncSession, *, branch_id: int) -> list[RosterEntry]:
    """All members of a branch (active first, then by id) with whether a chat account is linked
    and their 党小组."""
    linked = select(ChatAccount.member_id).where(ChatAccount.member_id == Member.id).exists()
    stmt = (
        select(Member, linked, PartyGroup.name)
        .outerjoin(PartyGroupMember, col(PartyGroupMember.member_id) == col(Member.id))
        .outerjoin(PartyGroup, col(PartyGroup.id) == col(PartyGroupMember.group_id))
        .where(Member.branch_id == branch_id)
        .order_by(col(Member.status), col(Member.id))
    )
    return [RosterEntry(m, bool(has), group) for m, has, group in (await db.exec(stmt)).all()]


async def member_count(db: AsyncSession, *, branch_id: int) -> int:
    """How many active members a branch has."""
    stmt = select(func.count()).select_from(Member).where(
        Member.branch_id == branch_id, Member.status == MemberStatus.ACTIVE)
    return int((await db.exec(stmt)).one())
