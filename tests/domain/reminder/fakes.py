"""A fake of the platform the engine sends through (records, or fails), rows with fixed values,
and the engine's two job bodies run the way the bot runs them, without NoneBot."""

import asyncio
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from core import timeutil
from db import engine as db_engine
from db.models.reminder import TargetKind
from domain import meetings, partyday, reminder, volunteer
from tests.factories import SELF_ID


class FakePlatform:
    """Records what would be sent; fails the first `fail` sends."""

    def __init__(self, accounts: set[str] | None = None, fail: int = 0, delay: float = 0.0) -> None:
        self._accounts = {SELF_ID} if accounts is None else accounts
        self.delay = delay
        self.fail = fail
        self.sent: list[tuple[str, str, list[str]]] = []

    def accounts(self) -> set[str]:
        """The connected bot accounts."""
        return self._accounts

    async def send(self, delivery: reminder.Delivery) -> None:
        """Record, or fail while failures are left."""
        await asyncio.sleep(self.delay)  # a real send yields to other tasks
        if self.fail:
            self.fail -= 1
            raise reminder.DeliveryFailed("bot account 99999 is not connected")
        self.sent.append((delivery.target_id, delivery.text, delivery.mentions))


REGISTRY = reminder.Registry(meetings.study_reminders(), volunteer.need_reminders(),
                             partyday.partyday_reminders())
"""Every source the bot registers, with the default branch choices."""


async def dispatch_due(platform: FakePlatform, *, registry: reminder.Registry = REGISTRY,
                       config: reminder.EngineConfig | None = None,
                       pacer: reminder.Pacer | None = None,
                       now: datetime | None = None) -> reminder.TickResult:
    """One engine tick on the test database, unpaced (pacing has its own test)."""
    return await reminder.run_due(db_engine.session_factory(), platform.send,
                                  accounts=platform.accounts, registry=registry, pacer=pacer,
                                  config=config, now=now)


async def plan_ahead(now: datetime | None = None) -> int:
    """The plan jobs' bodies: party days first, then every registered source; new rows."""
    moment = now or timeutil.now()
    created = await partyday.plan_party_days(db_engine.session_factory(), moment)
    return created + await reminder.scan_sources(db_engine.session_factory(), REGISTRY, moment)


async def add_group_reminder(
    db: AsyncSession, due_at: datetime, key: str, *, text: str = "提醒", branch_id: int | None = None,
    self_id: str | None = SELF_ID, group_id: str = "20001", now: datetime | None = None,
) -> bool:
    """A one-off group reminder row (committed)."""
    added = await reminder.add(
        db, dedupe_key=key, due_at=due_at, text=text, kind="oneoff",
        target_kind=TargetKind.GROUP, platform="onebot", target_id=group_id, self_id=self_id,
        branch_id=branch_id, now=now)
    await db.commit()
    return added
