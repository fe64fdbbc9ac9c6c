"""冲正: a mistake is corrected by a reversing entry, never by an edit; closed quarters stay closed."""

from decimal import Decimal

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core import timeutil
from core.errors import Conflict, NotFound
from db.models import (
    CatalogueItem,
    LedgerEntry,
    LedgerKind,
    Member,
    OrderStatus,
    RedemptionOrder,
)
from domain.points.ledger import append, check_reason, get_by_id
from domain.points.publication import quarter_closed


async def reverse(
    db: AsyncSession, *, branch_id: int, entry_id: int, reason: str,
    operator: Member | None, operator_name: str,
) -> tuple[LedgerEntry, LedgerEntry]:
    """A reversing entry for a mistake: in the original's quarter while it is open, else now."""
    original = await get_by_id(db, LedgerEntry, entry_id)
    example = "冲正 #12 重复录入"
    if original is None or original.branch_id != branch_id:
        raise NotFound(f"本支部没有流水号#{entry_id}。可让成员发送“积分明细”查看流水号。", example)
    if original.kind == LedgerKind.REVERSAL:
        raise Conflict(f"#{entry_id} 本身是冲正记录，不能再冲正。")
    reason = check_reason(reason, example)
    moment = timeutil.now()
    cycle, quarter, note = original.cycle, original.quarter, ""
    if await quarter_closed(db, branch_id, original.quarter):
        cycle, quarter = timeutil.cycle_of(moment), timeutil.quarter_of(moment)
        note = f"（原记入{original.quarter}，该季度已结算）"
    entry = LedgerEntry(
        branch_id=branch_id, member_id=original.member_id, delta=-Decimal(str(original.delta)),
        kind=LedgerKind.REVERSAL, reason=f"冲正#{entry_id}：{reason}{note}"[:200],
        source=f"reversal:{entry_id}", operator_id=operator.id if operator else None,
        operator_name=operator_name, reverses_id=entry_id, cycle=cycle, quarter=quarter,
        created_at=moment,
    )
    try:
        async with db.begin_nested():
            # The balance row is locked first, as 兑换 does, so the two never wait on each other.
            await append(db, entry)
            await _cancel_order_of(db, original)
    except IntegrityError:
        raise Conflict(f"#{entry_id} 已经冲正过了，不能重复冲正。") from None
    return original, entry


async def _cancel_order_of(db: AsyncSession, entry: LedgerEntry) -> None:
    if entry.kind != LedgerKind.REDEEM:
        return
    order = (await db.exec(
        select(RedemptionOrder).where(RedemptionOrder.entry_id == entry.id))).first()
    if order is None:
        return
    cancelled = await db.exec(
        update(RedemptionOrder)
        .where(col(RedemptionOrder.id) == order.id, col(RedemptionOrder.status) == OrderStatus.PENDING)
        .values(status=OrderStatus.CANCELLED).execution_options(synchronize_session=False))
    if not cancelled.rowcount:
        raise Conflict(f"订单#{order.id}（{order.item_name}）已发放，不能冲正。")
    await db.exec(
        update(CatalogueItem).where(col(CatalogueItem.id) == order.item_id,
                                    col(CatalogueItem.stock).is_not(None))
        .values(stock=col(CatalogueItem.stock) + 1).execution_options(synchronize_session=False))
