"""Points by branch over long periods (county figures): sums per Beijing month, sealed.

Entries are dated when they are written (`award`: now; 冲正 and 兑换 too) and never updated or
deleted, so once a month is over its sums are final. The points job seals each month an hour after
it ended (a write begun before the end has long committed) into points_month, in one transaction
with its points_month_sealed row. A period reads its sealed months from there and the rest — the
current month, a month not sealed yet, the part-months at the ends of a range of days — from the
ledger's entries by time (ix_ledger_entry_created). The figures are the same either way (a test
counts both); sealing only makes a year cheap to read.
"""

from collections.abc import Collection, Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, func, insert, literal, or_, select
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from core import timeutil
from db.models import LedgerEntry, LedgerKind, PointsMonth, PointsMonthSealed

SEAL_AFTER = timedelta(hours=1)
TENTH = Decimal("0.1")


def _key(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def _next(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _bounds(first: date) -> tuple[datetime, datetime]:
    """UTC [start, end) of the Beijing month beginning on `first`."""
    return timeutil.day_bounds(first)[0], timeutil.day_bounds(_next(first))[0]


def _months(start: datetime, end: datetime) -> Iterator[tuple[date, datetime, datetime]]:
    """The Beijing months wholly inside [start, end), each with its UTC bounds."""
    first = timeutil.local_date(start).replace(day=1)
    while True:
        lo, hi = _bounds(first)
        if hi > end:
            return
        if lo >= start:
            yield first, lo, hi
        first = _next(first)


async def seal_months(db: AsyncSession, *, now: datetime | None = None, limit: int = 12) -> int:
    """Seal up to `limit` ended months after the last sealed one (from the first entry's month);
    how many were sealed. Caller commits."""
    moment = now or timeutil.now()
    last = (await db.exec(select(func.max(col(PointsMonthSealed.month))))).one()[0]  # type: ignore[call-overload]
    if last is not None:
        first = _next(date(int(last[:4]), int(last[5:]), 1))
    else:
        earliest = (await db.exec(select(func.min(col(LedgerEntry.created_at))))).one()[0]  # type: ignore[call-overload]
        if earliest is None:
            return 0
        first = timeutil.local_date(earliest).replace(day=1)
    sealed = 0
    while sealed < limit and _bounds(first)[1] + SEAL_AFTER <= moment:
        lo, hi = _bounds(first)
        sums = (select(literal(_key(first)), col(LedgerEntry.branch_id), col(LedgerEntry.kind),
                       func.sum(col(LedgerEntry.delta)))
                .where(col(LedgerEntry.created_at) >= lo, col(LedgerEntry.created_at) < hi)
                .group_by(col(LedgerEntry.branch_id), col(LedgerEntry.kind)))
        await db.exec(insert(PointsMonth).from_select(
            ["month", "branch_id", "kind", "delta"], sums))
        db.add(PointsMonthSealed(month=_key(first), sealed_at=moment))
        await db.flush()
        sealed += 1
        first = _next(first)
    return sealed


async def sums_by_branch(db: AsyncSession, *, start: datetime, end: datetime,
                         kinds: Collection[LedgerKind]) -> dict[int, Decimal]:
    """Per branch, the sum of its entries of these kinds dated in [start, end)."""
    whole = {_key(first): (lo, hi) for first, lo, hi in _months(start, end)}
    sealed = set((await db.exec(select(col(PointsMonthSealed.month)).where(  # type: ignore[call-overload]
        col(PointsMonthSealed.month).in_(list(whole))))).scalars().all()) if whole else set()
    totals: dict[int, Decimal] = {}
    wanted = [k.value for k in kinds]
    if sealed:
        await _add(db, totals, select(col(PointsMonth.branch_id), func.sum(col(PointsMonth.delta)))
                   .where(col(PointsMonth.month).in_(sealed), col(PointsMonth.kind).in_(wanted))
                   .group_by(col(PointsMonth.branch_id)))
    ranges = _unsealed(start, end, [whole[m] for m in sorted(sealed)])
    if ranges:
        at = col(LedgerEntry.created_at)
        await _add(db, totals, select(col(LedgerEntry.branch_id), func.sum(col(LedgerEntry.delta)))
                   .where(or_(*(and_(at >= lo, at < hi) for lo, hi in ranges)),
                          col(LedgerEntry.kind).in_(wanted))
                   .group_by(col(LedgerEntry.branch_id)))
    return totals


def _unsealed(start: datetime, end: datetime, sealed: list[tuple[datetime, datetime]]
              ) -> list[tuple[datetime, datetime]]:
    """[start, end) less the sealed months (sorted), as ranges."""
    found, at = [], start
    for lo, hi in sealed:
        if lo > at:
            found.append((at, lo))
        at = hi
    if at < end:
        found.append((at, end))
    return found


async def _add(db: AsyncSession, totals: dict[int, Decimal], stmt: Any) -> None:
    # Every entry is stored to 0.1: a sum read back as a float (SQLite) is brought back to it.
    for bid, total in (await db.exec(stmt)).all():
        exact = Decimal(str(total or 0)).quantize(TENTH)
        totals[bid] = totals.get(bid, Decimal(0)) + exact
