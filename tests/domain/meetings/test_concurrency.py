"""签到 (and 请假) by many members in the same second: each recorded once, in order, without error."""

import asyncio
from datetime import timedelta

import pytest
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core import timeutil
from core.errors import Conflict
from db import engine as db_engine
from db.models import Attendance, AttendanceStatus, LedgerEntry, Member, StudySession
from domain import meetings
from tests.factories import make_branch, make_member

N = 50


async def test_fifty_simultaneous_sign_ins(db_url: str) -> None:
    """Every sign-in gets a distinct 第N位 1..50 in commit order, one row and one ledger entry."""
    async with db_engine.session_factory()() as db:
        branch = await make_branch(db)
        members = [await make_member(db, branch, f"党员{i:02d}") for i in range(N)]
        study = await meetings.schedule_meeting(db, branch_id=branch.id,
                                               starts_at=timeutil.now() + timedelta(minutes=5),
                                               title="集中学习")
        await db.commit()

    async def one(member_id: int) -> int:
        async with db_engine.session_factory()() as db:
            member = await db.get(type(members[0]), member_id)
            result = await meetings.sign_in(db, branch_id=branch.id, member=member)
            await db.commit()
            return result.attendance.seq

    seqs = await asyncio.gather(*(one(m.id) for m in members))
    again = await asyncio.gather(*(one(m.id) for m in members[:10]))

    assert sorted(seqs) == list(range(1, N + 1))
    assert again == [seqs[i] for i in range(10)]
    async with db_engine.session_factory()() as db:
        rows = (await db.exec(select(Attendance).order_by(col(Attendance.seq)))).all()
        ledger = (await db.exec(select(LedgerEntry))).all()
        count = (await db.get(StudySession, study.id)).signin_count
    assert count == N
    assert [a.seq for a in rows] == list(range(1, N + 1))
    assert len({a.member_id for a in rows}) == N
    # In order: a later 第N位 is never dated before an earlier one. (Row ids are not in 第N位
    # order: rows are inserted concurrently and take their number last, just before the commit.)
    assert [a.signed_at for a in rows] == sorted(a.signed_at for a in rows)
    assert sorted(e.source for e in ledger) == sorted(f"signin:{a.id}" for a in rows)


async def _open_meeting_with(names: list[str]) -> tuple[int, list[int]]:
    async with db_engine.session_factory()() as db:
        branch = await make_branch(db)
        members = [await make_member(db, branch, name) for name in names]
        await meetings.schedule_meeting(db, branch_id=branch.id, title="集中学习",
                                        starts_at=timeutil.now() + timedelta(minutes=5))
        await db.commit()
        return branch.id, [m.id for m in members]


async def _sign_in(db: AsyncSession, branch_id: int, member_id: int) -> meetings.SignIn:
    return await meetings.sign_in(db, branch_id=branch_id, member=await db.get(Member, member_id))


async def _leave(db: AsyncSession, branch_id: int, member_id: int, reason: str) -> Attendance:
    _, row = await meetings.take_leave(db, branch_id=branch_id, member=await db.get(Member, member_id),
                                       reason=reason)
    return row


async def _rows() -> dict[int, Attendance]:
    async with db_engine.session_factory()() as db:
        return {a.member_id: a for a in (await db.exec(select(Attendance))).all()}


async def test_leave_waiting_for_an_uncommitted_sign_in_is_refused(db_url: str) -> None:
    """A member on leave signs in after all; a second 请假 arrives while that sign-in is not yet
    committed (PostgreSQL: it waits on the row; SQLite: on the write lock). The 请假 is refused
    and leaves the sign-in as it was: the refusal is the database's, against the committed row."""
    branch_id, (member_id,) = await _open_meeting_with(["张三"])
    async with db_engine.session_factory()() as db:
        await _leave(db, branch_id, member_id, "看病")
        await db.commit()
    async with db_engine.session_factory()() as signing, db_engine.session_factory()() as leaving:
        signed = await _sign_in(signing, branch_id, member_id)
        later = asyncio.create_task(_leave(leaving, branch_id, member_id, "又有事"))
        await asyncio.sleep(0.3)
        await signing.commit()
        with pytest.raises(Conflict, match=r"^您已签到（\d\d:\d\d），不用请假了。$"):
            await later
    row = (await _rows())[member_id]
    assert (row.status, row.seq, row.reason, row.proxy_by, row.signed_at) == (
        AttendanceStatus.PRESENT, 1, None, None, signed.attendance.signed_at)


