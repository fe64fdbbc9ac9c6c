"""50 members typing 签到 in the same second: each recorded once, in order, without error."""

import asyncio
from datetime import timedelta

from sqlmodel import col, select

from core import timeutil
from db import engine as db_engine
from db.models import Attendance, LedgerEntry, StudySession
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
