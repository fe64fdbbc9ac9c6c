"""What 支部信息 and 成员列表 (and the dashboard's 成员名册) show: read models of a branch."""

from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import func
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


@dataclass(frozen=True)
class BranchInfo:
    """What 支部信息 shows."""

    branch: Branch
    secretary: str | None
    committee: list[str]
    active: int
    inactive: int
    by_category: dict[HealthCategory, int]


async def branch_info(db: AsyncSession, *, branch_id: int) -> BranchInfo:
    """Branch name, secretary, committee, member counts by health category."""
    branch = await db.get(Branch, branch_id)
    if branch is None:
        raise NotFound("支部不存在。")
    rows = (await db.exec(select(Member).where(Member.branch_id == branch_id))).all()
    active = [m for m in rows if m.status == MemberStatus.ACTIVE]
    by_category = dict.fromkeys(HealthCategory, 0)
    for member in active:
        by_category[HealthCategory(member.category)] += 1
    secretary = next((m.name for m in active if m.role == Role.SECRETARY), None)
    committee = [m.name for m in active if m.role == Role.COMMITTEE]
    return BranchInfo(branch, secretary, committee, len(active), len(rows) - len(active), by_category)


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