async def test_sign_in_and_leave_of_one_member_at_once(db_url: str) -> None:
    """Ten members each send 签到 and 请假 in the same instant, half of them on leave already: every
    sign-in stands (第N位 1..10, no reason kept); each 请假 was refused, or came first and was
    turned into the sign-in."""
    names = [f"党员{i:02d}" for i in range(10)]
    branch_id, ids = await _open_meeting_with(names)
    for member_id in ids[:5]:
        async with db_engine.session_factory()() as db:
            await _leave(db, branch_id, member_id, "看病")
            await db.commit()

    async def sign_in(member_id: int) -> Attendance:
        async with db_engine.session_factory()() as db:
            done = await _sign_in(db, branch_id, member_id)
            await db.commit()
            assert not done.already
            return done.attendance

    async def leave(member_id: int) -> str:
        async with db_engine.session_factory()() as db:
            try:
                await _leave(db, branch_id, member_id, "又有事")
            except Conflict:
                return "refused"
            await db.commit()
            return "first"

    done = await asyncio.gather(*(call(m) for m in ids for call in (sign_in, leave)))
    signed, left = done[0::2], done[1::2]
    rows = await _rows()
    assert set(left) <= {"refused", "first"}
    assert sorted(rows[m].seq for m in ids) == list(range(1, 11))
    assert [(rows[m].status, rows[m].reason, rows[m].proxy_by, rows[m].signed_at) for m in ids] == [
        (AttendanceStatus.PRESENT, None, None, a.signed_at) for a in signed]


async def test_two_sign_ins_of_a_member_on_leave_at_once(db_url: str) -> None:
    """A member on leave came after all and taps 签到 twice (two messages): the second arrives
    while the first is not yet committed (PostgreSQL: it waits on the row; SQLite: on the write
    lock). One sign-in, one 第N位, one ledger entry; the second is told it was done already
    (before, both turned the leave row into a sign-in: two places, two awards)."""
    branch_id, ids = await _open_meeting_with(["张三", "李四"])
    member_id = ids[0]
    async with db_engine.session_factory()() as db:
        await _leave(db, branch_id, member_id, "看病")
        await db.commit()
    async with db_engine.session_factory()() as first, db_engine.session_factory()() as second:
        signed = await _sign_in(first, branch_id, member_id)
        again = asyncio.create_task(_sign_in(second, branch_id, member_id))
        await asyncio.sleep(0.3)
        await first.commit()
        repeated = await again
        await second.commit()
    assert (signed.already, repeated.already) == (False, True)
    async with db_engine.session_factory()() as db:
        entries = (await db.exec(select(LedgerEntry).where(LedgerEntry.member_id == member_id))).all()
        count = (await db.get(StudySession, signed.meeting.id)).signin_count
    row = (await _rows())[member_id]
    assert (row.status, row.seq, row.reason, count, len(entries)) == (
        AttendanceStatus.PRESENT, 1, None, 1, 1)


async def test_a_proxy_sign_in_and_a_named_members_own_at_once(db_url: str) -> None:
    """代签 甲 乙 arrives while 乙's own 签到 has written its row and not yet taken its 第N位 (the
    two halves of a 签到, run here with a pause between them). Before, on PostgreSQL, the 代签
    took 甲's place — the meeting row — and then waited on 乙's row, while 乙's 签到 waited on
    the meeting row: a deadlock, one of them refused. Now the 代签 writes every row first and
    takes the places last: 乙 signed in themself, 甲 by proxy, 第1–2位, one entry each."""
    from core.refs import PersonRef
    from domain.meetings import signin

    branch_id, (jia, yi, secretary) = await _open_meeting_with(["甲", "乙", "王书记"])
    async with db_engine.session_factory()() as own, db_engine.session_factory()() as proxy:
        meeting = await meetings.require_open(own, branch_id=branch_id)
        written = await signin._record(own, meeting, await own.get(Member, yi), None, None,
                                       place=False)

        async def proxy_both() -> meetings.ProxyResult:  # (SQLite: waits for the one connection)
            return await meetings.proxy_sign_in(
                proxy, branch_id=branch_id, platform="onebot",
                refs=[PersonRef(name="甲"), PersonRef(name="乙")],
                operator=await proxy.get(Member, secretary), operator_name="王书记")

        later = asyncio.create_task(proxy_both())
        await asyncio.sleep(0.3)
        await signin._place(own, written)
        await own.commit()
        done = await later
        await proxy.commit()
    assert [(d.member.name, d.already) for d in done.done] == [("甲", False), ("乙", True)]
    rows = await _rows()
    assert {(rows[m].seq, rows[m].proxy_by) for m in (jia, yi)} == {(1, None), (2, secretary)}
    assert rows[yi].proxy_by is None
    async with db_engine.session_factory()() as db:
        entries = (await db.exec(select(LedgerEntry))).all()
    assert sorted(e.member_id for e in entries) == sorted([jia, yi])
