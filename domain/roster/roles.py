"""Who holds which office in a branch: 书记 and 支委委员.

Who may *give* an office is the permission table's (设置书记: a superuser; 设置委员/取消委员: the
secretary); what an appointment may do to the people it touches is decided here.
"""

from dataclasses import dataclass

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from core import timeutil
from core.errors import InvalidInput
from core.roles import Role
from db.models import Member, RoleChange

OFFICES = (Role.MEMBER, Role.COMMITTEE, Role.SECRETARY)
"""The roles an appointment can give (党员 = no office)."""


@dataclass(frozen=True)
class Appointment:
    """A role given: to whom, which, and the secretary it replaced (who becomes a committee member)."""

    member: Member
    role: Role
    previous_secretary: Member | None = None


def check_appointment(member: Member, role: Role, *, example: str) -> None:
    """A secretary is only replaced by naming a new one (设置书记), never demoted on their own:
    a branch is never left without its secretary by 取消委员 or 设置委员."""
    if role not in OFFICES:
        raise ValueError(f"not an office: {role!r}")
    if role < Role.SECRETARY and member.role == Role.SECRETARY:
        raise InvalidInput(f"{member.name} 是书记，请由管理员用“设置书记”改任他人。", example)


async def appoint(db: AsyncSession, *, member: Member, role: Role, example: str) -> Appointment:
    """Give a member an office (or take it away with Role.MEMBER); a new secretary replaces the
    old one, who becomes a committee member."""
    check_appointment(member, role, example=example)
    previous = None
    if role == Role.SECRETARY:
        stmt = select(Member).where(Member.branch_id == member.branch_id,
                                    Member.role == int(Role.SECRETARY), Member.id != member.id)
        for old in (await db.exec(stmt)).all():
            _record(db, old, Role.COMMITTEE)
            previous = old
    _record(db, member, role)
    await db.flush()
    return Appointment(member, role, previous)


def _record(db: AsyncSession, member: Member, role: Role) -> None:
    """Change the role and keep the change (a 支委会's 应到 is the committee at its time)."""
    if member.role != int(role) and member.id is not None:
        db.add(RoleChange(branch_id=member.branch_id, member_id=member.id, old_role=member.role,
                          new_role=int(role), changed_at=timeutil.now()))
    member.role = int(role)
    db.add(member)
