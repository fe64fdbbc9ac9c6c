"""Volunteer rules on a real database (SQLite and PostgreSQL)."""

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core.errors import Conflict, NotFound
from db import engine as db_engine
from db.models import (
    Branch,
    Claim,
    ClaimStatus,
    HealthCategory,
    LedgerEntry,
    LedgerKind,
    Member,
    MemberStatus,
    Need,
    NeedStatus,
    Suitability,
)
from domain import volunteer
from tests.factories import make_branch, make_member

NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)  # Wednesday 10:00 Beijing
START = datetime(2026, 11, 28, 1, 0, tzinfo=UTC)  # Saturday 09:00 Beijing
END = START + timedelta(hours=2)


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


async def _need(session: AsyncSession, branch: Branch, capacity: int = 3, *,
                suits: Suitability = Suitability.NORMAL, per_hour: Decimal | None = None,
                per_person: Decimal | None = Decimal("2")) -> Need:
    draft = volunteer.NeedDraft(title="文明劝导", starts_at=START, ends_at=END, place="枣行社区",
                      capacity=capacity, points_per_person=None if per_hour else per_person,
                      points_per_hour=per_hour, suits=suits)
    need = await volunteer.post_need(session, branch_id=branch.id, draft=draft, created_by=None)
    await session.commit()
    return need


async def _members(session: AsyncSession, branch: Branch, count: int) -> list[Member]:
    return [await make_member(session, branch, f"成员{i:02d}") for i in range(1, count + 1)]


async def _claim(session: AsyncSession, need: Need, member: Member) -> volunteer.ClaimResult:
    result = await volunteer.claim_need(session, branch_id=need.branch_id, need_id=need.id,
                                      member=member)
    await session.commit()
    return result


async def _states(session: AsyncSession, need_id: int) -> list[tuple[str, str]]:
    stmt = (select(Member.name, Claim.status).join(Claim, col(Claim.member_id) == col(Member.id))
            .where(Claim.need_id == need_id).order_by(col(Claim.queued_at), col(Claim.id)))
    return [(name, status) for name, status in (await session.exec(stmt)).all()]


async def test_post_without_points_uses_branch_rule(session: AsyncSession) -> None:
    """A need posted without 积分 gets the branch's volunteer_per_need (2 by default)."""
    branch = await make_branch(session)
    draft = volunteer.NeedDraft(title="清扫", starts_at=START, ends_at=END, place="社区", capacity=2)
    need = await volunteer.post_need(session, branch_id=branch.id, draft=draft, created_by=None)
    await session.commit()
    row = await session.get(Need, need.id)
    assert (row.points_per_person, row.points_per_hour, row.claimed, row.status) == (
        Decimal("2"), None, 0, NeedStatus.OPEN)


async def test_claim_then_waitlist_and_same_member_twice(session: AsyncSession) -> None:
    """Places fill, the next one waits with a position, and claiming again changes nothing."""
    branch = await make_branch(session)
    need = await _need(session, branch, capacity=1)
    zhang, li = await _members(session, branch, 2)
    first = await _claim(session, need, zhang)
    again = await _claim(session, need, zhang)
    waiting = await _claim(session, need, li)
    assert (first.position, first.already, again.already, again.position) == (None, False, True, None)
    assert (waiting.position, waiting.need.claimed) == (1, 1)
    assert await _states(session, need.id) == [("成员01", "claimed"), ("成员02", "waitlist")]


async def test_category_refused_with_reason(session: AsyncSession) -> None:
    """适当参加 members cannot take 正常活动 needs; 不限 takes everyone."""
    branch = await make_branch(session)
    need = await _need(session, branch)
    open_to_all = await _need(session, branch, suits=Suitability.ANY)
    frail = await make_member(session, branch, "李四", category=HealthCategory.LIMITED)
    with pytest.raises(Conflict) as caught:
        await volunteer.claim_need(session, branch_id=branch.id, need_id=need.id, member=frail)
    assert caught.value.reply == (
        "#1 文明劝导 适合“正常活动”的同志，按您登记的身体情况，这次就不安排了。"
        "可发送“需求列表”看看其他需求。")
    result = await _claim(session, open_to_all, frail)
    assert (result.position, result.need.claimed) == (None, 1)


