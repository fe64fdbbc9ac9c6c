"""Points rules with a session alone: ledger, balances, ranks, rules, proposals, 冲正, quarters."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
import time_machine
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from core.errors import Conflict, InvalidInput, NotFound
from core.roles import Role
from db.models import (
    LedgerEntry,
    LedgerKind,
    Member,
    MemberStatus,
    PointsBalance,
    PointsProposal,
    ProposalStatus,
    QuarterPublication,
)
from domain import points
from tests.factories import make_branch, make_member

D = Decimal
NOV = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)


async def _award(session, member, delta, kind=LedgerKind.BONUS, reason="测试"):  # noqa: ANN001, ANN202
    entry = await points.award(session, member=member, delta=D(delta), kind=kind, reason=reason)
    await session.commit()
    return entry


@time_machine.travel(NOV, tick=False)
async def test_award_keeps_balance_and_breakdown(session: AsyncSession) -> None:
    """award() appends an entry and the cached balance follows; breakdown sums per kind."""
    branch = await make_branch(session)
    zhang = await make_member(session, branch, "张三")
    await _award(session, zhang, "2", LedgerKind.STUDY)
    await _award(session, zhang, "1.5", LedgerKind.VOLUNTEER)
    entry = await _award(session, zhang, "-1", LedgerKind.PENALTY)
    assert (entry.cycle, entry.quarter) == (2026, "2026Q4")
    assert await points.balance(session, zhang.id) == D("2.5")
    assert await points.breakdown(session, zhang.id, 2026) == {
        LedgerKind.STUDY: D(2), LedgerKind.VOLUNTEER: D("1.5"), LedgerKind.PENALTY: D(-1)}


async def test_beijing_new_year_boundary(session: AsyncSession) -> None:
    """2026-12-31 16:00 UTC is 2027-01-01 in Beijing: a new cycle, balance starts again."""
    branch = await make_branch(session)
    zhang = await make_member(session, branch, "张三")
    with time_machine.travel(datetime(2026, 12, 31, 15, 59, 59, tzinfo=UTC), tick=False):
        old = await _award(session, zhang, "5")
    with time_machine.travel(datetime(2026, 12, 31, 16, 0, tzinfo=UTC), tick=False):
        new = await _award(session, zhang, "2")
        assert await points.balance(session, zhang.id) == D(2)
        assert (await points.standing(session, zhang)).total == D(2)
    assert (old.cycle, old.quarter, new.cycle, new.quarter) == (2026, "2026Q4", 2027, "2027Q1")
    assert await points.balance(session, zhang.id, 2026) == D(5)


@time_machine.travel(NOV, tick=False)
async def test_rank_ties_and_inactive(session: AsyncSession) -> None:
    """第N名/共M人 among active members; ties share a place; members with nothing count as 0."""
    branch = await make_branch(session)
    a, b, c = [await make_member(session, branch, n) for n in ("甲", "乙", "丙")]
    gone = await make_member(session, branch, "丁")
    gone.status = MemberStatus.INACTIVE
    session.add(gone)
    await _award(session, a, "5")
    await _award(session, b, "5")
    await _award(session, gone, "9")
    assert [(s.rank, s.of) for s in [await points.standing(session, m) for m in (a, b, c)]] == [
        (1, 3), (1, 3), (3, 3)]
    places = await points.cycle_ranking(session, branch.id, 2026)
    assert [(p.rank, p.name, p.total) for p in places] == [(1, "甲", 5), (1, "乙", 5), (3, "丙", 0)]


@time_machine.travel(NOV, tick=False)
async def test_rules_default_and_override(session: AsyncSession) -> None:
    """rule() reads the branch's override; other branches keep the default; 0 turns a rule off."""
    branch = await make_branch(session)
    other = await make_branch(session, "第二支部", group_id=None)
    changes = {"signin_on_time": D(3), "signin_late": D(0), "suggestion_adopted": D(5)}
    await points.set_rules(session, branch.id, changes, "王书记")
    await session.commit()
    assert await points.rule(session, branch.id, "signin_on_time") == D(3)
    assert await points.rule(session, branch.id, "signin_late") == D(0)
    assert await points.rule(session, other.id, "signin_on_time") == D(2)
    assert (await points.rules(session, branch.id))["suggestion_adopted"] == (D(5), True)


@time_machine.travel(NOV, tick=False)
async def test_committee_proposal_approved_once(session: AsyncSession) -> None:
    """A committee member's 扣分 waits; 批准 writes it once; a second 批准 is refused."""
    branch = await make_branch(session)
    wang = await make_member(session, branch, "王委员", role=Role.COMMITTEE)
    zhang = await make_member(session, branch, "张三")
    zhang_id = zhang.id
    proposal = await points.adjust(session, member=zhang, delta=D(-2), reason="无故缺席",
                                   role=Role.COMMITTEE, operator=wang, operator_name="王委员")
    await session.commit()
    assert isinstance(proposal, PointsProposal)
    assert (await session.exec(select(LedgerEntry))).all() == []
    done, member = await points.approve(session, branch_id=branch.id, proposal_id=proposal.id,
                                        operator=None, operator_name="王书记")
    await session.commit()
    assert (done.status, member.name) == (ProposalStatus.APPROVED, "张三")
    with pytest.raises(Conflict, match="已经批准过了"):
        await points.approve(session, branch_id=branch.id, proposal_id=proposal.id, operator=None,
                             operator_name="王书记")
    await session.rollback()
    entries = (await session.exec(select(LedgerEntry))).all()
    assert [(e.delta, e.kind, e.reason) for e in entries] == [
        (D(-2), LedgerKind.PENALTY, "无故缺席（王委员提议，王书记批准）")]
    assert await points.balance(session, zhang_id) == D(-2)


