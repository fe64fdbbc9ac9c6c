"""完成需求 and 缺勤: closing a need that has started, with the points it earns. No nonebot here."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from sqlmodel.ext.asyncio.session import AsyncSession

from core import timeutil
from core.errors import Conflict
from db.models import ClaimStatus, LedgerKind, Member, Need, NeedStatus
from plugins.points.service import award
from plugins.volunteer.parse import default_hours
from plugins.volunteer.places import (
    active_claim,
    claims_of,
    ensure_open,
    fill_from_waitlist,
    get_need,
    members_of,
    release_place,
)
from plugins.volunteer.service import Promotion


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
    session: AsyncSession, *, branch_id: int, need_id: int, hours: Decimal | None,
    operator: Member | None, operator_name: str | None = None,
) -> Completion:
    """完成需求 once started: every claimant not marked absent earns points, all in this transaction."""
    need = await get_need(session, branch_id, need_id, lock=True)
    ensure_open(need, claiming=False)
    if need.starts_at > timeutil.now():
        raise Conflict(f"#{need.id} {need.title} 还没开始（{timeutil.fmt_dt(need.starts_at)}），"
                       "开始后才能完成。")
    hours = hours or default_hours(need.starts_at, need.ends_at)
    if need.points_per_hour is not None:
        each = (Decimal(need.points_per_hour) * hours).quantize(Decimal("0.1"), ROUND_HALF_UP)
    else:
        each = Decimal(need.points_per_person or 0)
    claims = await claims_of(session, need.id, ClaimStatus.CLAIMED)
    people = []
    for claim in claims:
        member = await session.get(Member, claim.member_id)
        if member is None:
            continue
        people.append(member)
        if each > 0:
            await award(session, member=member, delta=each, kind=LedgerKind.VOLUNTEER,
                        reason=f"志愿服务#{need.id} {need.title}"[:200], source=f"volunteer:{claim.id}",
                        operator=operator, operator_name=operator_name)
    moment = timeutil.now()
    need.status, need.hours, need.completed_at = NeedStatus.COMPLETED, hours, moment
    session.add(need)
    await session.flush()
    absent = await members_of(session, await claims_of(session, need.id, ClaimStatus.ABSENT))
    return Completion(need, hours, each, people, absent)


async def mark_absent(
    session: AsyncSession, *, branch_id: int, need_id: int, member: Member
) -> Promotion:
    """缺勤 before completion: the member earns nothing; before the start their place moves on."""
    need = await get_need(session, branch_id, need_id, lock=True)
    ensure_open(need, claiming=False)
    claim = await active_claim(session, need, member, member.name)
    if claim.status != ClaimStatus.CLAIMED:
        raise Conflict(f"{member.name} 在#{need.id}只是候补，没有名额，无需登记缺勤。")
    claim.status, claim.updated_at = ClaimStatus.ABSENT, timeutil.now()
    session.add(claim)
    await session.flush()
    await release_place(session, need)
    promoted = await fill_from_waitlist(session, need)
    await session.refresh(need)
    return Promotion(need, promoted)