async def test_claims_close_at_start_and_closed_needs_refuse(session: AsyncSession) -> None:
    """At the start minute claims stop; cancelled or completed needs cannot be claimed."""
    branch = await make_branch(session)
    need = await _need(session, branch)
    cancelled = await _need(session, branch)
    zhang = await make_member(session, branch, "张三")
    await volunteer.cancel_need(session, branch_id=branch.id, need_id=cancelled.id, reason=None)
    await session.commit()
    with pytest.raises(Conflict, match="已取消"):
        await volunteer.claim_need(session, branch_id=branch.id, need_id=cancelled.id, member=zhang)
    with time_machine.travel(START - timedelta(seconds=1), tick=False):
        assert (await _claim(session, need, zhang)).position is None
    other = await make_member(session, branch, "王五")
    with time_machine.travel(START, tick=False), pytest.raises(Conflict) as caught:
        await volunteer.claim_need(session, branch_id=branch.id, need_id=need.id, member=other)
    assert caught.value.reply == "#1 文明劝导 已经开始（11月28日 09:00），认领已截止。"


async def test_post_per_hour_without_rate_uses_branch_rule(session: AsyncSession) -> None:
    """`每小时` without a number gets the branch's volunteer_per_hour (1 by default)."""
    branch = await make_branch(session)
    draft = volunteer.NeedDraft(title="清扫", starts_at=START, ends_at=END, place="社区", capacity=2,
                      hourly=True)
    need = await volunteer.post_need(session, branch_id=branch.id, draft=draft, created_by=None)
    await session.commit()
    row = await session.get(Need, need.id)
    assert (row.points_per_person, row.points_per_hour) == (None, Decimal("1"))


async def test_inactive_member_cannot_claim(session: AsyncSession) -> None:
    """A 停用 member (moved away) is not signed up, not even by 代认领."""
    branch = await make_branch(session)
    need = await _need(session, branch)
    gone = await make_member(session, branch, "钱七")
    gone.status = MemberStatus.INACTIVE
    session.add(gone)
    await session.commit()
    with pytest.raises(Conflict) as refused:
        await volunteer.claim_need(session, branch_id=branch.id, need_id=need.id, member=gone)
    assert refused.value.reply == "钱七 已停用，不能认领。如需恢复，请书记发送“启用成员 钱七”。"
    assert await _states(session, need.id) == []


async def test_huge_need_number_is_not_found(session: AsyncSession) -> None:
    """`认领 #99999999999999999999` is a need that does not exist, not a database overflow."""
    branch = await make_branch(session)
    zhang = await make_member(session, branch, "张三")
    for need_id in (2**31, 10**22):
        with pytest.raises(NotFound):
            await volunteer.claim_need(session, branch_id=branch.id, need_id=need_id, member=zhang)


async def test_need_of_another_branch_is_not_found(session: AsyncSession) -> None:
    """Isolation: #N of another branch does not exist here."""
    mine = await make_branch(session)
    other = await make_branch(session, "第二支部", group_id=None)
    need = await _need(session, other)
    zhang = await make_member(session, mine, "张三")
    with pytest.raises(NotFound):
        await volunteer.claim_need(session, branch_id=mine.id, need_id=need.id, member=zhang)


async def test_twenty_members_claim_three_places_at_once(db_url: str, session: AsyncSession) -> None:
    """20 simultaneous claims on 3 places: exactly 3 claims and 17 waitlist places in arrival order."""
    branch = await make_branch(session)
    need = await _need(session, branch, capacity=3)
    members = await _members(session, branch, 20)

    async def claim(member_id: int) -> tuple[int, int | None]:
        async with db_engine.session_factory()() as own:
            member = await own.get(Member, member_id)
            result = await volunteer.claim_need(own, branch_id=branch.id, need_id=need.id,
                                              member=member)
            await own.commit()
            return result.claim.id, result.position

    told = dict(await asyncio.gather(*(claim(m.id) for m in members)))
    await session.refresh(need)
    claims = (await session.exec(select(Claim).where(Claim.need_id == need.id).order_by(
        col(Claim.queued_at), col(Claim.id)))).all()
    assert need.claimed == 3
    assert [c.status for c in claims] == [ClaimStatus.CLAIMED] * 3 + [ClaimStatus.WAITLIST] * 17
    # Each waiting member was told the position they really hold, in arrival order.
    assert [told[c.id] for c in claims] == [None] * 3 + list(range(1, 18))


