"""以币换物: the catalogue, 兑换 (balance and stock spent atomically), orders and 发放."""

from decimal import Decimal

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core import timeutil
from core.errors import Conflict, NotFound
from core.textparse import fmt_points
from db.models import (
    CatalogueItem,
    LedgerEntry,
    LedgerKind,
    Member,
    OrderStatus,
    PointsBalance,
    RedemptionOrder,
)
from domain.points.ledger import balance, get_by_id


async def add_item(db: AsyncSession, *, branch_id: int, name: str, cost: Decimal,
                   stock: int | None) -> CatalogueItem:
    """上架."""
    item = CatalogueItem(branch_id=branch_id, name=name, cost=cost, stock=stock)
    db.add(item)
    await db.flush()
    return item


async def _item(db: AsyncSession, branch_id: int, item_id: int) -> CatalogueItem:
    item = await get_by_id(db, CatalogueItem, item_id)
    if item is None or item.branch_id != branch_id or not item.active:
        raise NotFound(f"兑换列表里没有#{item_id}。发送“兑换列表”查看可兑换的物品。", "兑换 #3")
    return item


async def remove_item(db: AsyncSession, *, branch_id: int, item_id: int) -> CatalogueItem:
    """下架: no longer offered; orders already placed stay."""
    item = await _item(db, branch_id, item_id)
    item.active = False
    db.add(item)
    await db.flush()
    return item


async def catalogue(db: AsyncSession, branch_id: int) -> list[CatalogueItem]:
    """Items on offer, by number."""
    stmt = (select(CatalogueItem).where(CatalogueItem.branch_id == branch_id,
                                        col(CatalogueItem.active).is_(True))
            .order_by(col(CatalogueItem.id)))
    return list((await db.exec(stmt)).all())


async def redeem(db: AsyncSession, *, member: Member, item_id: int
                 ) -> tuple[RedemptionOrder, CatalogueItem, Decimal]:
    """兑换: spend the balance and one unit of stock with conditional UPDATEs, then record both.

    Returns (order, item, balance left). The database decides: two 兑换 at once cannot overdraw.
    """
    item = await _item(db, member.branch_id, item_id)
    moment = timeutil.now()
    cycle, cost = timeutil.cycle_of(moment), Decimal(str(item.cost))
    async with db.begin_nested():
        # The balance row first, then the item: 冲正 locks in the same order (no deadlock).
        await _spend(db, member, item, cost, cycle)
        await _take_one(db, item)
        entry = LedgerEntry(
            branch_id=member.branch_id, member_id=member.id or 0, delta=-cost, kind=LedgerKind.REDEEM,
            reason=f"兑换 {item.name}", source=f"item:{item.id}", operator_id=member.id,
            operator_name=member.name, cycle=cycle, quarter=timeutil.quarter_of(moment),
            created_at=moment)
        db.add(entry)
        await db.flush()
        order = RedemptionOrder(branch_id=member.branch_id, item_id=item.id or 0,
                                member_id=member.id or 0, item_name=item.name, cost=cost,
                                entry_id=entry.id or 0, created_at=moment)
        db.add(order)
        await db.flush()
    await db.refresh(item)
    return order, item, await balance(db, member.id or 0, cycle)


async def _spend(db: AsyncSession, member: Member, item: CatalogueItem, cost: Decimal,
                 cycle: int) -> None:
    spent = await db.exec(
        update(PointsBalance)
        .where(col(PointsBalance.member_id) == member.id, col(PointsBalance.cycle) == cycle,
               col(PointsBalance.balance) >= cost)
        .values(balance=col(PointsBalance.balance) - cost)
        .execution_options(synchronize_session=False))
    if not spent.rowcount:
        have = await balance(db, member.id or 0, cycle)
        raise Conflict(f"积分不足：{item.name} 需要{fmt_points(cost)}分，"
                       f"您本年度积分{fmt_points(have)}分。")


async def _take_one(db: AsyncSession, item: CatalogueItem) -> None:
    taken = await db.exec(
        update(CatalogueItem)
        .where(col(CatalogueItem.id) == item.id, col(CatalogueItem.active).is_(True),
               col(CatalogueItem.stock).is_(None) | (col(CatalogueItem.stock) >= 1))
        .values(stock=col(CatalogueItem.stock) - 1)
        .execution_options(synchronize_session=False))
    if not taken.rowcount:
        raise Conflict(f"#{item.id} {item.name} 已经兑完了。")


async def pending_orders(db: AsyncSession, branch_id: int) -> list[tuple[RedemptionOrder, str]]:
    """兑换记录: orders waiting to be handed over, oldest first, with the member's name."""
    stmt = (
        select(RedemptionOrder, Member.name)
        .join(Member, col(Member.id) == col(RedemptionOrder.member_id))
        .where(RedemptionOrder.branch_id == branch_id,
               RedemptionOrder.status == OrderStatus.PENDING)
        .order_by(col(RedemptionOrder.id))
    )
    return [(o, n) for o, n in (await db.exec(stmt)).all()]


async def member_orders(db: AsyncSession, member_id: int, limit: int = 10
                        ) -> list[RedemptionOrder]:
    """我的兑换: the member's latest orders (any state), newest first."""
    stmt = (select(RedemptionOrder).where(RedemptionOrder.member_id == member_id)
            .order_by(col(RedemptionOrder.id).desc()).limit(limit))
    return list((await db.exec(stmt)).all())


async def deliver(db: AsyncSession, *, branch_id: int, order_id: int, by: str
                  ) -> tuple[RedemptionOrder, Member]:
    """发放: a pending order is marked handed over (once)."""
    order = await get_by_id(db, RedemptionOrder, order_id)
    if order is None or order.branch_id != branch_id:
        raise NotFound(f"没有订单#{order_id}。发送“兑换记录”查看待发放的订单。", "发放 #5")
    done = await db.exec(
        update(RedemptionOrder)
        .where(col(RedemptionOrder.id) == order_id, col(RedemptionOrder.branch_id) == branch_id,
               col(RedemptionOrder.status) == OrderStatus.PENDING)
        .values(status=OrderStatus.DELIVERED, delivered_at=timeutil.now(), delivered_by=by)
        .execution_options(synchronize_session=False))
    await db.refresh(order)
    if not done.rowcount:
        state = "已经发放过了" if order.status == OrderStatus.DELIVERED else "已冲正取消"
        raise Conflict(f"订单#{order_id} {state}。")
    member = await db.get(Member, order.member_id)
    assert member is not None
    return order, member
