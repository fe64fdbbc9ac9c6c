"""The points ledger: append-only entries and the cached balance they keep.

Balances live in `points_balance`, kept by award() in the caller's transaction, so 兑换 can spend
with one conditional UPDATE the database serialises. `rebuild_balances` recomputes them from the
ledger (the ledger stays the truth; a test compares both). Every other capability awards points
only through `award` — or, for 签到's row written in the same statement on PostgreSQL, through
`entry_values`, `entry_ctes` and `written_entry`, the same entry and balance.
"""

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, TypeVar

from sqlalchemy import bindparam, delete, func, insert
from sqlalchemy.orm import make_transient_to_detached
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core import timeutil
from core.errors import InvalidInput
from core.textparse import ID_MAX, normalize
from db.models import LedgerEntry, LedgerKind, Member, PointsBalance
from db.prepared import Prepared, loaded, run
from db.sql import dialect_name, upsert_insert

ZERO = Decimal(0)
TENTH = Decimal("0.1")
REASON_MAX = 100
_T = TypeVar("_T")


async def get_by_id(db: AsyncSession, model: type[_T], value: int) -> _T | None:
    """db.get for a number a user typed: None (not an overflow error) past any possible id."""
    return await db.get(model, value) if 0 < value <= ID_MAX else None


_ENTRY_COLUMNS = tuple(c.name for c in LedgerEntry.__table__.columns if c.name != "id")  # type: ignore[attr-defined]


def _entry_statement(dialect: str) -> Any:
    """The entry's INSERT … RETURNING id; on PostgreSQL with the balance upsert in the same
    statement (the entry as a CTE the upsert reads): one round trip for both."""
    table = LedgerEntry.__table__  # type: ignore[attr-defined]
    entry = insert(table).values(**{c: bindparam(c, type_=table.c[c].type) for c in _ENTRY_COLUMNS})
    if dialect != "postgresql":
        return entry.returning(table.c.id)
    written, balance = entry_ctes(entry)
    return select(written.c.id).add_cte(written, balance)


def entry_ctes(entry: Any) -> tuple[Any, Any]:
    """PostgreSQL: an entry's INSERT (values, or from a caller's rows) as the CTE `written`, and
    the balance upsert it feeds as the CTE `credited` — for a statement that writes an entry
    together with what earned it (签到's row: domain/meetings/signin.py). Read the entry's id
    from `written`; `credited` runs whether read or not."""
    table = LedgerEntry.__table__  # type: ignore[attr-defined]
    written = entry.returning(table.c.id, table.c.member_id, table.c.cycle, table.c.branch_id,
                              table.c.delta).cte("written")
    balance = PointsBalance.__table__  # type: ignore[attr-defined]
    upsert = upsert_insert("postgresql", balance).from_select(
        ["member_id", "cycle", "branch_id", "balance"],
        select(written.c.member_id, written.c.cycle, written.c.branch_id, written.c.delta))
    credited = upsert.on_conflict_do_update(
        index_elements=["member_id", "cycle"],
        set_={"balance": balance.c.balance + upsert.excluded.balance}).cte("credited")
    return written, credited


ENTRY_COLUMNS = _ENTRY_COLUMNS
"""The columns an entry is written with (all but its id), in `entry_values`' keys."""


def _balance_statement(dialect: str) -> Any:
    """The balance upsert: the member's row for the cycle gains the entry's delta (SQLite; on
    PostgreSQL _entry_statement does it)."""
    table = PointsBalance.__table__  # type: ignore[attr-defined]
    stmt = upsert_insert(dialect, table).values(
        member_id=bindparam("member_id", type_=table.c.member_id.type),
        cycle=bindparam("cycle", type_=table.c.cycle.type),
        branch_id=bindparam("branch_id", type_=table.c.branch_id.type),
        balance=bindparam("delta", type_=table.c.balance.type))
    return stmt.on_conflict_do_update(
        index_elements=["member_id", "cycle"],
        set_={"balance": col(PointsBalance.balance) + stmt.excluded.balance},
    )


_BALANCE = Prepared(lambda _dialect: select(col(PointsBalance.balance)).where(
    PointsBalance.member_id == bindparam("member_id"), PointsBalance.cycle == bindparam("cycle")))
_INSERT_ENTRY = Prepared(_entry_statement)
_UPSERT_BALANCE = Prepared(_balance_statement)
"""Prepared (db.prepared): every 签到 awards points, so these run on the hot path."""


async def append(db: AsyncSession, entry: LedgerEntry) -> None:
    """Add an entry (its id set) and its delta to the cached balance of its member and cycle."""
    entry.id = await _write(db, {name: getattr(entry, name) for name in _ENTRY_COLUMNS})
    make_transient_to_detached(entry)
    db.add(entry)  # persistent and clean, as a flush would have left it


