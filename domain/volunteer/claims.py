"""认领 and its undoing: claiming a place or a waitlist spot, giving it up, 我的认领, 修改名额.

Places are taken and given back only through domain/volunteer/capacity.py, where the rule
"capacity never exceeded" lives.
"""

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, bindparam, case, exists, insert, literal, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core import timeutil
from core.errors import Conflict, NotFound
from db.models import (
    Claim,
    ClaimStatus,
    Member,
    MemberStatus,
    Need,
    NeedStatus,
    Suitability,
)
from db.prepared import Prepared, adopt, run
from db.sql import dialect_name
from domain.volunteer.capacity import (
    ACTIVE,
    claims_of,
    fill_from_waitlist,
    latest_arrival,
    lock_need,
    next_arrival,
    release_place,
    take_place,
    taking,
    waitlist_position,
)
from domain.volunteer.needs import LIST_GRACE, ensure_open, suits


@dataclass
class ClaimResult:
    """What 认领 did: a place (position None), a waitlist position, or nothing new (already)."""

    need: Need
    claim: Claim
    member: Member
    position: int | None = None
    already: bool = False


def _claim_statement(_dialect: str) -> Any:
    """The member's claim on the need (NULLs when none) and the need's latest arrival: one read,
    after the need's row lock (both must see every claim committed before it)."""
    claim: Any = Claim.__table__  # type: ignore[attr-defined]
    need: Any = Need.__table__  # type: ignore[attr-defined]
    mine = and_(claim.c.need_id == need.c.id, claim.c.member_id == bindparam("member_id"))
    return (select(latest_arrival().label("latest"), *claim.columns)
            .select_from(need.outerjoin(claim, mine)).where(need.c.id == bindparam("need_id")))


def _insert_statement(dialect: str) -> Any:
    """The new claim's INSERT … RETURNING id, status. On PostgreSQL the place is taken in the same
    statement (capacity.taking as a CTE): the claim holds a place exactly when a row was updated."""
    table: Any = Claim.__table__  # type: ignore[attr-defined]
    values: dict[str, Any] = {c: bindparam(c, type_=table.c[c].type) for c in _INSERTED}
    if dialect == "postgresql":
        taken = taking().returning(Need.__table__.c.id).cte("taken")  # type: ignore[attr-defined]
        values["status"] = case((exists(select(taken.c.id)), literal(ClaimStatus.CLAIMED.value)),
                                else_=literal(ClaimStatus.WAITLIST.value))
        return insert(table).values(**values).returning(table.c.id, table.c.status).add_cte(taken)
    return insert(table).values(**values).returning(table.c.id, table.c.status)


_INSERTED = ("need_id", "member_id", "status", "queued_at", "proxy_by", "updated_at")
_CLAIM = Prepared(_claim_statement)
_INSERT_CLAIM = Prepared(_insert_statement)
"""Prepared (db.prepared): every 认领 reads the member's claim and writes a new one."""
_CLAIM_FIELDS = tuple(c.name for c in Claim.__table__.columns)  # type: ignore[attr-defined]


async def claim_need(
    db: AsyncSession, *, branch_id: int, need_id: int, member: Member,
    proxy: Member | None = None,
) -> ClaimResult:
    """认领 / 代认领: a place if one is free, else the waitlist; claiming twice changes nothing."""
    need = await lock_need(db, branch_id=branch_id, need_id=need_id)
    ensure_open(need)
    if member.status != MemberStatus.ACTIVE:
        raise Conflict(f"{member.name} 已停用，不能认领。如需恢复，请书记发送“启用成员 {member.name}”。")
    if not suits(need, member.category):
        raise Conflict(_unsuitable(need, member, proxy is not None))
    found = (await run(db, _CLAIM, {"need_id": need_id, "member_id": member.id})).first()
    if found is None:  # the need's row, locked above, cannot have gone
        raise RuntimeError(f"need #{need_id} vanished under its row lock")
    latest, stored = found[0], dict(zip(_CLAIM_FIELDS, found[1:], strict=True))
    claim = None if stored["id"] is None else adopt(db, Claim, stored)
    if claim is not None and claim.status in ACTIVE:
        return await _result(db, need, claim, member, already=True)
    if claim is not None and claim.status == ClaimStatus.ABSENT:
        raise Conflict(f"{member.name} 已被登记为#{need.id}缺勤，如有误请联系书记。")
    assert member.id is not None  # a stored member (resolved from the database)
    values: dict[str, Any] = {
        "need_id": need_id, "member_id": member.id, "queued_at": next_arrival(latest),
        "updated_at": timeutil.now(), "proxy_by": proxy.id if proxy else None}
    if claim is None:
        claim = await _insert_claim(db, need, values)
    else:  # a re-claim after 取消认领 re-uses its row
        placed = await take_place(db, need)
        values["status"] = ClaimStatus.CLAIMED if placed else ClaimStatus.WAITLIST
        for name, value in values.items():
            setattr(claim, name, value)
        db.add(claim)
        await db.flush()
    if claim.status == ClaimStatus.CLAIMED:  # the need row is locked: its count is this, exactly
        set_committed_value(need, "claimed", need.claimed + 1)
    return await _result(db, need, claim, member)


