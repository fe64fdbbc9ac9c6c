"""Volunteer needs: post, claim, waitlist, capacity, cancel, completion with points. No nonebot here.

How places are held under concurrency is in plugins/volunteer/places.py.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core import timeutil
from core.errors import Conflict
from db.models import (
    ChatAccount,
    Claim,
    ClaimStatus,
    GroupBinding,
    HealthCategory,
    Member,
    MemberStatus,
    Need,
    NeedStatus,
    Suitability,
)
from plugins.points.service import rule
from plugins.volunteer.parse import NeedDraft
from plugins.volunteer.places import (
    ACTIVE,
    active_claim,
    arrival,
    claims_of,
    ensure_open,
    fill_from_waitlist,
    get_need,
    members_of,
    release_place,
    suits,
    take_place,
    waitlist_position,
)

LIST_GRACE = timedelta(days=7)
"""Started needs stay listed this long, so the secretary still sees the ones to complete."""


async def post_need(
    session: AsyncSession, *, branch_id: int, draft: NeedDraft, created_by: Member | None
) -> Need:
    """发布需求: store the need; points not given come from the branch's per-need / per-hour rule."""
    per_person, per_hour = draft.points_per_person, draft.points_per_hour
    if draft.hourly and per_hour is None:
        per_hour = await rule(session, branch_id, "volunteer_per_hour")
    elif per_person is None and per_hour is None:
        per_person = await rule(session, branch_id, "volunteer_per_need")
    need = Need(
        branch_id=branch_id, title=draft.title, starts_at=draft.starts_at, ends_at=draft.ends_at,
        place=draft.place, capacity=draft.capacity, points_per_person=per_person,
        points_per_hour=per_hour, suits=draft.suits, description=draft.description,
        created_by=created_by.id if created_by else None,
    )
    session.add(need)
    await session.flush()
    return need


async def open_needs(session: AsyncSession, branch_id: int) -> list[Need]:
    """Open needs, soonest first: upcoming ones and those started within the last week."""
    stmt = select(Need).where(
        Need.branch_id == branch_id, Need.status == NeedStatus.OPEN,
        Need.starts_at > timeutil.now() - LIST_GRACE,
    ).order_by(col(Need.starts_at), col(Need.id))
    return list((await session.exec(stmt)).all())


@dataclass
class ClaimResult:
    """What 认领 did: a place (position None), a waitlist position, or nothing new (already)."""

    need: Need
    claim: Claim
    member: Member
    position: int | None = None
    already: bool = False


async def claim_need(
    session: AsyncSession, *, branch_id: int, need_id: int, member: Member,
    proxy: Member | None = None,
) -> ClaimResult:
    """认领 / 代认领: a place if one is free, else the waitlist; claiming twice changes nothing."""
    need = await get_need(session, branch_id, need_id, lock=True)
    ensure_open(need)
    if member.status != MemberStatus.ACTIVE:
        raise Conflict(f"{member.name} 已停用，不能认领。如需恢复，请书记发送“启用成员 {member.name}”。")
    if not suits(need, member.category):
        raise Conflict(_unsuitable(need, member, proxy is not None))
    claim = (await session.exec(select(Claim).where(
        Claim.need_id == need.id, Claim.member_id == member.id))).first()
    if claim is not None and claim.status in ACTIVE:
        return await _result(session, need, claim, member, already=True)
    if claim is not None and claim.status == ClaimStatus.ABSENT:
        raise Conflict(f"{member.name} 已被登记为#{need.id}缺勤，如有误请联系书记。")
    claim = claim or Claim(need_id=need.id, member_id=member.id, status=ClaimStatus.WAITLIST)
    claim.queued_at = await arrival(session, need)
    claim.updated_at, claim.proxy_by = timeutil.now(), proxy.id if proxy else None
    claim.status = ClaimStatus.CLAIMED if await take_place(session, need) else ClaimStatus.WAITLIST
    session.add(claim)
    await session.flush()
    return await _result(session, need, claim, member)


async def _result(session: AsyncSession, need: Need, claim: Claim, member: Member,
                  *, already: bool = False) -> ClaimResult:
    await session.refresh(need)
    position = await waitlist_position(session, claim) if claim.status == ClaimStatus.WAITLIST else None
    return ClaimResult(need, claim, member, position, already)


