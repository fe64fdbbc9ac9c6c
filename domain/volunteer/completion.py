"""完成需求 and 缺勤: closing a need that has started, with the points it earns."""

from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from sqlmodel.ext.asyncio.session import AsyncSession

from core import timeutil
from core.errors import Conflict
from db.models import ClaimStatus, LedgerKind, Member, Need, NeedStatus
from domain.points import award
from domain.volunteer.capacity import (
    claims_of,
    fill_from_waitlist,
    lock_need,
    members_of,
    release_place,
)
from domain.volunteer.claims import Promotion, active_claim
from domain.volunteer.needs import ensure_open

_HALF = Decimal("0.5")
POINTS_SOURCE = "volunteer:"
"""Points for a need are paid per claim, with source `volunteer:<claim id>` (exports sum them)."""


def points_source(claim_id: int | None) -> str:
    """The ledger source of the points one claim earned."""
    return f"{POINTS_SOURCE}{claim_id}"


def default_hours(starts_at: datetime, ends_at: datetime) -> Decimal:
    """The posted duration, in half hours (at least half an hour)."""
    minutes = Decimal(int((ends_at - starts_at).total_seconds() // 60))
    halves = (minutes / 30).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return max(halves * _HALF, _HALF)


@dataclass
class Completion:
    """完成需求 summary."""

    need: Need
    hours: Decimal
    each: Decimal
    people: list[Member]
    absent: list[Member]

    @property
    def total(self) -> Decimal:
        """Points awarded altogether."""
        return self.each * len(self.people)


async def complete_need(
    db: AsyncSession, *, branch_id: int, need_id: int, hours: Decimal | None,
    operator: Member | None, operator_name: str | None = None,
) -> Completion:
    """完成需求 once started: every claimant not marked absent earns points, all in this transaction."""
    need = await lock_need(db, branch_id=branch_id, need_id=need_id)
    ensure_open(need, claiming=False)
    if need.starts_at > timeutil.now():
        raise Conflict(f"#{need.id} {need.title} 还没开始（{timeutil.fmt_dt(need.starts_at)}），"
                       "开始后才能完成。")
    hours = hours or default_hours(need.starts_at, need.ends_at)
    if need.points_per_hour is not None:
        each = (Decimal(need.points_per_hour) * hours).quantize(Decimal("0.1"), ROUND_HALF_UP)
    else:
        each = Decimal(need.points_per_person or 0)
    people = []
    for claim in await claims_of(db, need_id=need_id, status=ClaimStatus.CLAIMED):
        member = await db.get(Member, claim.member_id)
        if member is None:
            continue
        people.append(member)
        if each > 0:
            await award(db, member=member, delta=each, kind=LedgerKind.VOLUNTEER,
                        reason=f"志愿服务#{need.id} {need.title}"[:200], source=points_source(claim.id),
                        operator=operator, operator_name=operator_name)
    need.status, need.hours, need.completed_at = NeedStatus.COMPLETED, hours, timeutil.now()
    db.add(need)
    await db.flush()
    absent = await members_of(db, await claims_of(db, need_id=need_id, status=ClaimStatus.ABSENT))
    return Completion(need, hours, each, people, absent)


async def mark_absent(
    db: AsyncSession, *, branch_id: int, need_id: int, member: Member
) -> Promotion:
    """缺勤 before completion: the member earns nothing; before the start their place moves on."""
    need = await lock_need(db, branch_id=branch_id, need_id=need_id)
    ensure_open(need, claiming=False)
    claim = await active_claim(db, need, member, member.name)
    if claim.status != ClaimStatus.CLAIMED:
        raise Conflict(f"{member.name} 在#{need.id}只是候补，没有名额，无需登记缺勤。")
    claim.status, claim.updated_at = ClaimStatus.ABSENT, timeutil.now()
    db.add(claim)
    await db.flush()
    await release_place(db, need)
    promoted = await fill_from_waitlist(db, need)
    await db.refresh(need)
    return Promotion(need, promoted)
