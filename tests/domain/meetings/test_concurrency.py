"""50 members typing 签到 in the same second: each recorded once, in order, without error."""

import asyncio
from datetime import timedelta

from sqlmodel import col, select

from core import timeutil
from db import engine as db_engine
from db.models import Attendance, LedgerEntry, StudySession
from plugins.signin import service
from tests.factories import make_branch, make_member

N = 50


async def test_fifty_simultaneous_sign_ins(db_url: str) -> None:
    """Every sign-in gets a distinct 第N位 1..50 in commit order, one row and one ledger entry."""
    async with db_engine.session_factory()() as session:
        branch = await make_branch(session)
        members = [await make_member(session, branch, f"党员{i:02d}") for i in range(N)]
        study = await service.schedule_session(session, branch_id=branch.id,
                                               starts_at=timeutil.now() + timedelta(minutes=5),
                                               title="集中学习")
        await session.commit()

    async def one(member_id: int) -> int:
        async with db_engine.session_factory()() as session:
            member = await session.get(type(members[0]), member_id)
            result = await service.sign_in(session, branch_id=branch.id, member=member)
            await session.commit()
            return result.attendance.seq

    seqs = await asyncio.gather(*(one(m.id) for m in members))
    again = await asyncio.gather(*(one(m.id) for m in members[:10]))

    assert sorted(seqs) == list(range(1, N + 1))
    assert again == [seqs[i] for i in range(10)]
    async with db_engine.session_factory()() as session:
        rows = (await session.exec(select(Attendance).order_by(col(Attendance.seq)))).all()
        ledger = (await session.exec(select(LedgerEntry))).all()
        count = (await session.get(StudySession, study.id)).signin_count
    assert count == N
    assert [a.seq for a in rows] == list(range(1, N + 1))
    assert len({a.member_id for a in rows}) == N
    # In order: a later 第N位 was never written or dated before an earlier one.
    assert [a.id for a in rows] == sorted(a.id for a in rows)
    assert [a.signed_at for a in rows] == sorted(a.signed_at for a in rows)
    assert sorted(e.source for e in ledger) == sorted(f"signin:{a.id}" for a in rows)