def _unsuitable(need: Need, member: Member, proxy: bool) -> str:
    who = member.name if proxy else "您"
    return (f"#{need.id} {need.title} 适合“{Suitability(need.suits).label}”的同志，"
            f"{who}登记的类别是“{HealthCategory(member.category).label}”，这次就不安排了。"
            "可发送“需求列表”看看其他需求。")


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
    session: AsyncSession, *, branch_id: int, need_id: int, member: Member
) -> CancelResult:
    """取消认领 until the need starts; the first on the waitlist takes the freed place."""
    need = await get_need(session, branch_id, need_id, lock=True)
    ensure_open(need, closed="不能再取消了。如去不了，请告诉书记。")
    claim = await active_claim(session, need, member, "您")
    had_place = claim.status == ClaimStatus.CLAIMED
    claim.status, claim.updated_at = ClaimStatus.CANCELLED, timeutil.now()
    session.add(claim)
    await session.flush()
    promoted: list[Member] = []
    if had_place:
        await release_place(session, need)
        promoted = await fill_from_waitlist(session, need)
    await session.refresh(need)
    return CancelResult(need, promoted, had_place)


@dataclass
class MyClaim:
    """One line of 我的认领."""

    need: Need
    claim: Claim
    position: int | None


async def my_claims(session: AsyncSession, member: Member) -> list[MyClaim]:
    """The member's places and waitlist spots on open needs, soonest first."""
    stmt = (
        select(Need, Claim).join(Claim, col(Claim.need_id) == col(Need.id))
        .where(Claim.member_id == member.id, col(Claim.status).in_(ACTIVE),
               Need.status == NeedStatus.OPEN, Need.starts_at > timeutil.now() - LIST_GRACE)
        .order_by(col(Need.starts_at), col(Need.id))
    )
    rows = []
    for need, claim in (await session.exec(stmt)).all():
        waiting = claim.status == ClaimStatus.WAITLIST
        rows.append(MyClaim(need, claim, await waitlist_position(session, claim) if waiting else None))
    return rows


@dataclass
class CapacityResult(Promotion):
    """修改名额: who went back to the waitlist (with their new positions) or moved up."""

    old_capacity: int = 0
    demoted: list[tuple[Member, int]] = field(default_factory=list)


async def set_capacity(
    session: AsyncSession, *, branch_id: int, need_id: int, capacity: int
) -> CapacityResult:
    """修改名额: lowering moves the latest claims back to the front of the waitlist, in order."""
    need = await get_need(session, branch_id, need_id, lock=True)
    ensure_open(need, claiming=False)
    result = CapacityResult(need, old_capacity=need.capacity)
    claimed = await claims_of(session, need.id, ClaimStatus.CLAIMED)
    excess = claimed[capacity:] if len(claimed) > capacity else []
    for claim in excess:
        # Keep queued_at: they arrived before everyone waiting, so they head the waitlist.
        claim.status, claim.updated_at = ClaimStatus.WAITLIST, timeutil.now()
        session.add(claim)
    await session.flush()
    if excess:
        await release_place(session, need, len(excess))
    await session.exec(  # type: ignore[call-overload]
        update(Need).where(col(Need.id) == need.id).values(capacity=capacity)
        .execution_options(synchronize_session=False))
    await session.refresh(need)
    for claim in excess:
        member = await session.get(Member, claim.member_id)
        if member is not None:
            result.demoted.append((member, await waitlist_position(session, claim)))
    result.promoted = await fill_from_waitlist(session, need)
    return result


@dataclass
class NeedPeople:
    """A need and the members holding places / waiting on it."""

    need: Need
    claimed: list[Member]
    waiting: list[Member]


async def cancel_need(
    session: AsyncSession, *, branch_id: int, need_id: int, reason: str | None
) -> NeedPeople:
    """取消需求: the need closes; claims stay as they were, for the record."""
    need = await get_need(session, branch_id, need_id, lock=True)
    ensure_open(need, claiming=False)
    need.status, need.status_reason = NeedStatus.CANCELLED, (reason or None)
    session.add(need)
    await session.flush()
    return NeedPeople(
        need,
        await members_of(session, await claims_of(session, need.id, ClaimStatus.CLAIMED)),
        await members_of(session, await claims_of(session, need.id, ClaimStatus.WAITLIST)),
    )


async def group_of(session: AsyncSession, branch_id: int, platform: str) -> str | None:
    """The branch's group on this platform, where notifications go."""
    stmt = select(GroupBinding.group_id).where(
        GroupBinding.branch_id == branch_id, GroupBinding.platform == platform
    ).order_by(col(GroupBinding.id))
    return (await session.exec(stmt)).first()


async def accounts_of(session: AsyncSession, members: list[Member], platform: str) -> dict[int, str]:
    """member id → chat user id on this platform, for the members who have one."""
    ids = [m.id for m in members]
    if not ids:
        return {}
    stmt = select(ChatAccount.member_id, ChatAccount.user_id).where(
        col(ChatAccount.member_id).in_(ids), ChatAccount.platform == platform)
    return dict((await session.exec(stmt)).all())
