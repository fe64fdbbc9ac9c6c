"""以币换物: catalogue, 兑换 under concurrency (SQLite and PostgreSQL), orders, 发放 and 冲正."""

import asyncio
from datetime import UTC, datetime
from decimal import Decimal

import pytest
import time_machine
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from core.errors import Conflict, NotFound
from db import engine as db_engine
from db.models import CatalogueItem, LedgerEntry, LedgerKind, OrderStatus, RedemptionOrder
from domain import points as pts
from tests.factories import make_branch, make_member

D = Decimal
NOV = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)


async def _setup(session: AsyncSession, points: str, cost: str, stock: int | None):  # noqa: ANN202
    branch = await make_branch(session)
    members = [await make_member(session, branch, n) for n in ("张三", "李四", "王五")]
    for m in members:
        await pts.award(session, member=m, delta=D(points), kind=LedgerKind.VOLUNTEER,
                            reason="志愿服务")
    item = await pts.add_item(session, branch_id=branch.id, name="保温杯", cost=D(cost),
                               stock=stock)
    await session.commit()
    return branch, members, item


async def _try_redeem(member_id: int, item_id: int) -> str:
    from db.models import Member

    async with db_engine.session_factory()() as s:
        try:
            member = await s.get(Member, member_id)
            order, _, _ = await pts.redeem(s, member=member, item_id=item_id)
            await s.commit()
            return f"ok#{order.id}"
        except Conflict as error:
            await s.rollback()
            return error.message


@time_machine.travel(NOV, tick=False)
async def test_concurrent_redeem_cannot_overdraw_balance(session: AsyncSession) -> None:
    """Ten 兑换 at once by one member with points for exactly two: two succeed, balance is 0."""
    _, (zhang, *_), item = await _setup(session, "10", "5", None)
    results = await asyncio.gather(*[_try_redeem(zhang.id, item.id) for _ in range(10)])
    assert sum(r.startswith("ok") for r in results) == 2
    assert results.count("积分不足：保温杯 需要5分，您本年度积分0分。") == 8
    session.expunge_all()
    assert await pts.balance(session, zhang.id) == D(0)
    assert await pts.ledger_balance(session, zhang.id, 2026) == D(0)
    orders = (await session.exec(select(RedemptionOrder))).all()
    assert len(orders) == 2


@time_machine.travel(NOV, tick=False)
async def test_concurrent_redeem_cannot_oversell_stock_of_one(session: AsyncSession) -> None:
    """Three members race for the last item: exactly one gets it, stock never goes below 0."""
    _, members, item = await _setup(session, "10", "5", 1)
    results = await asyncio.gather(*[_try_redeem(m.id, item.id) for m in members * 2])
    assert sum(r.startswith("ok") for r in results) == 1
    assert results.count(f"#{item.id} 保温杯 已经兑完了。") == 5
    session.expunge_all()
    assert (await session.get(CatalogueItem, item.id)).stock == 0
    redeemed = (await session.exec(select(LedgerEntry).where(
        LedgerEntry.kind == LedgerKind.REDEEM))).all()
    assert len(redeemed) == 1
    for m in members:
        assert await pts.balance(session, m.id) == await pts.ledger_balance(
            session, m.id, 2026)


@time_machine.travel(NOV, tick=False)
async def test_redeem_deliver_and_reverse(session: AsyncSession) -> None:
    """兑换 → pending order; 冲正 of a pending order cancels it and restocks; 发放 only once."""
    branch, (zhang, li, _), item = await _setup(session, "12", "5", 3)
    item_id, zhang_id, branch_id = item.id, zhang.id, branch.id
    order, left_item, left = await pts.redeem(session, member=zhang, item_id=item.id)
    await session.commit()
    assert (order.status, left_item.stock, left) == (OrderStatus.PENDING, 2, D(7))
    second, _, _ = await pts.redeem(session, member=li, item_id=item.id)
    await session.commit()
    assert [(o.id, n) for o, n in await pts.pending_orders(session, branch.id)] == [
        (order.id, "张三"), (second.id, "李四")]
    await pts.reverse(session, branch_id=branch.id, entry_id=order.entry_id, reason="不要了",
                          operator=None, operator_name="王书记")
    await session.commit()
    done, member = await pts.deliver(session, branch_id=branch.id, order_id=second.id, by="王书记")
    await session.commit()
    assert (done.status, member.name) == (OrderStatus.DELIVERED, "李四")
    with pytest.raises(Conflict, match="已经发放过了"):
        await pts.deliver(session, branch_id=branch.id, order_id=second.id, by="王书记")
    with pytest.raises(Conflict, match="已冲正取消"):
        await pts.deliver(session, branch_id=branch.id, order_id=order.id, by="王书记")
    with pytest.raises(Conflict, match="已发放，不能冲正"):
        await pts.reverse(session, branch_id=branch.id, entry_id=second.entry_id,
                              reason="x", operator=None, operator_name="王书记")
    await session.rollback()
    session.expunge_all()
    assert (await session.get(CatalogueItem, item_id)).stock == 2
    assert await pts.balance(session, zhang_id) == D(12)
    assert await pts.pending_orders(session, branch_id) == []


