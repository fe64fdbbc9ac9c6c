"""Quarters (Beijing boundary, late 公示 of a closed quarter), award precision, and concurrent writes."""

import asyncio
from datetime import UTC, datetime
from decimal import Decimal

import time_machine
from sqlmodel.ext.asyncio.session import AsyncSession

from db import engine as db_engine
from db.models import LedgerKind, QuarterPublication
from domain import points
from tests.factories import make_branch, make_member

D = Decimal


async def test_beijing_quarter_boundary(session: AsyncSession) -> None:
    """30 Sep 15:59 UTC is still Q3 in Beijing; 16:00 UTC is 1 October, Q4 (same cycle)."""
    branch = await make_branch(session)
    zhang = await make_member(session, branch, "张三")
    made = []
    for moment in (datetime(2026, 9, 30, 15, 59, 59, tzinfo=UTC), datetime(2026, 9, 30, 16, tzinfo=UTC)):
        with time_machine.travel(moment, tick=False):
            made.append(await points.award(session, member=zhang, delta=D(1),
                                            kind=LedgerKind.STUDY, reason="学习"))
    await session.commit()
    assert [(e.cycle, e.quarter) for e in made] == [(2026, "2026Q3"), (2026, "2026Q4")]
    with time_machine.travel(datetime(2026, 10, 5, tzinfo=UTC), tick=False):
        q3 = await points.quarter_ranking(session, branch.id, "2026Q3")
    assert [(p.name, p.total) for p in q3] == [("张三", D(1))]


async def test_publishing_a_quarter_closed_unpublished_does_not_reopen_it(session: AsyncSession) -> None:
    """2026Q2 closed when Q3 ended; 积分公示 2026Q2 in November shows it 已结算 and changes nothing."""
    branch = await make_branch(session)
    zhang = await make_member(session, branch, "张三")
    with time_machine.travel(datetime(2026, 5, 10, 2, tzinfo=UTC), tick=False):
        entry = await points.award(session, member=zhang, delta=D(4), kind=LedgerKind.BONUS,
                                    reason="测试")
        await session.commit()
    with time_machine.travel(datetime(2026, 11, 20, 2, tzinfo=UTC), tick=False):
        pub = await points.publish(session, branch_id=branch.id, quarter="2026Q2", by="王书记",
                                    objection_days=7)
        await session.commit()
        assert pub.closed
        assert pub.deadline == datetime(2026, 9, 30, 16, tzinfo=UTC)
        assert [(p.name, p.total) for p in pub.places] == [("张三", D(4))]
        assert await session.get(QuarterPublication, (branch.id, "2026Q2")) is None
        assert await points.quarter_closed(session, branch.id, "2026Q2")
        _, reversal = await points.reverse(session, branch_id=branch.id, entry_id=entry.id,
                                                reason="录错", operator=None, operator_name="王书记")
    assert reversal.quarter == "2026Q4"


async def test_award_of_a_finer_amount_is_stored_as_shown(session: AsyncSession) -> None:
    """award(1.25) stores 1.3 (the ledger's 0.1 scale): entries, cache and ledger sum agree, any database."""
    branch = await make_branch(session)
    zhang = await make_member(session, branch, "张三")
    with time_machine.travel(datetime(2026, 11, 20, 2, tzinfo=UTC), tick=False):
        made = [await points.award(session, member=zhang, delta=D("1.25"), kind=LedgerKind.VOLUNTEER,
                                    reason="志愿服务") for _ in range(3)]
        await session.commit()
        for entry in made:
            await session.refresh(entry)
        assert [e.delta for e in made] == [D("1.3")] * 3
        assert await points.balance(session, zhang.id) == D("3.9")
        assert await points.ledger_balance(session, zhang.id, 2026) == D("3.9")


async def _publish(branch_id: int, by: str) -> bool:
    async with db_engine.session_factory()() as s:
        pub = await points.publish(s, branch_id=branch_id, quarter="2026Q3", by=by, objection_days=7)
        await s.commit()
        return not pub.closed


@time_machine.travel(datetime(2026, 10, 8, 2, tzinfo=UTC), tick=False)
async def test_two_publications_of_one_quarter_at_once(session: AsyncSession) -> None:
    """Two secretaries post 积分公示 2026Q3 at the same moment: both get the list, one row remains."""
    branch = await make_branch(session)
    await session.commit()
    assert await asyncio.gather(*[_publish(branch.id, n) for n in ("王书记", "李书记") * 2]) == [True] * 4
    session.expunge_all()
    row = await session.get(QuarterPublication, (branch.id, "2026Q3"))
    assert row.objection_deadline == datetime(2026, 10, 15, 16, tzinfo=UTC)


async def _set_rules(branch_id: int, changes: dict[str, Decimal]) -> None:
    async with db_engine.session_factory()() as s:
        await points.set_rules(s, branch_id, changes, "王书记")
        await s.commit()


async def test_two_rule_changes_at_once(session: AsyncSession) -> None:
    """设置积分规则 twice at the same moment: both stored, no duplicate-key error."""
    branch = await make_branch(session)
    await session.commit()
    await asyncio.gather(_set_rules(branch.id, {"signin_on_time": D(3)}),
                         _set_rules(branch.id, {"signin_on_time": D(3), "signin_late": D(0)}))
    assert await points.rule(session, branch.id, "signin_on_time") == D(3)
    assert await points.rule(session, branch.id, "signin_late") == D(0)
