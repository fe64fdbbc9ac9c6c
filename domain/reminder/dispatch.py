"""The reminder engine's tick: claim due rows, word them, send them paced, mark them.

Every tick: rows past the grace window become `skipped` (listed in 提醒列表); rows a crashed
process left in `sending` are settled once their short lease has run out; then due rows whose bot
account is connected here are claimed in one short transaction and sent one by one at the
configured pace, each committed as begun before the platform call and marked after it, with no
transaction held while the message travels. While a batch is being sent its lease is renewed, so
only a process that died (or froze) loses its rows, and within one lease. How that keeps "never
sent twice": lifecycle.py. Sending is the caller's callback.
"""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from core import timeutil
from db.models.reminder import Reminder, ReminderState
from domain.reminder import lifecycle
from domain.reminder.outbox import Accounts, Delivery, DeliveryFailed, Send, Verify
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
    lease: timedelta = timedelta(seconds=20)
    """How long a claim holds without renewal: a crashed process's rows wait at most this (plus a
    tick) before another process takes them. The holder renews it every third of it."""
    batch: int = 50

    @property
    def renew_every(self) -> float:
        """Seconds between two renewals of a batch's lease while it is being sent."""
        return max(self.lease.total_seconds() / 3, 0.05)


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
    """The caller's way out: the send callback, the accounts it can send through, and (when the
    platform keeps a message history) how to look a message up there."""

    send: Send
    accounts: Accounts
    verify: Verify | None = None


async def _render(db: AsyncSession, reminder: Reminder, registry: Registry) -> Rendered | str:
    func = registry.renderer(reminder.kind)
    if func is None:
        return Rendered(reminder.text, list(reminder.mentions or []))
    result = await func(db, reminder)
    return "已无需发送" if result is None else result


async def _prepare(db: AsyncSession, reminder: Reminder, registry: Registry, result: TickResult,
                   late: bool) -> Rendered | None:
    """The words to send, with the send committed as begun (and the words with it); None when
    there is nothing to send."""
    assert reminder.id is not None
    rendered = await _render(db, reminder, registry)
    if isinstance(rendered, str):
        skip = isinstance(rendered, Skip)
        await lifecycle.settle(db, reminder, last_error=str(rendered),
                               state=ReminderState.SKIPPED if skip else ReminderState.CANCELLED)
        result.skipped += skip
        result.cancelled += not skip
        return None
    if late:  # read by people who may have waited for it: say plainly that it comes late
        note = f"（补发：原定{timeutil.fmt_dt(reminder.due_at)}提醒）\n"
        rendered = Rendered(note + rendered.text, rendered.mentions)
    began = await lifecycle.begin(db, reminder, text=rendered.text, mentions=rendered.mentions,
                                  late=late)
    return rendered if began else None


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
    late = reminder.due_at < (began or timeutil.now()) - config.late
    async with factory() as db:
        rendered = await _prepare(db, reminder, registry, result, late)
    if rendered is None:
        return
    try:
        await send(_delivery(reminder, rendered, late))
    except DeliveryFailed as error:
        async with factory() as db:
            await _failed(db, reminder, str(error), config, result)
        return
    result.sent += 1
    result.late += late
    await _confirm(factory, reminder, {"sent_at": timeutil.now(), "last_error": None})


_unconfirmed: list[tuple[Reminder, dict[str, Any]]] = []
"""Sends the platform confirmed whose `sent` mark could not be written yet (the database was
unreachable): written at the start of the next tick. The confirmation is the only proof there is."""


CONFIRM_PAUSE = 0.2
"""Seconds before the first retry of a failed `sent` mark (doubling)."""


async def _confirm(factory: SessionFactory, reminder: Reminder, values: dict[str, Any],
                   tries: int = 3) -> None:
    """Mark a confirmed send `sent` (also over a failed-as-in-doubt mark: lifecycle.confirm).

    Nothing after a confirmed send may turn it into a failure: a database error here is retried,
    then kept for the next tick instead of being taken for a failed send.
    """
    for attempt in range(tries):
        try:
            async with factory() as db:
                if not await lifecycle.confirm(db, reminder, **values):
                    log.warning("reminder #%s was sent, but its row had changed meanwhile",
                                reminder.id)
            return
        except Exception as error:  # noqa: BLE001  (retried, then kept: never a failure)
            log.warning("reminder #%s was sent; writing that down failed (%r), retrying",
                        reminder.id, error)
            await asyncio.sleep(CONFIRM_PAUSE * 2 ** attempt)
    _unconfirmed.append((reminder, values))