@time_machine.travel(NOV, tick=False)
async def test_proposal_rejected_and_other_branch(session: AsyncSession) -> None:
    """驳回 needs a reason and writes nothing; another branch cannot see the proposal."""
    branch = await make_branch(session)
    other = await make_branch(session, "第二支部", group_id=None)
    zhang = await make_member(session, branch, "张三")
    proposal = await points.adjust(session, member=zhang, delta=D(3), reason="协助清扫",
                                   role=Role.COMMITTEE, operator=None, operator_name="王委员")
    await session.commit()
    branch_id, other_id, proposal_id = branch.id, other.id, proposal.id
    with pytest.raises(NotFound):
        await points.reject(session, branch_id=other_id, proposal_id=proposal_id, reason="不对",
                            operator_name="李书记")
    await session.rollback()
    with pytest.raises(InvalidInput, match="请写上原因"):
        await points.reject(session, branch_id=branch_id, proposal_id=proposal_id, reason=" ",
                            operator_name="王书记")
    done, _ = await points.reject(session, branch_id=branch_id, proposal_id=proposal_id,
                                  reason="已在上次计分", operator_name="王书记")
    await session.commit()
    assert (done.status, done.decision_reason) == (ProposalStatus.REJECTED, "已在上次计分")
    assert (await session.exec(select(LedgerEntry))).all() == []


async def test_reverse_open_and_closed_quarters(session: AsyncSession) -> None:
    """冲正 lands in the original quarter while open; after the 公示 deadline, in the current one."""
    branch = await make_branch(session)
    zhang = await make_member(session, branch, "张三")
    with time_machine.travel(datetime(2026, 9, 10, 2, tzinfo=UTC), tick=False):
        first = await _award(session, zhang, "4")
        second = await _award(session, zhang, "3")
    with time_machine.travel(datetime(2026, 10, 8, 2, tzinfo=UTC), tick=False):
        # Q3 ended but its 公示 objection window is open: the correction goes into Q3.
        await points.publish(session, branch_id=branch.id, quarter="2026Q3", by="王书记",
                              objection_days=7)
        _, early = await points.reverse(session, branch_id=branch.id, entry_id=first.id,
                                         reason="重复录入", operator=None, operator_name="王书记")
        await session.commit()
    row = await session.get(QuarterPublication, (branch.id, "2026Q3"))
    assert row.objection_deadline == datetime(2026, 10, 15, 16, tzinfo=UTC)
    with time_machine.travel(datetime(2026, 10, 15, 16, tzinfo=UTC), tick=False):
        assert await points.quarter_closed(session, branch.id, "2026Q3")
        _, late = await points.reverse(session, branch_id=branch.id, entry_id=second.id,
                                        reason="录错人", operator=None, operator_name="王书记")
        await session.commit()
        with pytest.raises(Conflict, match="已经冲正过了"):
            await points.reverse(session, branch_id=branch.id, entry_id=second.id,
                                  reason="再来", operator=None, operator_name="王书记")
        with pytest.raises(Conflict, match="本身是冲正记录"):
            await points.reverse(session, branch_id=branch.id, entry_id=late.id,
                                  reason="再来", operator=None, operator_name="王书记")
        with pytest.raises(NotFound):
            await points.reverse(session, branch_id=branch.id, entry_id=999, reason="x",
                                  operator=None, operator_name="王书记")
    assert (early.quarter, early.delta, early.reason) == ("2026Q3", D(-4), "冲正#1：重复录入")
    assert (late.quarter, late.delta) == ("2026Q4", D(-3))
    assert late.reason == "冲正#2：录错人（原记入2026Q3，该季度已结算）"
    assert await points.balance(session, zhang.id, 2026) == D(0)


async def test_unpublished_quarter_closes_after_next(session: AsyncSession) -> None:
    """A quarter never published stays open through the next quarter, then closes."""
    branch = await make_branch(session)
    with time_machine.travel(datetime(2026, 12, 31, 15, 59, tzinfo=UTC), tick=False):
        assert not await points.quarter_closed(session, branch.id, "2026Q3")
        assert not await points.quarter_closed(session, branch.id, "2026Q4")
    with time_machine.travel(datetime(2026, 12, 31, 16, 0, tzinfo=UTC), tick=False):
        assert await points.quarter_closed(session, branch.id, "2026Q3")
        assert not await points.quarter_closed(session, branch.id, "2026Q4")