async def _insert_claim(db: AsyncSession, need: Need, values: dict[str, Any]) -> Claim:
    """The member's first claim on the need, with a place if one is free (no flush: db.prepared).
    On PostgreSQL one statement takes the place and writes the claim; on SQLite, two."""
    if dialect_name(db) != "postgresql":
        placed = await take_place(db, need)
        values = {**values, "status": ClaimStatus.CLAIMED if placed else ClaimStatus.WAITLIST}
    written = (await run(db, _INSERT_CLAIM, {"status": None, **values})).first()
    if written is None:
        raise RuntimeError("the claim's INSERT … RETURNING returned no row")
    return adopt(db, Claim, {**values, "id": written[0], "status": ClaimStatus(written[1])})


async def _result(db: AsyncSession, need: Need, claim: Claim, member: Member,
                  *, already: bool = False) -> ClaimResult:
    position = await waitlist_position(db, claim) if claim.status == ClaimStatus.WAITLIST else None
    return ClaimResult(need, claim, member, position, already)


def _unsuitable(need: Need, member: Member, proxy: bool) -> str:
    # Said in the group: the member's own category is not named (health data never goes there).
    who = member.name if proxy else "您"
    return (f"#{need.id} {need.title} 适合“{Suitability(need.suits).label}”的同志，"
            f"按{who}登记的身体情况，这次就不安排了。可发送“需求列表”看看其他需求。")


async def active_claim(db: AsyncSession, need: Need, member: Member, who: str) -> Claim:
    """The member's place or waitlist spot on this need; NotFound naming `who` otherwise."""
    claim = (await db.exec(select(Claim).where(
        Claim.need_id == need.id, Claim.member_id == member.id,
        col(Claim.status).in_(ACTIVE)))).first()
    if claim is None:
        raise NotFound(f"{who}没有认领#{need.id} {need.title}。可发送“我的认领”查看。",
                       f"取消认领 #{need.id}")
    return claim


@dataclass
class Promotion:
    """Members moved from the waitlist into a place."""

    need: Need
    promoted: list[Member] = field(default_factory=list)


@dataclass
class CancelResult(Promotion):
    """取消认领: whether a place (not a waitlist spot) was given up, and who moved up."""

    had_place: bool = False


async def cancel_claim(
    db: AsyncSession, *, branch_id: int, need_id: int, member: Member
) -> CancelResult:
    """取消认领 until the need starts; the first on the waitlist takes the freed place."""
    need = await lock_need(db, branch_id=branch_id, need_id=need_id)
    ensure_open(need, closed="不能再取消了。如去不了，请告诉书记。")
    claim = await active_claim(db, need, member, "您")
    had_place = claim.status == ClaimStatus.CLAIMED
    claim.status, claim.updated_at = ClaimStatus.CANCELLED, timeutil.now()
    db.add(claim)
    await db.flush()
    promoted: list[Member] = []
    if had_place:
        await release_place(db, need)
        promoted = await fill_from_waitlist(db, need)
    await db.refresh(need)
    return CancelResult(need, promoted, had_place)


@dataclass
class MyClaim:
    """One line of 我的认领."""

    need: Need
    claim: Claim
    position: int | None


async def my_claims(db: AsyncSession, *, member: Member) -> list[MyClaim]:
    """The member's places and waitlist spots on open needs, soonest first."""
    stmt = (
        select(Need, Claim).join(Claim, col(Claim.need_id) == col(Need.id))
        .where(Claim.member_id == member.id, col(Claim.status).in_(ACTIVE),
               Need.status == NeedStatus.OPEN, Need.starts_at > timeutil.now() - LIST_GRACE)
        .order_by(col(Need.starts_at), col(Need.id))
    )
    rows = []
    for need, claim in (await db.exec(stmt)).all():
        waiting = claim.status == ClaimStatus.WAITLIST
        rows.append(MyClaim(need, claim, await waitlist_position(db, claim) if waiting else None))
    return rows


@dataclass
class CapacityResult(Promotion):
    """修改名额: who went back to the waitlist (with their new positions) or moved up."""

    old_capacity: int = 0
    demoted: list[tuple[Member, int]] = field(default_factory=list)


async def set_capacity(
    db: AsyncSession, *, branch_id: int, need_id: int, capacity: int
) -> CapacityResult:
    """修改名额: lowering moves the latest claims back to the front of the waitlist, in order."""
    need = await lock_need(db, branch_id=branch_id, need_id=need_id)
    ensure_open(need, claiming=False)
    result = CapacityResult(need, old_capacity=need.capacity)
    claimed = await claims_of(db, need_id=need_id, status=ClaimStatus.CLAIMED)
    excess = claimed[capacity:] if len(claimed) > capacity else []
    for claim in excess:
        # Keep queued_at: they arrived before everyone waiting, so they head the waitlist.
        claim.status, claim.updated_at = ClaimStatus.WAITLIST, timeutil.now()
        db.add(claim)
    await db.flush()
    if excess:
        await release_place(db, need, len(excess))
    await db.exec(
        update(Need).where(col(Need.id) == need_id).values(capacity=capacity)
        .execution_options(synchronize_session=False))
    await db.refresh(need)
    for claim in excess:
        member = await db.get(Member, claim.member_id)
        if member is not None:
            result.demoted.append((member, await waitlist_position(db, claim)))
    result.promoted = await fill_from_waitlist(db, need)
    return result