async def _confirm_parked(factory: SessionFactory) -> None:
    """Write the `sent` marks an earlier tick could not (the database is back)."""
    while _unconfirmed:
        reminder, values = _unconfirmed.pop(0)
        try:
            async with factory() as db:
                await lifecycle.confirm(db, reminder, **values)
        except Exception:
            _unconfirmed.insert(0, (reminder, values))
            raise


async def _failed(db: AsyncSession, reminder: Reminder, error: str, config: EngineConfig,
                  result: TickResult, *, unbegun: bool = False) -> None:
    """Retry later with a doubled wait, or fail for good after config.max_attempts (the row's own
    words back: a retry renders them again, 补发 note and all)."""
    assert reminder.id is not None
    error = error[:300]
    unsent = {"text": reminder.text, "mentions": reminder.mentions, "late": reminder.late}
    if reminder.attempts >= config.max_attempts:
        if await lifecycle.settle(db, reminder, unbegun=unbegun, state=ReminderState.FAILED,
                                  last_error=error, sent_at=None, **unsent):
            result.failed += 1
        return
    wait = config.retry * 2 ** (reminder.attempts - 1)
    if await lifecycle.settle(db, reminder, unbegun=unbegun, state=ReminderState.PENDING,
                              last_error=error, sent_at=None, claimed_by=None,
                              next_attempt_at=timeutil.now() + wait, **unsent):
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
    clock: Callable[[], datetime]


async def _look_up_in_doubt(run: _Run) -> None:
    """Sends a dead process had begun: the platform's history decides whether they went out (then
    `sent`); the rest is failed as in doubt by expire(). Nothing is ever sent again."""
    verify = run.platform.verify
    if verify is None:
        return
    async with run.factory() as db:
        rows = await lifecycle.in_doubt(db, run.began, run.platform.accounts())
        await db.commit()
    for row in rows:
        assert row.sent_at is not None
        delivery = _delivery(row, Rendered(row.text, list(row.mentions or [])), row.late)
        try:
            found = await verify(delivery, row.sent_at)
        except Exception as error:  # noqa: BLE001  (cannot tell: failed as in doubt)
            log.warning("reminder #%s: could not look it up (%r)", row.id, error)
            continue
        if found:
            async with run.factory() as db:
                await lifecycle.confirm(db, row, last_error=None)
            log.info("reminder #%s was found sent after its process stopped", row.id)


@contextlib.asynccontextmanager
async def _renewing(run: _Run, token: str) -> AsyncIterator[None]:
    """While a batch is being sent, renew its lease every third of it (this process is alive)."""

    async def beat() -> None:
        while True:
            await asyncio.sleep(run.config.renew_every)
            try:
                async with run.factory() as db:
                    await lifecycle.renew(db, token, run.clock(), run.config.lease)
            except Exception as error:  # noqa: BLE001  (the next beat tries again)
                log.warning("could not renew the reminders' lease: %r", error)

    task = asyncio.create_task(beat())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


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
    stop: asyncio.Event | None = None, verify: Verify | None = None,
) -> TickResult:
    """One scheduler tick: expire, then claim and send batches until nothing due is left.

    Each batch is claimed at the current time (rows coming due during a long fan-out join it, and
    leases count from their claim); `now` freezes that clock (tests, benchmark). `stop` (set at
    shutdown) ends the loop at once: claimed rows not yet sent are put back. `verify` looks a send
    a dead process left in doubt up in the platform's history (found: `sent`; else `failed`).
    """
    config = config or EngineConfig()

    def clock() -> datetime:
        return now or timeutil.now()

    run = _Run(factory, Platform(send, accounts, verify), pacer or Pacer(), config, registry,
               clock(), stop, clock)
    result = TickResult()
    await _confirm_parked(factory)
    await _look_up_in_doubt(run)
    async with factory() as db:
        result.skipped, result.failed, put_back = await lifecycle.expire(db, run.began, config.grace)
        await db.commit()
    if put_back:
        log.warning("%s reminders claimed by a stopped process were put back", put_back)
    while True:
        token = lifecycle.claim_token()
        async with factory() as db:
            rows = await lifecycle.claim(db, clock(), accounts(), grace=config.grace,
                                         lease=config.lease, batch=config.batch, token=token)
            await db.commit()
        if not rows:
            return result
        async with _renewing(run, token):
            sent_all = await _send_batch(run, rows, result)
        if not sent_all:
            return result
        if len(rows) < config.batch or (stop is not None and stop.is_set()):
            return result