async def _write(db: AsyncSession, values: dict[str, Any]) -> int:
    """The entry's row and the balance it changes; the entry's id."""
    entry_id = int((await run(db, _INSERT_ENTRY, values)).scalar())
    if dialect_name(db) != "postgresql":  # there, _INSERT_ENTRY upserted the balance too
        await run(db, _UPSERT_BALANCE, values)
    return entry_id


async def award(
    db: AsyncSession, *, member: Member, delta: Decimal, kind: LedgerKind, reason: str,
    source: str | None = None, operator: Member | None = None, operator_name: str | None = None,
    moment: datetime | None = None,
) -> LedgerEntry:
    """Append one ledger entry, dated `moment` (now by default: a 签到's entry is dated at its
    sign-in); the caller commits it with the change that earned it."""
    values = entry_values(member=member, delta=delta, kind=kind, reason=reason, source=source,
                          operator=operator, operator_name=operator_name,
                          moment=moment or timeutil.now())
    return written_entry(db, values, await _write(db, values))


def entry_values(*, member: Member, delta: Decimal, kind: LedgerKind, reason: str,
                 source: str | None, operator: Member | None, operator_name: str | None,
                 moment: Any) -> dict[str, Any]:
    """An entry's columns (ENTRY_COLUMNS), dated `moment`: what `award` writes."""
    return dict(
        branch_id=member.branch_id, member_id=member.id or 0,
        # Stored to 0.1 (the column's scale): SQLite would otherwise keep 1.25 and show 1.2.
        delta=Decimal(str(delta)).quantize(TENTH, ROUND_HALF_UP), kind=kind,
        reason=reason[:200], source=source, operator_id=operator.id if operator else None,
        operator_name=operator_name or (operator.name if operator else None), reverses_id=None,
        cycle=timeutil.cycle_of(moment), quarter=timeutil.quarter_of(moment), created_at=moment,
    )


def written_entry(db: AsyncSession, values: dict[str, Any], entry_id: int) -> LedgerEntry:
    """The entry just written with these values, in the session as the ORM loads one (no
    validation: every 签到 awards points), persistent and clean."""
    entry = loaded(LedgerEntry, {"id": entry_id, **values})
    db.add(entry)
    return entry


async def balance(db: AsyncSession, member_id: int, cycle: int | None = None) -> Decimal:
    """The member's balance in a cycle (this year by default): one primary-key lookup."""
    cycle = cycle or timeutil.cycle_of(timeutil.now())
    value = (await run(db, _BALANCE, {"member_id": member_id, "cycle": cycle})).scalar()
    return ZERO if value is None else Decimal(str(value))


async def name_and_balance(db: AsyncSession, member_id: int) -> tuple[str, Decimal]:
    """A member's name and this cycle's balance, for replies."""
    member = await db.get(Member, member_id)
    return (member.name if member else "?"), await balance(db, member_id)


async def ledger_balance(db: AsyncSession, member_id: int, cycle: int) -> Decimal:
    """The same balance summed from the ledger (the truth the cache is checked against)."""
    stmt = select(func.coalesce(func.sum(LedgerEntry.delta), 0)).where(
        LedgerEntry.member_id == member_id, LedgerEntry.cycle == cycle)
    return Decimal(str((await db.exec(stmt)).one()))


async def rebuild_balances(db: AsyncSession) -> int:
    """Recompute every cached balance from the ledger; returns the number of rows written."""
    await db.exec(delete(PointsBalance))
    sums = (
        select(LedgerEntry.member_id, LedgerEntry.cycle, LedgerEntry.branch_id,
               func.sum(LedgerEntry.delta))
        .group_by(col(LedgerEntry.member_id), col(LedgerEntry.cycle), col(LedgerEntry.branch_id))
    )
    result: Any = await db.exec(insert(PointsBalance).from_select(
        ["member_id", "cycle", "branch_id", "balance"], sums))
    return int(result.rowcount)


async def history(db: AsyncSession, member_id: int, limit: int = 10) -> list[LedgerEntry]:
    """The member's latest entries, newest first."""
    stmt = (select(LedgerEntry).where(LedgerEntry.member_id == member_id)
            .order_by(col(LedgerEntry.id).desc()).limit(limit))
    return list((await db.exec(stmt)).all())


def check_reason(reason: str, example: str) -> str:
    """A reason is required and short."""
    reason = normalize(reason)
    if not reason:
        raise InvalidInput("请写上原因。", example)
    if len(reason) > REASON_MAX:
        raise InvalidInput(f"原因请写在{REASON_MAX}字以内。", example)
    return reason
