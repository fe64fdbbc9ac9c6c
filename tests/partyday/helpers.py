"""Fakes for the reminder engine: an outbox that records (or fails), and rows with fixed values."""

import asyncio
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from db.models.reminder import Reminder, TargetKind
from plugins.partyday import reminders
from plugins.partyday.engine import DeliveryFailed, Rendered
from tests.factories import SELF_ID


class FakeOutbox:
    """Records what would be sent; fails the first `fail` sends."""

    def __init__(self, accounts: set[str] | None = None, fail: int = 0, delay: float = 0.0) -> None:
        self._accounts = {SELF_ID} if accounts is None else accounts
        self.delay = delay
        self.fail = fail
        self.sent: list[tuple[str, str, list[str]]] = []

    def accounts(self) -> set[str]:
        """The connected bot accounts."""
        return self._accounts

    async def send(self, reminder: Reminder, rendered: Rendered) -> None:
        """Record, or fail while failures are left."""
        await asyncio.sleep(self.delay)  # a real send yields to other tasks
        if self.fail:
            self.fail -= 1
            raise DeliveryFailed("bot account 99999 is not connected")
        self.sent.append((reminder.target_id, rendered.text, rendered.mentions))


async def add_group_reminder(
    session: AsyncSession, due_at: datetime, key: str, *, text: str = "提醒", branch_id: int | None = None,
    self_id: str | None = SELF_ID, group_id: str = "20001", now: datetime | None = None,
) -> bool:
    """A one-off group reminder row (committed)."""
    added = await reminders.add(
        session, dedupe_key=key, due_at=due_at, text=text, kind="oneoff",
        target_kind=TargetKind.GROUP, platform="onebot", target_id=group_id, self_id=self_id,
        branch_id=branch_id, now=now)
    await session.commit()
    return added
