"""The reminder engine's tick: claim due rows, word them, send them paced, mark them.

Every tick: rows past the grace window become `skipped` (listed in 提醒列表); rows a crashed
process left in `sending` are settled; then due rows whose bot account is connected here are
claimed in one short transaction and sent one by one at the configured pace, each committed as
begun before the platform call and marked after it, with no transaction held while the message
travels. How that keeps "never sent twice": lifecycle.py. Sending is the caller's callback.
"""

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from core import timeutil
from db.models.reminder import Reminder, ReminderState
from domain.reminder import lifecycle
from domain.reminder.outbox import Accounts, Delivery, DeliveryFailed, Send
from domain.reminder.pacing import Pacer, target_key
from domain.reminder.registry import Registry, Rendered, Skip

log = logging.getLogger(__name__)

SessionFactory = async_sessionmaker[AsyncSession]


@dataclass(frozen=True)
class EngineConfig:
    """Engine knobs (from the reminder plugin's settings in the bot; set directly in tests and bench)."""

    grace: timedelta = timedelta(hours=6)
    max_attempts: int = 5
    retry: timedelta = timedelta(seconds=15)
    late: timedelta = timedelta(seconds=60)
    lease: timedelta = timedelta(minutes=10)
    batch: int = 50


@dataclass
class TickResult:
    """What one tick did (returned for tests, logs and the benchmark)."""

    sent: int = 0
    late: int = 0
    retried: int = 0
    failed: int = 0
    skipped: int = 0
    cancelled: int = 0


@dataclass(frozen=True)
class Platform:
    """The caller's way out: the send callback and the accounts it can send through."""

    send: Send
    accounts: Accounts


async def _render(db: AsyncSession, reminder: Reminder, registry: Registry) -> Rendered | str:
    func = registry.renderer(reminder.kind)
    if func is None:
        return Rendered(reminder.text, list(reminder.mentions or []))
    result = await func(db, reminder)
    return "已无需发送" if result is None else result


async def _prepare(db: AsyncSession, reminder: Reminder, registry: Registry,
                   result: TickResult) -> Rendered | None:
    """The words to send, with the send committed as begun; None when there is nothing to send."""
    assert reminder.id is not None
    rendered = await _render(db, reminder, registry)
    if isinstance(rendered, str):
        skip = isinstance(rendered, Skip)
        await lifecycle.settle(db, reminder.id, last_error=str(rendered),
                               state=ReminderState.SKIPPED if skip else ReminderState.CANCELLED)
        result.skipped += skip
        result.cancelled += not skip
        return None
    return rendered if await lifecycle.begin(db, reminder) else None


def _delivery(reminder: Reminder, rendered: Rendered, late: bool) -> Delivery:
    assert reminder.id is not None
    return Delivery(reminder_id=reminder.id, platform=reminder.platform,
                    target_kind=reminder.target_kind, target_id=reminder.target_id,
                    self_id=reminder.self_id, text=rendered.text, mentions=rendered.mentions,
                    late=late)


async def deliver(factory: SessionFactory, send: Send, reminder: Reminder, *, registry: Registry,
                  config: EngineConfig, result: TickResult, began: datetime | None = None) -> None:
    """Render, send and mark one claimed reminder; no transaction is open during the send.

    Late (补发) means it was already due `config.late` before this dispatch began (the bot or its
    account was down), not that it waited its turn in a long paced fan-out.
    """
    assert reminder.id is not None
    async with factory() as db:
        rendered = await _prepare(db, reminder, registry, result)
    if rendered is None:
        return
    late = reminder.due_at < (began or timeutil.now()) - config.late
    if late:  # read by people who may have waited for it: say plainly that it comes late
        note = f"（补发：原定{timeutil.fmt_dt(reminder.due_at)}提醒）\n"
        rendered = Rendered(note + rendered.text, rendered.mentions)
    try:
        await send(_delivery(reminder, rendered, late))
    except DeliveryFailed as error:
        async with factory() as db:
            await _failed(db, reminder, str(error), config, result)
        return
    async with factory() as db:
        await lifecycle.settle(db, reminder.id, state=ReminderState.SENT, sent_at=timeutil.now(),
                               late=late, text=rendered.text, mentions=rendered.mentions,
                               last_error=None)
    result.sent += 1
    result.late += late


