"""A branch's members as the ledgers list them (active or not)."""

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from db.models import Member


async def branch_members(db: AsyncSession, *, branch_id: int) -> list[Member]:
    """Every member of a branch, active or not, in id order."""
    stmt = select(Member).where(Member.branch_id == branch_id).order_by(col(Member.id))
    return list((await db.exec(stmt)).all())


async def member_names(db: AsyncSession, *, branch_id: int) -> list[tuple[int, str]]:
    """(id, name) of every member, for the ledger filter."""
    stmt = select(Member.id, Member.name).where(Member.branch_id == branch_id).order_by(col(Member.id))
    return [(i or 0, n) for i, n in (await db.exec(stmt)).all()]
