"""The reminder engine: claim due rows atomically, send them paced, mark them. No nonebot here.

Every tick: rows never tried that are older than the grace window become `skipped` (listed in
提醒列表); rows a crashed process left in `sending` become `failed` (we cannot know whether the
platform got them, and sending twice is worse); then due rows whose bot account is connected here
are claimed in one short transaction (PostgreSQL: SELECT … FOR UPDATE SKIP LOCKED then UPDATE …
RETURNING, so two processes never claim the same row; SQLite: one writer at a time), sent one by one at the configured pace, marked.
"""

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import and_, or_, select, update
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from core import timeutil
from db.models.reminder import Reminder, ReminderState, TargetKind

log = logging.getLogger(__name__)


class DeliveryFailed(RuntimeError):
    """The outbox could not hand the message to the platform (raise it from Outbox.send)."""


@dataclass(frozen=True)
class Rendered:
    """The final words of a reminder, computed when it is sent (themes and absentees change)."""

    text: str
    mentions: list[str] = field(default_factory=list)


class Outbox(Protocol):
    """Where messages leave the process: the connected bot accounts, and a send."""

    def accounts(self) -> set[str]:
        """Bot account ids connected to this process (empty: nothing can be delivered)."""
        ...

    async def send(self, reminder: Reminder, rendered: Rendered) -> None:
        """Deliver or raise DeliveryFailed."""
        ...


class Skip(str):
    """A renderer's reason to skip (listed in 提醒列表), e.g. the event has already begun."""


Renderer = Callable[[AsyncSession, Reminder], Awaitable[Rendered | str | None]]
"""Returns the words to send, or a Chinese reason why not: str → cancelled, Skip → skipped."""
RENDERERS: dict[str, Renderer] = {}


def renderer(kind: str) -> Callable[[Renderer], Renderer]:
    """Register the send-time renderer of a reminder kind (kinds without one send their text)."""

    def register(func: Renderer) -> Renderer:
        RENDERERS[kind] = func
        return func

    return register


@dataclass
class EngineConfig:
    """Engine knobs (from plugins/partyday/config.py in the bot; set directly in tests and bench)."""

    grace: timedelta = timedelta(hours=6)
    max_attempts: int = 5
    retry: timedelta = timedelta(seconds=15)
    late: timedelta = timedelta(seconds=60)
    lease: timedelta = timedelta(minutes=10)
    batch: int = 50


class Pacer:
    """Spaces sends: at most `rate` per second overall, `interval` seconds apart per target."""

    def __init__(self, rate: float = 0.0, interval: float = 0.0) -> None:
        self.rate = rate
        self.interval = interval
        self._next_any = 0.0
        self._next_target: dict[str, float] = {}

    async def wait(self, target: str) -> None:
        """Sleep until this target may be sent to, then book the slot."""
        now = time.monotonic()
        slot = max(now, self._next_any, self._next_target.get(target, 0.0))
        if slot > now:
            await asyncio.sleep(slot - now)
        if self.rate > 0:
            self._next_any = slot + 1.0 / self.rate
        if self.interval > 0:
            if len(self._next_target) > 10_000:  # forget targets whose slot has passed
                self._next_target = {k: v for k, v in self._next_target.items() if v > slot}
            self._next_target[target] = slot + self.interval


@dataclass
class TickResult:
    """What one tick did (returned for tests, logs and the benchmark)."""

    sent: int = 0
    late: int = 0
    retried: int = 0
    failed: int = 0
    skipped: int = 0
    cancelled: int = 0


async def expire(session: AsyncSession, now: datetime, cfg: EngineConfig) -> tuple[int, int]:
    """Skip never-tried rows past the grace window; fail rows a dead process left in `sending`."""
    seconds = int(cfg.grace.total_seconds())
    span = (f"{seconds // 3600}小时" if seconds % 3600 == 0 else
            f"{seconds // 60}分钟" if seconds % 60 == 0 else f"{seconds}秒")
    skipped = await session.exec(
        update(Reminder)
        .where(Reminder.state == ReminderState.PENDING, Reminder.attempts == 0,
               Reminder.due_at < now - cfg.grace)
        .values(state=ReminderState.SKIPPED,
                last_error=f"机器人离线，超过补发时限（{span}）未发送")
        .execution_options(synchronize_session=False)
    )
    stale = await session.exec(
        update(Reminder)
        .where(Reminder.state == ReminderState.SENDING, Reminder.claimed_until < now)
        .values(state=ReminderState.FAILED, claimed_until=None,
                last_error="发送过程中程序中断，无法确认是否送达，未重发")
        .execution_options(synchronize_session=False)
    )
    return skipped.rowcount, stale.rowcount  # type: ignore[attr-defined]


def _due(now: datetime, cfg: EngineConfig, accounts: set[str]):  # noqa: ANN202
    return and_(
        Reminder.state == ReminderState.PENDING,
        Reminder.due_at <= now,
        or_(Reminder.attempts > 0, Reminder.due_at >= now - cfg.grace),
        or_(Reminder.next_attempt_at.is_(None), Reminder.next_attempt_at <= now),  # type: ignore[union-attr]
        or_(Reminder.self_id.in_(accounts), Reminder.self_id.is_(None)),  # type: ignore[union-attr]
    )


