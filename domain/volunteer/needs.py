"""Volunteer needs themselves: posting, listing, who they suit, whether they are open, cancelling."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core import timeutil
from core.errors import Conflict
from db.models import ClaimStatus, HealthCategory, Member, Need, NeedStatus, Suitability
from domain.points import rule
from domain.volunteer.capacity import claims_of, lock_need, members_of

CAPACITY_MAX = 200
"""The most places a need may have."""
LIST_GRACE = timedelta(days=7)
"""Started needs stay listed this long, so the secretary still sees the ones to complete."""


@dataclass
class NeedDraft:
    """The fields of a need as posted, checked but not yet stored."""

    title: str
    starts_at: datetime
    ends_at: datetime
    place: str
    capacity: int
    points_per_person: Decimal | None = None
    points_per_hour: Decimal | None = None
    suits: Suitability = Suitability.NORMAL
    description: str | None = None
    hourly: bool = False
    """Per hour at the branch's volunteer_per_hour rate (`每小时` written without a number)."""


def suits(need: Need, category: HealthCategory | str) -> bool:
    """Whether a member of this health category may take part."""
    wanted = Suitability(need.suits)
    if wanted == Suitability.ANY:
        return True
    if wanted == Suitability.LIMITED:
        return category in (HealthCategory.NORMAL, HealthCategory.LIMITED)
    return category == HealthCategory.NORMAL


def started(need: Need, moment: datetime | None = None) -> bool:
    """Claims close when the need starts."""
    return need.starts_at <= (moment or timeutil.now())


def ensure_open(need: Need, *, claiming: bool = True, closed: str = "认领已截止。") -> None:
    """Conflict when the need is cancelled or completed (or, when claiming, already started)."""
    if need.status == NeedStatus.CANCELLED:
        raise Conflict(f"#{need.id} {need.title} 已取消。")
    if need.status == NeedStatus.COMPLETED:
        raise Conflict(f"#{need.id} {need.title} 已经完成了。")
    if claiming and started(need):
        raise Conflict(f"#{need.id} {need.title} 已经开始（{timeutil.fmt_dt(need.starts_at)}），{closed}")


async def post_need(
    db: AsyncSession, *, branch_id: int, draft: NeedDraft, created_by: Member | None
) -> Need:
    """发布需求: store the need; points not given come from the branch's per-need / per-hour rule."""
    per_person, per_hour = draft.points_per_person, draft.points_per_hour
    if draft.hourly and per_hour is None:
        per_hour = await rule(db, branch_id, "volunteer_per_hour")
    elif per_person is None and per_hour is None:
        per_person = await rule(db, branch_id, "volunteer_per_need")
    need = Need(
        branch_id=branch_id, title=draft.title, starts_at=draft.starts_at, ends_at=draft.ends_at,
        place=draft.place, capacity=draft.capacity, points_per_person=per_person,
        points_per_hour=per_hour, suits=draft.suits, description=draft.description,
        created_by=created_by.id if created_by else None,
    )
    db.add(need)
    await db.flush()
    return need


async def open_needs(db: AsyncSession, *, branch_id: int) -> list[Need]:
    """Open needs, soonest first: upcoming ones and those started within the last week."""
    stmt = select(Need).where(
        Need.branch_id == branch_id, Need.status == NeedStatus.OPEN,
        Need.starts_at > timeutil.now() - LIST_GRACE,
    ).order_by(col(Need.starts_at), col(Need.id))
    return list((await db.exec(stmt)).all())


@dataclass
class NeedPeople:
    """A need and the members holding places / waiting on it."""

    need: Need
    claimed: list[Member]
    waiting: list[Member]


async def cancel_need(
    db: AsyncSession, *, branch_id: int, need_id: int, reason: str | None
) -> NeedPeople:
    """取消需求: the need closes; claims stay as they were, for the record."""
    need = await lock_need(db, branch_id=branch_id, need_id=need_id)
    ensure_open(need, claiming=False)
    need.status, need.status_reason = NeedStatus.CANCELLED, (reason or None)
    db.add(need)
    await db.flush()
    return NeedPeople(
        need,
        await members_of(db, await claims_of(db, need_id=need_id, status=ClaimStatus.CLAIMED)),
        await members_of(db, await claims_of(db, need_id=need_id, status=ClaimStatus.WAITLIST)),
    )
