"""Service tests for sessions and sign-in (SQLite and PostgreSQL)."""

from datetime import UTC, datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from db.models import SessionKind, StudySession
from plugins.signin import service
from tests.factories import make_branch

START = datetime(2026, 11, 25, 1, 30, tzinfo=UTC)  # 09:30 Beijing


async def test_schedule_session_fixes_window(session: AsyncSession) -> None:
    """The window is 30 min before to 60 min after, late after 15 min, by default."""
    branch = await make_branch(session)
    row = await service.schedule_session(session, branch_id=branch.id, starts_at=START,
                                         title="学习党章", place="活动室", kind=SessionKind.PARTYDAY)
    await session.commit()
    got = await session.get(StudySession, row.id)
    assert (got.opens_at, got.late_after, got.closes_at) == (
        START - timedelta(minutes=30), START + timedelta(minutes=15), START + timedelta(minutes=60))
    assert (got.kind, got.title, got.place, got.signin_count) == (SessionKind.PARTYDAY, "学习党章", "活动室", 0)
