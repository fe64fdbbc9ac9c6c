"""Forgetting meeting tallies (db.models.MeetingTally): the writers that can change a closed
meeting's 应到/实到 — 补签 (domain.meetings) and a member's status or category (domain.roster) —
delete the tallies it touches in their own transaction, and the meetings job seals them again.

On PostgreSQL the two sides take one advisory lock, shared by writers and exclusive for sealing,
so a seal never stores figures read before a writer's change that commits after it: either the
writer commits first and the seal reads its change, or the seal commits first and the writer's
delete (a later statement, a fresh snapshot) removes what it stored. SQLite's writers run one at
a time (BEGIN IMMEDIATE), which gives the same order without a lock.
"""

from sqlalchemy import delete, func, select, text
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from db.models import MeetingTally, StudySession
from db.sql import dialect_name

LOCK_KEY = 0x7A_11_17
"""The advisory lock's key (any constant no other lock uses)."""


async def tally_lock(db: AsyncSession, *, exclusive: bool) -> None:
    """Take the tally lock until the transaction ends (PostgreSQL; SQLite needs none)."""
    if dialect_name(db) == "postgresql":
        name = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
        await db.exec(select(getattr(func, name)(text(str(LOCK_KEY)))))  # type: ignore[call-overload]


async def forget_tallies(db: AsyncSession, *, branch_id: int | None = None,
                         meeting_id: int | None = None) -> None:
    """Delete the tallies of one meeting, or of every meeting of a branch (a member changed)."""
    await tally_lock(db, exclusive=False)
    if meeting_id is not None:
        which = col(MeetingTally.meeting_id) == meeting_id
    else:
        which = col(MeetingTally.meeting_id).in_(
            select(col(StudySession.id)).where(col(StudySession.branch_id) == branch_id))
    await db.exec(delete(MeetingTally).where(which))