async def claim(
    session: AsyncSession, now: datetime, accounts: set[str], cfg: EngineConfig
) -> list[Reminder]:
    """Atomically move up to cfg.batch due rows this process can deliver to `sending`."""
    if not accounts:
        return []
    # Two statements in one transaction: the locked ids, then the update. (UPDATE … WHERE id IN
    # (SELECT … LIMIT n FOR UPDATE SKIP LOCKED) lets PostgreSQL re-run the subquery and take more.)
    ids = list((await session.exec(
        select(Reminder.id).where(_due(now, cfg, accounts))  # type: ignore[call-overload]
        .order_by(Reminder.due_at, Reminder.id).limit(cfg.batch)
        .with_for_update(skip_locked=True)  # SQLite: ignored; BEGIN IMMEDIATE serialises writers
    )).scalars().all())
    if not ids:
        return []
    result = await session.exec(
        update(Reminder)
        .where(Reminder.id.in_(ids), Reminder.state == ReminderState.PENDING)  # type: ignore[union-attr]
        .values(state=ReminderState.SENDING, attempts=Reminder.attempts + 1,
                claimed_until=now + cfg.lease)
        .returning(Reminder)
        .execution_options(synchronize_session=False)
    )
    rows = list(result.scalars().all())
    rows.sort(key=lambda r: (r.due_at, r.id))
    return rows


def target_key(reminder: Reminder) -> str:
    """The pacing key: one group, or one person."""
    kind = "g" if reminder.target_kind == TargetKind.GROUP else "p"
    return f"{reminder.platform}:{kind}:{reminder.target_id}"


async def _finish(session: AsyncSession, reminder_id: int, **values: object) -> None:
    await session.exec(
        update(Reminder)
        .where(Reminder.id == reminder_id, Reminder.state == ReminderState.SENDING)
        .values(claimed_until=None, **values)
        .execution_options(synchronize_session=False)
    )
    await session.commit()


async def _render(session: AsyncSession, reminder: Reminder) -> Rendered | str:
    func = RENDERERS.get(reminder.kind)
    if func is None:
        return Rendered(reminder.text, list(reminder.mentions or []))
    result = await func(session, reminder)
    return "已无需发送" if result is None else result


async def deliver(
    factory: async_sessionmaker[AsyncSession], outbox: Outbox, reminder: Reminder,
    cfg: EngineConfig, result: TickResult,
) -> None:
    """Render, send and mark one claimed reminder."""
    assert reminder.id is not None
    async with factory() as session:
        rendered = await _render(session, reminder)
        if isinstance(rendered, str):
            skip = isinstance(rendered, Skip)
            await _finish(session, reminder.id, last_error=str(rendered),
                          state=ReminderState.SKIPPED if skip else ReminderState.CANCELLED)
            result.skipped += skip
            result.cancelled += not skip
            return
        if timeutil.now() - reminder.due_at > cfg.late:
            # Read by people who may have waited for it: say plainly that it comes late.
            note = f"（补发：原定{timeutil.fmt_dt(reminder.due_at)}提醒）\n"
            rendered = Rendered(note + rendered.text, rendered.mentions)
        try:
            await outbox.send(reminder, rendered)
        except DeliveryFailed as error:
            await _failed(session, reminder, str(error), cfg, result)
            return
        sent_at = timeutil.now()
        late = sent_at - reminder.due_at > cfg.late
        await _finish(session, reminder.id, state=ReminderState.SENT, sent_at=sent_at, late=late,
                      text=rendered.text, mentions=rendered.mentions, last_error=None)
        result.sent += 1
        result.late += late


async def _failed(
    session: AsyncSession, reminder: Reminder, error: str, cfg: EngineConfig, result: TickResult
) -> None:
    assert reminder.id is not None
    error = error[:300]
    if reminder.attempts >= cfg.max_attempts:
        await _finish(session, reminder.id, state=ReminderState.FAILED, last_error=error)
        result.failed += 1
        return
    wait = cfg.retry * 2 ** (reminder.attempts - 1)
    await _finish(session, reminder.id, state=ReminderState.PENDING, last_error=error,
                  next_attempt_at=timeutil.now() + wait)
    result.retried += 1


async def _release(factory: async_sessionmaker[AsyncSession], rows: list[Reminder]) -> None:
    """Give back claimed rows untouched (shutting down), for the next process to send."""
    async with factory() as session:
        await session.exec(
            update(Reminder)
            .where(Reminder.id.in_([r.id for r in rows]), Reminder.state == ReminderState.SENDING)  # type: ignore[union-attr]
            .values(state=ReminderState.PENDING, attempts=Reminder.attempts - 1, claimed_until=None)
            .execution_options(synchronize_session=False))
        await session.commit()


async def tick(
    factory: async_sessionmaker[AsyncSession], outbox: Outbox, pacer: Pacer, cfg: EngineConfig,
    now: datetime | None = None, stop: asyncio.Event | None = None,
) -> TickResult:
    """One scheduler tick: expire, then claim and send batches until nothing due is left.

    `stop` (set at shutdown) ends the loop at once: claimed rows not yet sent are put back.
    """
    now = now or timeutil.now()
    result = TickResult()
    async with factory() as session:
        result.skipped, result.failed = await expire(session, now, cfg)
        await session.commit()
    accounts = outbox.accounts()
    while True:
        async with factory() as session:
            rows = await claim(session, now, accounts, cfg)
            await session.commit()
        for n, reminder in enumerate(rows):
            if stop is not None and stop.is_set():
                await _release(factory, rows[n:])
                return result
            await pacer.wait(target_key(reminder))
            if reminder.self_id is not None and reminder.self_id not in outbox.accounts():
                await _release(factory, [reminder])  # went offline mid fan-out: wait for it
                continue
            try:
                await deliver(factory, outbox, reminder, cfg, result)
            except Exception as error:  # one bad row must not strand the rest of the batch
                log.exception("reminder #%s could not be delivered", reminder.id)
                async with factory() as session:
                    await _failed(session, reminder, f"内部错误：{error!r}", cfg, result)
        if len(rows) < cfg.batch or (stop is not None and stop.is_set()):
            return result
