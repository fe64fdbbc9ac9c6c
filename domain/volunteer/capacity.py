"""How places on a need are held: the row lock, the conditional UPDATE, arrival order, the waitlist.

Every change to a need first locks its row (`SELECT … FOR UPDATE` on PostgreSQL; SQLite transactions
are already serialised by BEGIN IMMEDIATE), so claims on one need queue in arrival order and one
member's two simultaneous claims see each other. A place itself is taken by a conditional
`UPDATE need SET claimed = claimed + 1 WHERE claimed < capacity` (never check-then-write); the CHECK
constraint `claimed <= capacity` backs it up. No nonebot here.
"""

from datetime import datetime, timedelta

from sqlalchemy import func, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core import timeutil
from core.errors import Conflict, NotFound
from core.textparse import ID_MAX
from db.models import Claim, ClaimStatus, HealthCategory, Member, Need, NeedStatus, Suitability

ACTIVE = (ClaimStatus.CLAIMED, ClaimStatus.WAITLIST)
EX_CLAIM = "认领 #3"


def suits(need: Need, category: HealthCategory | str) -> bool:
    """Whether a member of this health category may take part."""
    wanted = Suitability(need.suits)
    if wanted == Suitability.ANY:
        return True
    if wanted == Suitability.LIMITED:
        return category in (HealthCategory.NORMAL, HealthCategory.LIMITED)
    return category == HealthCategory.NORMAL


async def get_need(session: AsyncSession, branch_id: int, need_id: int, *, lock: bool = False) -> Need:
    """A need of this branch (fresh from the database, row-locked when asked); NotFound otherwise."""
    # A number past the integer column is no need at all (asking the database would overflow).
    need = None if not 0 < need_id <= ID_MAX else await session.get(
        Need, need_id, with_for_update=lock, populate_existing=True)
    if need is None or need.branch_id != branch_id:
        raise NotFound(f"没有#{need_id}号需求。可发送“需求列表”查看。", EX_CLAIM)
    return need


def ensure_open(need: Need, *, claiming: bool = True, closed: str = "认领已截止。") -> None:
    """Conflict when the need is cancelled or completed (or, when claiming, already started)."""
    if need.status == NeedStatus.CANCELLED:
        raise Conflict(f"#{need.id} {need.title} 已取消。")
    if need.status == NeedStatus.COMPLETED:
        raise Conflict(f"#{need.id} {need.title} 已经完成了。")
    if claiming and need.starts_at <= timeutil.now():
        raise Conflict(f"#{need.id} {need.title} 已经开始（{timeutil.fmt_dt(need.starts_at)}），{closed}")


async def take_place(session: AsyncSession, need: Need) -> bool:
    """Atomically take one place; False when the need is full."""
    stmt = (
        update(Need)
        .where(col(Need.id) == need.id, col(Need.claimed) < col(Need.capacity))
        .values(claimed=col(Need.claimed) + 1)
        .execution_options(synchronize_session=False)
    )
    result = await session.exec(stmt)  # type: ignore[call-overload]
    return bool(result.rowcount)


async def release_place(session: AsyncSession, need: Need, count: int = 1) -> None:
    """Give places back (a claim cancelled, marked absent, or moved to the waitlist)."""
    stmt = (
        update(Need).where(col(Need.id) == need.id).values(claimed=col(Need.claimed) - count)
        .execution_options(synchronize_session=False)
    )
    await session.exec(stmt)  # type: ignore[call-overload]


async def claims_of(session: AsyncSession, need_id: int, status: ClaimStatus) -> list[Claim]:
    """A need's claims in one status, in arrival order."""
    stmt = select(Claim).where(Claim.need_id == need_id, Claim.status == status).order_by(
        col(Claim.queued_at), col(Claim.id))
    return list((await session.exec(stmt)).all())


async def waitlist_position(session: AsyncSession, claim: Claim) -> int:
    """1-based place on the waitlist."""
    waiting = await claims_of(session, claim.need_id, ClaimStatus.WAITLIST)
    return next(i for i, c in enumerate(waiting, 1) if c.id == claim.id)


async def arrival(session: AsyncSession, need: Need) -> datetime:
    """Now, but strictly after every earlier arrival on this need (the row lock makes this safe).

    A re-claim re-uses its row, so the id cannot break a tie in queued_at; this keeps the order total.
    """
    stmt = select(func.max(Claim.queued_at)).where(Claim.need_id == need.id)
    latest = (await session.exec(stmt)).one()
    moment = timeutil.now()
    if latest is not None:
        moment = max(moment, latest + timedelta(microseconds=1))
    return moment


async def fill_from_waitlist(session: AsyncSession, need: Need) -> list[Member]:
    """Give free places to the waitlist in order (only before the need starts)."""
    promoted: list[Member] = []
    if need.starts_at <= timeutil.now():
        return promoted
    for claim in await claims_of(session, need.id, ClaimStatus.WAITLIST):
        if not await take_place(session, need):
            break
        claim.status, claim.updated_at = ClaimStatus.CLAIMED, timeutil.now()
        session.add(claim)
        member = await session.get(Member, claim.member_id)
        if member is not None:
            promoted.append(member)
    await session.flush()
    await session.refresh(need)
    return promoted


async def active_claim(session: AsyncSession, need: Need, member: Member, who: str) -> Claim:
    """The member's place or waitlist spot on this need; NotFound naming `who` otherwise."""
    claim = (await session.exec(select(Claim).where(
        Claim.need_id == need.id, Claim.member_id == member.id,
        col(Claim.status).in_(ACTIVE)))).first()
    if claim is None:
        raise NotFound(f"{who}没有认领#{need.id} {need.title}。可发送“我的认领”查看。",
                       f"取消认领 #{need.id}")
    return claim


async def members_of(session: AsyncSession, claims: list[Claim]) -> list[Member]:
    """The members behind these claims, in the same order."""
    members = [await session.get(Member, c.member_id) for c in claims]
    return [m for m in members if m is not None]


def started(need: Need, moment: datetime | None = None) -> bool:
    """Claims close when the need starts."""
    return need.starts_at <= (moment or timeutil.now())
