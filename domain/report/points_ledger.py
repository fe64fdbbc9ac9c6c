"""积分台账 figures: sums per kind and member, and the ledger's entries, for exports and pages."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import ColumnElement, func
from sqlalchemy.orm import aliased
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from db.models import LedgerEntry, LedgerKind, Member, MemberStatus
from domain.report.members import branch_members
from domain.report.periods import Period

COLUMNS = (LedgerKind.STUDY, LedgerKind.VOLUNTEER, LedgerKind.SUGGESTION, LedgerKind.BONUS,
           LedgerKind.PENALTY, LedgerKind.REDEEM)
"""The kinds 积分台账 has a column for, in order."""
ZERO = Decimal(0)
TENTH = Decimal("0.1")


@dataclass
class PointsRow:
    """One line of 积分台账: sums per kind (a reversal counts under the kind it reverses)."""

    member_id: int
    name: str
    by_kind: dict[LedgerKind, Decimal]
    total: Decimal
    rank: int = 0


def _in_period(period: Period) -> ColumnElement[bool]:
    if period.quarter:
        return col(LedgerEntry.quarter) == period.key
    return col(LedgerEntry.cycle) == period.year


async def points_rows(db: AsyncSession, *, branch_id: int, period: Period) -> list[PointsRow]:
    """Every active member (and anyone with entries), ranked by total; ties share a rank."""
    original = aliased(LedgerEntry)
    stmt = (
        select(LedgerEntry.member_id, LedgerEntry.kind, original.kind, func.sum(LedgerEntry.delta))
        .outerjoin(original, col(original.id) == col(LedgerEntry.reverses_id))
        .where(LedgerEntry.branch_id == branch_id, _in_period(period))
        .group_by(col(LedgerEntry.member_id), col(LedgerEntry.kind), original.kind)
    )
    sums: dict[int, dict[LedgerKind, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for member_id, kind, reversed_kind, delta in (await db.exec(stmt)).all():
        counted = LedgerKind(reversed_kind if kind == LedgerKind.REVERSAL and reversed_kind else kind)
        # SQLite sums NUMERIC as floating point: round back to the ledger's tenth of a point.
        sums[member_id][counted] += Decimal(str(delta)).quantize(TENTH)
    rows = [
        PointsRow(m.id or 0, m.name, {k: sums[m.id or 0].get(k, ZERO) for k in COLUMNS},
                  sum(sums[m.id or 0].values(), ZERO))
        for m in await branch_members(db, branch_id=branch_id)
        if m.status == MemberStatus.ACTIVE or m.id in sums
    ]
    rows.sort(key=lambda r: (-r.total, r.member_id))
    for i, row in enumerate(rows):
        row.rank = rows[i - 1].rank if i and rows[i - 1].total == row.total else i + 1
    return rows


async def ledger_entries(
    db: AsyncSession, *, branch_id: int, period: Period, member_id: int | None = None,
    kind: LedgerKind | None = None, limit: int = 300,
) -> list[tuple[LedgerEntry, str]]:
    """Ledger entries with the member's name, newest first, filtered."""
    stmt = (
        select(LedgerEntry, Member.name)
        .join(Member, col(Member.id) == col(LedgerEntry.member_id))
        .where(LedgerEntry.branch_id == branch_id, _in_period(period))
        .order_by(col(LedgerEntry.created_at).desc(), col(LedgerEntry.id).desc())
        .limit(limit)
    )
    if member_id is not None:
        stmt = stmt.where(LedgerEntry.member_id == member_id)
    if kind is not None:
        stmt = stmt.where(LedgerEntry.kind == kind)
    return [(e, n) for e, n in (await db.exec(stmt)).all()]