async def test_same_member_claiming_twice_at_once_has_one_claim(db_url: str,
                                                               session: AsyncSession) -> None:
    """Two simultaneous 认领 from one member: one claim row, one place."""
    branch = await make_branch(session)
    need = await _need(session, branch, capacity=3)
    zhang = await make_member(session, branch, "张三")

    async def claim() -> bool:
        async with db_engine.session_factory()() as own:
            member = await own.get(Member, zhang.id)
            result = await volunteer.claim_need(own, branch_id=branch.id, need_id=need.id,
                                              member=member)
            await own.commit()
            return result.already

    assert sorted(await asyncio.gather(claim(), claim())) == [False, True]
    await session.refresh(need)
    assert need.claimed == 1
    assert await _states(session, need.id) == [("张三", "claimed")]


async def test_database_refuses_claimed_above_capacity(session: AsyncSession) -> None:
    """The CHECK constraint is the last line: claimed can never exceed capacity."""
    branch = await make_branch(session)
    need = await _need(session, branch, capacity=1)
    with pytest.raises(IntegrityError):
        await session.exec(update(Need).where(col(Need.id) == need.id).values(claimed=2))
        await session.flush()


async def test_cancel_claim_promotes_first_waitlisted(session: AsyncSession) -> None:
    """取消认领 frees the place for the first on the waitlist; the second moves up to 第1位."""
    branch = await make_branch(session)
    need = await _need(session, branch, capacity=1)
    a, b, c = await _members(session, branch, 3)
    for member in (a, b, c):
        await _claim(session, need, member)
    result = await volunteer.cancel_claim(session, branch_id=branch.id, need_id=need.id, member=a)
    await session.commit()
    assert (result.had_place, [m.name for m in result.promoted], result.need.claimed) == (
        True, ["成员02"], 1)
    rows = await volunteer.my_claims(session, member=c)
    assert [(r.need.id, r.position) for r in rows] == [(need.id, 1)]
    # Re-claiming after cancelling goes to the back of the line.
    again = await _claim(session, need, a)
    assert again.position == 2
    assert await _states(session, need.id) == [
        ("成员02", "claimed"), ("成员03", "waitlist"), ("成员01", "waitlist")]


async def test_cancel_claim_refused_after_start(session: AsyncSession) -> None:
    """Claims can be given up only until the start."""
    branch = await make_branch(session)
    need = await _need(session, branch)
    zhang = await make_member(session, branch, "张三")
    await _claim(session, need, zhang)
    with time_machine.travel(START, tick=False), pytest.raises(Conflict) as caught:
        await volunteer.cancel_claim(session, branch_id=branch.id, need_id=need.id, member=zhang)
    assert caught.value.reply == (
        "#1 文明劝导 已经开始（11月28日 09:00），不能再取消了。如去不了，请告诉书记。")


async def test_lowering_capacity_moves_latest_claims_to_waitlist(session: AsyncSession) -> None:
    """修改名额 5→2 with 4 claims and 1 waiting: the 2 latest claims head the waitlist, in order."""
    branch = await make_branch(session)
    need = await _need(session, branch, capacity=4)
    members = await _members(session, branch, 5)
    for member in members:
        await _claim(session, need, member)
    result = await volunteer.set_capacity(session, branch_id=branch.id, need_id=need.id, capacity=2)
    await session.commit()
    assert [(m.name, pos) for m, pos in result.demoted] == [("成员03", 1), ("成员04", 2)]
    assert (result.old_capacity, result.need.capacity, result.need.claimed, result.promoted) == (
        4, 2, 2, [])
    assert await _states(session, need.id) == [
        ("成员01", "claimed"), ("成员02", "claimed"), ("成员03", "waitlist"),
        ("成员04", "waitlist"), ("成员05", "waitlist")]
    raised = await volunteer.set_capacity(session, branch_id=branch.id, need_id=need.id, capacity=3)
    await session.commit()
    assert ([m.name for m in raised.promoted], raised.need.claimed) == (["成员03"], 3)


