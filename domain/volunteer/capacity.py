"""Capacity never exceeded: a need's places, taken and given back, and the waitlist behind them.

The invariant: for every need, the claims holding a place (status 已认领) number `need.claimed`,
and `need.claimed <= need.capacity` at every commit, however many members claim at once.

How the database keeps it, not a check-then-write in Python:
- Every change to a need first locks its row (`lock_need`: `SELECT … FOR UPDATE` on PostgreSQL;
  SQLite transactions are already serialised by BEGIN IMMEDIATE), so claims on one need queue in
  arrival order and one member's two simultaneous claims see each other.
- A place is taken only by the conditional `UPDATE need SET claimed = claimed + 1 WHERE claimed <
  capacity` (`taking`, run by `take_place`, or by the new claim's INSERT on PostgreSQL); no row
  updated means full, and the claim goes on the waitlist.
- The CHECK constraint `claimed <= capacity` on the need table backs both up.
Places come back only through `release_place`, and the waitlist moves up only through
`fill_from_waitlist`, which takes each place with `take_place` again.
"""

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, func, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core import timeutil
from core.errors import NotFound
from core.textparse import ID_MAX
from db.models import Claim, ClaimStatus, Member, Need
from db.prepared import Prepared, adopt, run

ACTIVE = (ClaimStatus.CLAIMED, ClaimStatus.WAITLIST)
"""A claim that still counts: a place, or a spot on the waitlist."""
EX_CLAIM = "认领 #3"


def _lock_statement(dialect: str) -> Any:
    table: Any = Need.__table__  # type: ignore[attr-defined]
    stmt = select(*table.columns).where(table.c.id == bindparam("need_id"))
    return stmt.with_for_update() if dialect == "postgresql" else stmt


_LOCK = Prepared(_lock_statement)
"""Prepared (db.prepared): every 认领 locks its need first; a need is posted and claimed by many
members within minutes."""
_NEED_FIELDS = tuple(Need.__table__.columns.keys())  # type: ignore[attr-defined]


async def lock_need(db: AsyncSession, *, branch_id: int, need_id: int) -> Need:
    """A need of this branch, fresh from the database and row-locked; NotFound otherwise.

    `SELECT … FOR UPDATE` on PostgreSQL (SQLite's BEGIN IMMEDIATE serialises the transaction
    already). The session's own copy of the need, if it holds one, takes the fresh values."""
    # A number past the integer column is no need at all (asking the database would overflow).
    found = None if not 0 < need_id <= ID_MAX else (
        await run(db, _LOCK, {"need_id": need_id})).first()
    need = None if found is None else adopt(
        db, Need, dict(zip(_NEED_FIELDS, found, strict=True)), refresh=True)
    if need is None or need.branch_id != branch_id:
        raise NotFound(f"没有#{need_id}号需求。可发送“需求列表”查看。", EX_CLAIM)
    return need


async def take_place(db: AsyncSession, need: Need) -> bool:
    """Atomically take one place; False when the need is full. The only way `claimed` goes up."""
    return bool((await run(db, _TAKE, {"need_id": need.id})).rowcount)


def taking(_dialect: str = "") -> Any:
    """The one statement that takes a place: `UPDATE need SET claimed = claimed + 1 WHERE id =
    :need_id AND claimed < capacity` (no row updated: full). Run by take_place, or on PostgreSQL
    as a CTE of the new claim's INSERT (claims.py), whose status then says which it was."""
    table: Any = Need.__table__  # type: ignore[attr-defined]
    return (update(table).where(table.c.id == bindparam("need_id"), table.c.claimed < table.c.capacity)
            .values(claimed=table.c.claimed + 1))


def latest_arrival() -> Any:
    """The need's latest arrival (max queued_at of its claims), as a scalar subquery."""
    claim: Any = Claim.__table__  # type: ignore[attr-defined]
    return select(func.max(claim.c.queued_at)).where(
        claim.c.need_id == bindparam("need_id")).scalar_subquery()


_TAKE = Prepared(taking)
"""Prepared (db.prepared): 认领 is sent by many members at once when a need is posted."""


async def release_place(db: AsyncSession, need: Need, count: int = 1) -> None:
    """Give places back (a claim cancelled, marked absent, or moved to the waitlist)."""
    stmt = (
        update(Need).where(col(Need.id) == need.id).values(claimed=col(Need.claimed) - count)
        .execution_options(synchronize_session=False)
    )
    await db.exec(stmt)


async def claims_of(db: AsyncSession, *, need_id: int, status: ClaimStatus) -> list[Claim]:
    """A need's claims in one status, in arrival order."""
    stmt = select(Claim).where(Claim.need_id == need_id, Claim.status == status).order_by(
        col(Claim.queued_at), col(Claim.id))
    return list((await db.exec(stmt)).all())


async def waitlist_position(db: AsyncSession, claim: Claim) -> int:
    """1-based place on the waitlist."""
    waiting = await claims_of(db, need_id=claim.need_id, status=ClaimStatus.WAITLIST)
    return next(i for i, c in enumerate(waiting, 1) if c.id == claim.id)


def next_arrival(latest: datetime | None) -> datetime:
    """Now, but strictly after `latest`, the need's latest arrival read under its row lock."""
    moment = timeutil.now()
    if latest is not None:
        moment = max(moment, latest + timedelta(microseconds=1))
    return moment


async def fill_from_waitlist(db: AsyncSession, need: Need) -> list[Member]:
    """Give free places to the waitlist in order (only before the need starts)."""
    promoted: list[Member] = []
    if need.starts_at <= timeutil.now():
        return promoted
    for claim in await claims_of(db, need_id=need.id or 0, status=ClaimStatus.WAITLIST):
        if not await take_place(db, need):
            break
        claim.status, claim.updated_at = ClaimStatus.CLAIMED, timeutil.now()
        db.add(claim)
        member = await db.get(Member, claim.member_id)
        if member is not None:
            promoted.append(member)
    await db.flush()
    await db.refresh(need)
    return promoted


async def members_of(db: AsyncSession, claims: list[Claim]) -> list[Member]:
    """The members behind these claims, in the same order."""
    members = [await db.get(Member, c.member_id) for c in claims]
    return [m for m in members if m is not None]