async def _failed(db: AsyncSession, reminder: Reminder, error: str, config: EngineConfig,
                  result: TickResult, *, unbegun: bool = False) -> None:
    """Retry later with a doubled wait, or fail for good after config.max_attempts."""
    assert reminder.id is not None
    error = error[:300]
    if reminder.attempts >= config.max_attempts:
        if await lifecycle.settle(db, reminder.id, unbegun=unbegun, state=ReminderState.FAILED,
                                  last_error=error, sent_at=None):
            result.failed += 1
        return
    wait = config.retry * 2 ** (reminder.attempts - 1)
    if await lifecycle.settle(db, reminder.id, unbegun=unbegun, state=ReminderState.PENDING,
                              last_error=error, sent_at=None, next_attempt_at=timeutil.now() + wait):
        result.retried += 1


@dataclass(frozen=True)
class _Run:
    """One dispatch's fixed parts."""

    factory: SessionFactory
    platform: Platform
    pacer: Pacer
    config: EngineConfig
    registry: Registry
    began: datetime
    stop: asyncio.Event | None


async def _send_batch(run: _Run, rows: list[Reminder], result: TickResult) -> bool:
    """Send claimed rows in order at the pace; False when stopped (the rest were put back)."""
    for n, reminder in enumerate(rows):
        if run.stop is not None and run.stop.is_set():
            async with run.factory() as db:
                await lifecycle.release(db, rows[n:])
            return False
        await run.pacer.wait(target_key(reminder))
        if reminder.self_id is not None and reminder.self_id not in run.platform.accounts():
            async with run.factory() as db:  # went offline mid fan-out: wait for it
                await lifecycle.release(db, [reminder])
            continue
        try:
            await deliver(run.factory, run.platform.send, reminder, registry=run.registry,
                          config=run.config, result=result, began=run.began)
        except Exception as error:  # one bad row must not strand the rest of the batch
            log.exception("reminder #%s could not be delivered", reminder.id)
            async with run.factory() as db:  # a send that had begun stays for expire() to fail
                await _failed(db, reminder, f"内部错误：{error!r}", run.config, result, unbegun=True)
    return True


async def run_due(
    factory: SessionFactory, send: Send, *, accounts: Accounts, registry: Registry,
    pacer: Pacer | None = None, config: EngineConfig | None = None, now: datetime | None = None,
    stop: asyncio.Event | None = None,
) -> TickResult:
    """One scheduler tick: expire, then claim and send batches until nothing due is left.

    Each batch is claimed at the current time (rows coming due during a long fan-out join it, and
    leases count from their claim); `now` freezes that clock (tests, benchmark). `stop` (set at
    shutdown) ends the loop at once: claimed rows not yet sent are put back.
    """
    config = config or EngineConfig()

    def clock() -> datetime:
        return now or timeutil.now()

    run = _Run(factory, Platform(send, accounts), pacer or Pacer(), config, registry, clock(), stop)
    result = TickResult()
    async with factory() as db:
        result.skipped, result.failed, put_back = await lifecycle.expire(db, run.began, config.grace)
        await db.commit()
    if put_back:
        log.warning("%s reminders claimed by a stopped process were put back", put_back)
    while True:
        async with factory() as db:
            rows = await lifecycle.claim(db, clock(), accounts(), grace=config.grace,
                                         lease=config.lease, batch=config.batch)
            await db.commit()
        if not await _send_batch(run, rows, result):
            return result
        if len(rows) < config.batch or (stop is not None and stop.is_set()):
            return result
