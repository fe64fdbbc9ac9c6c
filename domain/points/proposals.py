"""加分 / 扣分: whoever may 批准 adds directly; below that role an adjustment waits for 批准 or 驳回.

Both roles come from the permission table (domain/permissions.py): 加分's row says who may ask,
批准's row says who may add directly and is told of a proposal.
"""

from decimal import Decimal

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core import timeutil
from core.errors import Conflict, NotFound
from core.roles import Role
from db.models import (
    ChatAccount,
    LedgerEntry,
    LedgerKind,
    Member,
    MemberStatus,
    PointsProposal,
    ProposalStatus,
)
from domain.permissions import permission
from domain.points.ledger import award, check_reason, get_by_id


def adds_directly(role: Role) -> bool:
    """Whether 加分/扣分 by this role is an entry now rather than a proposal (批准's role)."""
    return role >= permission("批准").role


async def adjust(
    db: AsyncSession, *, member: Member, delta: Decimal, reason: str, role: Role,
    operator: Member | None, operator_name: str,
) -> LedgerEntry | PointsProposal:
    """A signed adjustment: an entry now (whoever may 批准), or a proposal waiting for 批准."""
    if adds_directly(role):
        kind = LedgerKind.BONUS if delta > 0 else LedgerKind.PENALTY
        return await award(db, member=member, delta=delta, kind=kind, reason=reason,
                           source="manual", operator=operator, operator_name=operator_name)
    proposal = PointsProposal(
        branch_id=member.branch_id, member_id=member.id or 0, delta=delta, reason=reason,
        proposer_id=operator.id if operator else None, proposer_name=operator_name)
    db.add(proposal)
    await db.flush()
    return proposal


async def _decide(db: AsyncSession, branch_id: int, proposal_id: int, status: ProposalStatus,
                  by: str, reason: str | None) -> PointsProposal:
    proposal = await get_by_id(db, PointsProposal, proposal_id)
    if proposal is None or proposal.branch_id != branch_id:
        raise NotFound(f"没有待批的积分申请#{proposal_id}。发送“批准”可查看待批列表。", "批准 #3")
    # One conditional UPDATE: two secretaries approving at once cannot award twice.
    decided = await db.exec(
        update(PointsProposal)
        .where(col(PointsProposal.id) == proposal_id, col(PointsProposal.branch_id) == branch_id,
               col(PointsProposal.status) == ProposalStatus.PENDING)
        .values(status=status, decided_by=by, decided_at=timeutil.now(), decision_reason=reason)
        .execution_options(synchronize_session=False))
    await db.refresh(proposal)
    if not decided.rowcount:
        done = "批准" if proposal.status == ProposalStatus.APPROVED else "驳回"
        raise Conflict(f"积分申请#{proposal_id} 已经{done}过了。")
    return proposal


async def approve(db: AsyncSession, *, branch_id: int, proposal_id: int,
                  operator: Member | None, operator_name: str) -> tuple[PointsProposal, Member]:
    """批准: the proposal becomes a ledger entry (operator: the proposer, approved by the secretary)."""
    proposal = await _decide(db, branch_id, proposal_id, ProposalStatus.APPROVED,
                             operator_name, None)
    member = await db.get(Member, proposal.member_id)
    assert member is not None
    delta = Decimal(str(proposal.delta))
    entry = await award(
        db, member=member, delta=delta,
        kind=LedgerKind.BONUS if delta > 0 else LedgerKind.PENALTY,
        reason=f"{proposal.reason}（{proposal.proposer_name}提议，{operator_name}批准）",
        source=f"proposal:{proposal.id}", operator=operator, operator_name=operator_name)
    proposal.entry_id = entry.id
    db.add(proposal)
    await db.flush()
    return proposal, member


async def reject(db: AsyncSession, *, branch_id: int, proposal_id: int, reason: str,
                 operator_name: str) -> tuple[PointsProposal, Member]:
    """驳回 with a reason; nothing is written to the ledger."""
    reason = check_reason(reason, "驳回 #3 已在上次计分")
    proposal = await _decide(db, branch_id, proposal_id, ProposalStatus.REJECTED,
                             operator_name, reason)
    member = await db.get(Member, proposal.member_id)
    assert member is not None
    return proposal, member


async def pending(db: AsyncSession, branch_id: int) -> list[tuple[PointsProposal, str]]:
    """Proposals waiting for the secretary, oldest first, with the member's name."""
    stmt = (
        select(PointsProposal, Member.name)
        .join(Member, col(Member.id) == col(PointsProposal.member_id))
        .where(PointsProposal.branch_id == branch_id,
               PointsProposal.status == ProposalStatus.PENDING)
        .order_by(col(PointsProposal.id))
    )
    return [(p, n) for p, n in (await db.exec(stmt)).all()]


async def approver_accounts(db: AsyncSession, branch_id: int, platform: str) -> list[str]:
    """User ids of the branch's active members who may 批准, on a platform (told of a proposal)."""
    stmt = (
        select(ChatAccount.user_id)
        .join(Member, col(Member.id) == col(ChatAccount.member_id))
        .where(Member.branch_id == branch_id, col(Member.role) >= int(permission("批准").role),
               Member.status == MemberStatus.ACTIVE, ChatAccount.platform == platform)
        .order_by(col(ChatAccount.id))
    )
    return list((await db.exec(stmt)).all())