async def test_complete_awards_per_person_in_one_go(session: AsyncSession) -> None:
    """完成需求 after the start: each claimant not absent earns the per-person points."""
    branch = await make_branch(session)
    need = await _need(session, branch, capacity=3)
    a, b, c, d = await _members(session, branch, 4)
    for member in (a, b, c, d):
        await _claim(session, need, member)
    with time_machine.travel(START + timedelta(minutes=30), tick=False):
        absent = await volunteer.mark_absent(session, branch_id=branch.id, need_id=need.id, member=b)
        await session.commit()
        assert (absent.need.claimed, absent.promoted) == (2, [])  # no promotion after the start
        done = await volunteer.complete_need(session, branch_id=branch.id, need_id=need.id,
                                           hours=None, operator=None, operator_name="王书记")
        await session.commit()
    assert ([m.name for m in done.people], [m.name for m in done.absent]) == (
        ["成员01", "成员03"], ["成员02"])
    assert (done.hours, done.each, done.total) == (Decimal("2"), Decimal("2"), Decimal("4"))
    claims = {c.member_id: c.id for c in (await session.exec(select(Claim))).all()}
    entries = (await session.exec(select(LedgerEntry).order_by(col(LedgerEntry.id)))).all()
    assert [(e.member_id, e.delta, e.kind, e.source, e.operator_name) for e in entries] == [
        (a.id, Decimal("2"), LedgerKind.VOLUNTEER, f"volunteer:{claims[a.id]}", "王书记"),
        (c.id, Decimal("2"), LedgerKind.VOLUNTEER, f"volunteer:{claims[c.id]}", "王书记")]
    row = await session.get(Need, need.id)
    assert (row.status, row.hours, row.completed_at) == (
        NeedStatus.COMPLETED, Decimal("2"), START + timedelta(minutes=30))
    with pytest.raises(Conflict, match="已经完成"):
        await volunteer.complete_need(session, branch_id=branch.id, need_id=need.id, hours=None,
                                    operator=None)


async def test_complete_per_hour_and_not_before_start(session: AsyncSession) -> None:
    """Per-hour needs pay hours × rate; completing before the start is refused."""
    branch = await make_branch(session)
    need = await _need(session, branch, per_hour=Decimal("1"))
    zhang = await make_member(session, branch, "张三")
    await _claim(session, need, zhang)
    with pytest.raises(Conflict) as caught:
        await volunteer.complete_need(session, branch_id=branch.id, need_id=need.id, hours=None,
                                    operator=None)
    assert caught.value.reply == "#1 文明劝导 还没开始（11月28日 09:00），开始后才能完成。"
    with time_machine.travel(END, tick=False):
        done = await volunteer.complete_need(session, branch_id=branch.id, need_id=need.id,
                                           hours=Decimal("2.5"), operator=None)
        await session.commit()
    assert (done.each, done.total) == (Decimal("2.5"), Decimal("2.5"))
    entry = (await session.exec(select(LedgerEntry))).one()
    assert (entry.member_id, entry.delta, entry.reason) == (zhang.id, Decimal("2.5"), "志愿服务#1 文明劝导")


async def test_absent_before_start_promotes(session: AsyncSession) -> None:
    """缺勤 before the start frees the place for the waitlist; a waitlisted member cannot be absent."""
    branch = await make_branch(session)
    need = await _need(session, branch, capacity=1)
    a, b, c = await _members(session, branch, 3)
    for member in (a, b, c):
        await _claim(session, need, member)
    with pytest.raises(Conflict, match="只是候补"):
        await volunteer.mark_absent(session, branch_id=branch.id, need_id=need.id, member=c)
    result = await volunteer.mark_absent(session, branch_id=branch.id, need_id=need.id, member=a)
    await session.commit()
    assert ([m.name for m in result.promoted], result.need.claimed) == (["成员02"], 1)
    with pytest.raises(Conflict, match="缺勤"):
        await volunteer.claim_need(session, branch_id=branch.id, need_id=need.id, member=a)


async def test_cancel_need_lists_people_and_open_needs(session: AsyncSession) -> None:
    """取消需求 returns who to tell; the list shows only open needs, soonest first."""
    branch = await make_branch(session)
    need = await _need(session, branch, capacity=1)
    later = await _need(session, branch)
    a, b = await _members(session, branch, 2)
    await _claim(session, need, a)
    await _claim(session, need, b)
    people = await volunteer.cancel_need(session, branch_id=branch.id, need_id=need.id, reason="下雨")
    await session.commit()
    assert ([m.name for m in people.claimed], [m.name for m in people.waiting]) == (
        ["成员01"], ["成员02"])
    assert (people.need.status, people.need.status_reason) == (NeedStatus.CANCELLED, "下雨")
    assert [n.id for n in await volunteer.open_needs(session, branch_id=branch.id)] == [later.id]
    assert await volunteer.my_claims(session, member=a) == []


def test_default_hours_from_posted_times() -> None:
    """9:00–11:00 is 2 hours."""
    assert volunteer.default_hours(START, END) == Decimal("2")