@time_machine.travel(NOV, tick=False)
async def test_removed_and_foreign_items(session: AsyncSession) -> None:
    """下架 items and another branch's items cannot be redeemed; nothing is written."""
    branch, (zhang, *_), item = await _setup(session, "10", "5", None)
    other = await make_branch(session, "第二支部", group_id=None)
    foreign = await pts.add_item(session, branch_id=other.id, name="茶叶", cost=D(1), stock=None)
    await pts.remove_item(session, branch_id=branch.id, item_id=item.id)
    await session.commit()
    for item_id in (item.id, foreign.id, 999):
        with pytest.raises(NotFound, match=f"兑换列表里没有#{item_id}"):
            await pts.redeem(session, member=zhang, item_id=item_id)
    assert await pts.catalogue(session, branch.id) == []
    assert (await session.exec(select(RedemptionOrder))).all() == []


async def _approve(branch_id: int, proposal_id: int) -> str:
    async with db_engine.session_factory()() as s:
        try:
            await pts.approve(s, branch_id=branch_id, proposal_id=proposal_id, operator=None,
                                 operator_name="王书记")
            await s.commit()
            return "ok"
        except Conflict as error:
            await s.rollback()
            return error.message


async def _award_one(member_id: int, delta: str) -> None:
    from db.models import Member

    async with db_engine.session_factory()() as s:
        member = await s.get(Member, member_id)
        await pts.award(s, member=member, delta=D(delta), kind=LedgerKind.STUDY, reason="签到")
        await s.commit()


@time_machine.travel(NOV, tick=False)
async def test_concurrent_awards_and_approvals(session: AsyncSession) -> None:
    """Twenty awards at once keep the cached balance exact; two 批准 at once award once."""
    from core.roles import Role
    branch = await make_branch(session)
    zhang = await make_member(session, branch, "张三")
    proposal = await pts.adjust(session, member=zhang, delta=D(3), reason="组织学习",
                                   role=Role.COMMITTEE, operator=None, operator_name="赵委员")
    await session.commit()
    ids = zhang.id, branch.id, proposal.id
    await asyncio.gather(*[_award_one(ids[0], "1.5") for _ in range(20)])
    results = await asyncio.gather(_approve(ids[1], ids[2]), _approve(ids[1], ids[2]))
    assert sorted(results) == ["ok", "积分申请#1 已经批准过了。"]
    session.expunge_all()
    assert await pts.balance(session, ids[0]) == D(33)
    assert await pts.ledger_balance(session, ids[0], 2026) == D(33)


async def _reverse(branch_id: int, entry_id: int) -> str:
    async with db_engine.session_factory()() as s:
        try:
            await pts.reverse(s, branch_id=branch_id, entry_id=entry_id, reason="不要了",
                                      operator=None, operator_name="王书记")
            await s.commit()
            return "ok"
        except Conflict as error:
            await s.rollback()
            return error.message


@time_machine.travel(NOV, tick=False)
async def test_reverse_while_redeeming_same_item(session: AsyncSession) -> None:
    """冲正 of a 兑换 racing new 兑换 of the same item by the same member: no deadlock, cache exact."""
    branch, (zhang, *_), item = await _setup(session, "20", "5", 3)
    order, _, _ = await pts.redeem(session, member=zhang, item_id=item.id)
    await session.commit()
    ids = branch.id, zhang.id, item.id, order.entry_id
    results = await asyncio.gather(_reverse(ids[0], ids[3]), _try_redeem(ids[1], ids[2]),
                                   _try_redeem(ids[1], ids[2]), _reverse(ids[0], ids[3]))
    assert results.count(f"#{ids[3]} 已经冲正过了，不能重复冲正。") == 1
    assert sum(r.startswith("ok") for r in results) == 3
    session.expunge_all()
    assert await pts.balance(session, ids[1]) == await pts.ledger_balance(session, ids[1], 2026)
    assert (await session.get(CatalogueItem, ids[2])).stock == 1
    assert await pts.balance(session, ids[1]) == D(10)
