"""志愿服务台账 figures: needs with their claims, hours and the points paid for them."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func
from sqlalchemy.orm import aliased
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from db.models import Claim, ClaimStatus, LedgerEntry, Member, Need, NeedStatus
from domain.report.periods import Period

ZERO = Decimal(0)
_OTHER_LABELS = {ClaimStatus.CANCELLED: "已取消", ClaimStatus.ABSENT: "未到"}


@dataclass
class NeedRow:
    """One volunteer need with its claims; a line of 志愿服务台账 when completed."""

    need: Need
    participants: list[str]
    waitlist: list[str]
    others: list[tuple[str, str]]
    hours: Decimal
    points: Decimal

    @property
    def person_hours(self) -> Decimal:
        """时长 × 参与人数."""
        return self.hours * len(self.participants)


def need_hours(need: Need) -> Decimal:
    """Recorded service hours, else the planned duration, to half an hour."""
    if need.hours is not None:
        return Decimal(str(need.hours))
    minutes = (need.ends_at - need.starts_at).total_seconds() / 60
    return Decimal(round(max(minutes, 0) / 30)) / 2


async def need_rows(
    db: AsyncSession, *, branch_id: int, period: Period, completed_only: bool = False,
) -> list[NeedRow]:
    """Needs starting in the period (cancelled ones left out), with claims and points paid."""
    start, end = period.bounds
    stmt = select(Need).where(Need.branch_id == branch_id, Need.starts_at >= start,
                              Need.starts_at < end, Need.status != NeedStatus.CANCELLED)
    if completed_only:
        stmt = stmt.where(Need.status == NeedStatus.COMPLETED)
    needs = list((await db.exec(stmt.order_by(col(Need.starts_at), col(Need.id)))).all())
    if not needs:
        return []
    claims_stmt = (
        select(Claim, Member.name).join(Member, col(Member.id) == col(Claim.member_id))
        .where(col(Claim.need_id).in_([n.id for n in needs]))
        .order_by(col(Claim.queued_at), col(Claim.id))
    )
    claims: dict[int, list[tuple[Claim, str]]] = defaultdict(list)
    for claim, name in (await db.exec(claims_stmt)).all():
        claims[claim.need_id].append((claim, name))
    # The volunteer capability pays each participant with source `volunteer:<claim id>`.
    sources = {f"volunteer:{c.id}": c.need_id for rows in claims.values() for c, _ in rows}
    points = await _paid(db, branch_id=branch_id, sources=sources)
    return [_need_row(n, claims[n.id or 0], points[n.id or 0]) for n in needs]


async def _paid(db: AsyncSession, *, branch_id: int, sources: dict[str, int]) -> dict[int, Decimal]:
    """Points paid per need: entries with those sources, net of any 冲正 of them."""
    original = aliased(LedgerEntry)
    source = func.coalesce(col(original.source), col(LedgerEntry.source))
    stmt = (
        select(source, col(LedgerEntry.delta))
        .outerjoin(original, col(original.id) == col(LedgerEntry.reverses_id))
        .where(LedgerEntry.branch_id == branch_id, source.in_(list(sources)))
    )
    points: dict[int, Decimal] = defaultdict(Decimal)
    for paid_for, delta in (await db.exec(stmt)).all():
        points[sources[paid_for]] += Decimal(str(delta))
    return points


def _need_row(need: Need, claims: list[tuple[Claim, str]], points: Decimal) -> NeedRow:
    return NeedRow(
        need=need,
        participants=[n for c, n in claims if c.status == ClaimStatus.CLAIMED],
        waitlist=[n for c, n in claims if c.status == ClaimStatus.WAITLIST],
        others=[(n, _OTHER_LABELS[ClaimStatus(c.status)]) for c, n in claims
                if c.status in (ClaimStatus.CANCELLED, ClaimStatus.ABSENT)],
        hours=need_hours(need), points=points,
    )


def volunteer_hours(rows: list[NeedRow]) -> Decimal:
    """Person-hours of completed needs."""
    return sum((r.person_hours for r in rows if r.need.status == NeedStatus.COMPLETED), ZERO)
