"""A 签到's ledger entry is dated at the sign-in, on every path and both databases (PostgreSQL
writes a new sign-in and its entry in one statement; the other paths award after the row)."""

from datetime import timedelta

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from core import timeutil
from db.models import LedgerEntry, Member
from domain import meetings
from tests.factories import make_branch, make_member


async def test_the_entry_is_dated_at_the_sign_in(db: AsyncSession) -> None:
    """A new 签到, and one of a member on leave (the leave row becomes the sign-in): each entry's
    time is its row's sign-in time to the microsecond (the clock runs: nothing is frozen)."""
    branch = await make_branch(db)
    zhang, li = await make_member(db, branch, "张三"), await make_member(db, branch, "李四")
    await meetings.schedule_meeting(db, branch_id=branch.id, title="集中学习",
                                    starts_at=timeutil.now() + timedelta(minutes=5))
    await db.commit()
    await meetings.take_leave(db, branch_id=branch.id, member=li, reason="看病")
    await db.commit()
    signed = []
    for member in (zhang, li):
        fresh = await db.get(Member, member.id)
        assert fresh is not None
        signed.append(await meetings.sign_in(db, branch_id=branch.id, member=fresh))
        await db.commit()
    entries = {e.source: e for e in (await db.exec(select(LedgerEntry))).all()}
    for done in signed:
        entry = entries[f"signin:{done.attendance.id}"]
        assert entry.created_at == done.attendance.signed_at, done.member.name
