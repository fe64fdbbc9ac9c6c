"""What 发布学习 does, for tests that arrange a meeting from its words."""

from sqlmodel.ext.asyncio.session import AsyncSession

from core import timeutil
from db.models import StudySession
from domain import meetings
from plugins.signin.parse import parse_publish


async def publish(db: AsyncSession, *, branch_id: int, text: str,
                  created_by: int | None) -> StudySession:
    """Read the words (as the plugin does), schedule the meeting."""
    starts, title, place = parse_publish(text, timeutil.now())
    return await meetings.schedule_meeting(db, branch_id=branch_id, starts_at=starts, title=title,
                                           place=place, created_by=created_by)
