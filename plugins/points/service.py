"""The points ledger: every other plugin awards points only through `award`. No nonebot here."""

from decimal import Decimal

from sqlalchemy import func
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from core import timeutil
from db.models import LedgerEntry, LedgerKind, Member

# Defaults for the per-branch rules (积分规则); a branch may override each key.
DEFAULT_RULES: dict[str, Decimal] = {
    "signin_on_time": Decimal("2"),
    "signin_late": Decimal("1"),
    "volunteer_per_need": Decimal("2"),
    "volunteer_per_hour": Decimal("1"),
    "suggestion_adopted": Decimal("3"),
}


async def rule(session: AsyncSession, branch_id: int, key: str) -> Decimal:
    """The branch's value for a points rule (the default until the branch changes it)."""
    return DEFAULT_RULES[key]


async def award(
    session: AsyncSession, *, member: Member, delta: Decimal, kind: LedgerKind, reason: str,
    source: str | None = None, operator: Member | None = None, operator_name: str | None = None,
) -> LedgerEntry:
    """Append one ledger entry, dated now; the caller commits it with the change that earned it."""
    moment = timeutil.now()
    entry = LedgerEntry(
        branch_id=member.branch_id, member_id=member.id, delta=delta, kind=kind, reason=reason,
        source=source, operator_id=operator.id if operator else None,
        operator_name=operator_name or (operator.name if operator else None),
        cycle=timeutil.cycle_of(moment), quarter=timeutil.quarter_of(moment), created_at=moment,
    )
    session.add(entry)
    await session.flush()
    return entry


async def balance(session: AsyncSession, member_id: int, cycle: int | None = None) -> Decimal:
    """Sum of the member's entries in a cycle (this year by default)."""
    cycle = cycle or timeutil.cycle_of(timeutil.now())
    stmt = select(func.coalesce(func.sum(LedgerEntry.delta), 0)).where(
        LedgerEntry.member_id == member_id, LedgerEntry.cycle == cycle)
    return Decimal(str((await session.exec(stmt)).one()))