@time_machine.travel(NOV, tick=False)
async def test_publication_sorted(session: AsyncSession) -> None:
    """积分公示 ranks every active member by the quarter's total (quarter words: tests/plugins)."""
    branch = await make_branch(session)
    _, b = await make_member(session, branch, "甲"), await make_member(session, branch, "乙")
    await _award(session, b, "3")
    pub = await points.publish(session, branch_id=branch.id, quarter="2026Q4", by="王书记",
                                objection_days=7)
    assert [(p.rank, p.name, p.total) for p in pub.places] == [(1, "乙", 3), (2, "甲", 0)]
    assert pub.deadline == datetime(2026, 11, 27, 16, tzinfo=UTC)


@time_machine.travel(NOV, tick=False)
async def test_ledger_rebuild_matches_cache(session: AsyncSession) -> None:
    """Rebuilding every balance from the ledger gives exactly the cached balances."""
    branch = await make_branch(session)
    members = [await make_member(session, branch, n) for n in ("甲", "乙", "丙")]
    for i, m in enumerate(members):
        for delta in ("2", "1.5", "-0.5"):
            await _award(session, m, D(delta) * (i + 1))
    e = await _award(session, members[0], "3")
    await points.reverse(session, branch_id=branch.id, entry_id=e.id, reason="错", operator=None,
                          operator_name="王书记")
    await session.commit()
    cached = {(r.member_id, r.cycle): r.balance for r in (await session.exec(select(PointsBalance)))}
    truth = {(m.id, 2026): await points.ledger_balance(session, m.id, 2026) for m in members}
    assert cached == truth == {(members[0].id, 2026): D(3), (members[1].id, 2026): D(6),
                               (members[2].id, 2026): D(9)}
    assert await points.rebuild_balances(session) == 3
    await session.commit()
    session.expunge_all()
    rebuilt = {(r.member_id, r.cycle): r.balance for r in (await session.exec(select(PointsBalance)))}
    assert rebuilt == truth


async def _all_balances(session: AsyncSession) -> dict[tuple[int, int], Decimal]:
    rows = (await session.exec(select(PointsBalance))).all()
    return {(r.member_id, r.cycle): Decimal(str(r.balance)) for r in rows if r.balance}


async def _ledger_sums(session: AsyncSession) -> dict[tuple[int, int], Decimal]:
    from sqlalchemy import func

    stmt = select(LedgerEntry.member_id, LedgerEntry.cycle, func.sum(LedgerEntry.delta)).group_by(
        LedgerEntry.member_id, LedgerEntry.cycle)
    return {(m, c): Decimal(str(v)) for m, c, v in (await session.exec(stmt)).all() if v}


async def test_every_balance_rebuilt_from_ledger_after_mixed_history(session: AsyncSession) -> None:
    """Awards, approvals, 兑换, 冲正 across quarters and the Beijing new year: cache == ledger."""
    import random


    rng = random.Random(3)
    branch = await make_branch(session)
    members = [await make_member(session, branch, f"成员{i}") for i in range(6)]
    item = await points.add_item(session, branch_id=branch.id, name="茶叶", cost=D(3), stock=50)
    await session.commit()
    branch_id, item_id, member_ids = branch.id, item.id, [m.id for m in members]
    entries: list[int] = []
    moments = [datetime(2026, m, 10, 2, tzinfo=UTC) for m in (3, 6, 9, 11)] + [
        datetime(2026, 12, 31, 15, 59, tzinfo=UTC), datetime(2026, 12, 31, 16, 0, tzinfo=UTC),
        datetime(2027, 1, 5, 2, tzinfo=UTC)]
    for moment in moments:
        with time_machine.travel(moment, tick=False):
            for _ in range(12):
                member = await session.get(Member, rng.choice(member_ids))
                action = rng.randrange(4)
                if action == 0 and entries:
                    try:
                        await points.reverse(session, branch_id=branch_id, entry_id=rng.choice(entries),
                                              reason="纠错", operator=None, operator_name="书记")
                    except Conflict:
                        await session.rollback()
                        continue
                elif action == 1:
                    try:
                        order, _, _ = await points.redeem(session, member=member, item_id=item_id)
                        entries.append(order.entry_id)
                    except Conflict:
                        await session.rollback()
                        continue
                else:
                    delta = D(rng.choice(["0.5", "1", "2", "3.5", "-1"]))
                    entry = await points.award(session, member=member, delta=delta,
                                                kind=LedgerKind.BONUS, reason="测试")
                    entries.append(entry.id)
                await session.commit()
    cached = await _all_balances(session)
    truth = await _ledger_sums(session)
    assert cached == truth
    assert {c for _, c in truth} == {2026, 2027}
    kinds = set((await session.exec(select(LedgerEntry.kind))).all())
    assert kinds == {LedgerKind.BONUS, LedgerKind.REDEEM, LedgerKind.REVERSAL}
    await points.rebuild_balances(session)
    await session.commit()
    session.expunge_all()
    assert await _all_balances(session) == truth
