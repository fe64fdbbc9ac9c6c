"""Study sessions (学习 / 主题党日), sign-in, leave, proxy and make-up sign-in. No nonebot here."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from core import timeutil
from core.errors import InvalidInput
from db.models import SessionKind, StudySession
from plugins.signin.config import Config

TITLE_MAX = 200
PLACE_MAX = 100


@dataclass(frozen=True)
class Window:
    """Sign-in window relative to a session's start."""

    open_before: timedelta = timedelta(minutes=30)
    late_after: timedelta = timedelta(minutes=15)
    close_after: timedelta = timedelta(minutes=60)

    @classmethod
    def from_config(cls, config: Config) -> "Window":
        """The window described by the plugin settings."""
        return cls(
            open_before=timedelta(minutes=config.signin_open_before_minutes),
            late_after=timedelta(minutes=config.signin_late_after_minutes),
            close_after=timedelta(minutes=config.signin_close_after_minutes),
        )


_window = Window()


def configure(window: Window) -> None:
    """Set the window for sessions created from now on (the plugin calls this once at load)."""
    global _window
    _window = window


def window() -> Window:
    """The window new sessions get."""
    return _window


async def schedule_session(
    session: AsyncSession, *, branch_id: int, starts_at: datetime, title: str,
    place: str | None = None, kind: SessionKind = SessionKind.STUDY, created_by: int | None = None,
) -> StudySession:
    """Create a session with its sign-in window fixed now; the caller commits."""
    if starts_at.tzinfo is None:
        raise ValueError("starts_at must be timezone-aware")
    title = title.strip()
    if not title:
        raise InvalidInput("请写上学习主题。", "发布学习 明天上午9点 学习党章 党员活动室")
    w = _window
    starts = starts_at.astimezone(timeutil.now().tzinfo)
    row = StudySession(
        branch_id=branch_id, kind=kind, title=title[:TITLE_MAX],
        place=(place.strip()[:PLACE_MAX] or None) if place else None, starts_at=starts,
        opens_at=starts - w.open_before, late_after=starts + w.late_after,
        closes_at=starts + w.close_after, created_by=created_by,
    )
    session.add(row)
    await session.flush()
    return row
