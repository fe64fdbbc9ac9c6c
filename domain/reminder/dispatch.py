"""The reminder engine: claim due rows atomically, send them paced, mark them. No nonebot here.

Every tick: rows past the grace window become `skipped` (listed in 提醒列表); rows a crashed
process left in `sending` are settled (see expire); then due rows whose bot account is connected
here are claimed in one short transaction (PostgreSQL: SELECT … FOR UPDATE SKIP LOCKED then
UPDATE … RETURNING, so two processes never claim the same row; SQLite: one writer at a time),
and sent one by one at the configured pace. Each send is committed as begun (sent_at) before the
platform call and marked after it, with no transaction held while the message travels.
"""

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, case, or_, select, update
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from core import timeutil
from db.models.reminder import Reminder, ReminderState
from plugins.partyday.contract import RENDERERS, DeliveryFailed, Outbox, Rendered, Skip, renderer
from plugins.partyday.pacing import Pacer, target_key

__all__ = ["DeliveryFailed", "EngineConfig", "Outbox", "Pacer", "Rendered", "Skip", "TickResult",
           "claim", "deliver", "expire", "renderer", "target_key", "tick"]

log = logging.getLogger(__name__)


@dataclass
class EngineConfig:
    """Engine knobs (from plugins/partyday/config.py in the bot; set directly in tests and bench)."""

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


def _span(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    return (f"{seconds // 3600}小时" if seconds % 3600 == 0 else
            f"{seconds // 60}分钟" if seconds % 60 == 0 else f"{seconds}秒")


async def expire(session: AsyncSession, now: datetime, cfg: EngineConfig) -> tuple[int, int, int]:
    """Settle what a dead process left in `sending`, then skip rows past the grace window.

    A claimed row whose send had not begun (no sent_at) goes back to pending and falls under the
    grace rule like any missed row; one whose send had begun is failed: we cannot know whether
    the platform got it, and sending twice is worse. → (skipped, failed, put back).
    """
    stale = and_(Reminder.state == ReminderState.SENDING, Reminder.claimed_until < now)
    back = await session.exec(
        update(Reminder).where(stale, Reminder.sent_at.is_(None))  # type: ignore[union-attr]
        .values(state=ReminderState.PENDING, attempts=Reminder.attempts - 1, claimed_until=None)
        .execution_options(synchronize_session=False))
    failed = await session.exec(
        update(Reminder).where(stale)
        .values(state=ReminderState.FAILED, claimed_until=None,
                last_error="发送过程中程序中断，无法确认是否送达，未重发")
        .execution_options(synchronize_session=False))
    span = _span(cfg.grace)
    skipped = await session.exec(
        update(Reminder)
        .where(Reminder.state == ReminderState.PENDING, Reminder.due_at < now - cfg.grace)
        .values(state=ReminderState.SKIPPED, last_error=case(
            (Reminder.attempts == 0, f"机器人离线，超过补发时限（{span}）未发送"),
            else_=f"多次发送未成功，超过补发时限（{span}）不再发送"))
        .execution_options(synchronize_session=False))
    return skipped.rowcount, failed.rowcount, back.rowcount  # type: ignore[attr-defined]


def _due(now: datetime, cfg: EngineConfig, accounts: set[str]):  # noqa: ANN202
    return and_(
        Reminder.state == ReminderState.PENDING,
        Reminder.due_at <= now,
        Reminder.due_at >= now - cfg.grace,
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
                claimed_until=now + cfg.lease, sent_at=None)
        .returning(Reminder)
        .execution_options(synchronize_session=False)
    )
    rows = list(result.scalars().all())
    rows.sort(key=lambda r: (r.due_at, r.id))
    return rows


async def _finish(session: AsyncSession, reminder_id: int, *, unbegun: bool = False,
                  **values: object) -> bool:
    """Settle a row this process holds in `sending` (unbegun: only if its send had not begun)."""
    stmt = update(Reminder).where(Reminder.id == reminder_id, Reminder.state == ReminderState.SENDING)
    if unbegun:
        stmt = stmt.where(Reminder.sent_at.is_(None))  # type: ignore[union-attr]
    result = await session.exec(stmt.values(claimed_until=None, **values)
                                .execution_options(synchronize_session=False))
    await session.commit()
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def _begin(session: AsyncSession, reminder: Reminder) -> bool:
    """Commit that the send begins (a crash from here on fails the row rather than resending it).

    False when the row is no longer ours: its lease ran out and it was settled or claimed again
    (claimed_until is the claim's token: each claim sets its own).
    """
    result = await session.exec(
        update(Reminder)
        .where(Reminder.id == reminder.id, Reminder.state == ReminderState.SENDING,
               Reminder.claimed_until == reminder.claimed_until,
               Reminder.sent_at.is_(None))  # type: ignore[union-attr]
        .values(sent_at=timeutil.now())
        .execution_options(synchronize_session=False))
    await session.commit()
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def _render(session: AsyncSession, reminder: Reminder) -> Rendered | str:
    func = RENDERERS.get(reminder.kind)
    if func is None:
        return Rendered(reminder.text, list(reminder.mentions or []))
    result = await func(session, reminder)
    return "已无需发送" if result is None else result


async def _prepare(session: AsyncSession, reminder: Reminder, result: TickResult) -> Rendered | None:
    """The words to send, with the send committed as begun; None when there is nothing to send."""
    assert reminder.id is not None
    rendered = await _render(session, reminder)
    if isinstance(rendered, str):
        skip = isinstance(rendered, Skip)
        await _finish(session, reminder.id, last_error=str(rendered),
                      state=ReminderState.SKIPPED if skip else ReminderState.CANCELLED)
        result.skipped += skip
        result.cancelled += not skip
        return None
    return rendered if await _begin(session, reminder) else None


async def deliver(
    factory: async_sessionmaker[AsyncSession], outbox: Outbox, reminder: Reminder,
    cfg: EngineConfig, result: TickResult, began: datetime | None = None,
) -> None:
    """Render, send and mark one claimed reminder; no transaction is open during the send.

    Late (补发) means it was already due `cfg.late` before this dispatch began (the bot or its
    account was down), not that it waited its turn in a long paced fan-out.
    """
    assert reminder.id is not None
    async with factory() as session:
        rendered = await _prepare(session, reminder, result)
    if rendered is None:
        return
    late = reminder.due_at < (began or timeutil.now()) - cfg.late
    if late:  # read by people who may have waited for it: say plainly that it comes late
        note = f"（补发：原定{timeutil.fmt_dt(reminder.due_at)}提醒）\n"
        rendered = Rendered(note + rendered.text, rendered.mentions)
    try:
        await outbox.send(reminder, rendered)
    except DeliveryFailed as error:
        async with factory() as session:
            await _failed(session, reminder, str(error), cfg, result)
        return
    async with factory() as session:
        await _finish(session, reminder.id, state=ReminderState.SENT, sent_at=timeutil.now(),
                      late=late, text=rendered.text, mentions=rendered.mentions, last_error=None)
    result.sent += 1
    result.late += late


async def _failed(session: AsyncSession, reminder: Reminder, error: str, cfg: EngineConfig,
                  result: TickResult, *, unbegun: bool = False) -> None:
    """Retry later with a doubled wait, or fail for good after cfg.max_attempts."""
    assert reminder.id is not None
    error = error[:300]
    if reminder.attempts >= cfg.max_attempts:
        if await _finish(session, reminder.id, unbegun=unbegun, state=ReminderState.FAILED,
                         last_error=error, sent_at=None):
            result.failed += 1
        return
    wait = cfg.retry * 2 ** (reminder.attempts - 1)
    if await _finish(session, reminder.id, unbegun=unbegun, state=ReminderState.PENDING,
                     last_error=error, sent_at=None, next_attempt_at=timeutil.now() + wait):
        result.retried += 1


async def _release(factory: async_sessionmaker[AsyncSession], rows: list[Reminder]) -> None:
    """Give back claimed rows untouched (shutting down), for the next process to send."""
    async with factory() as session:
        await session.exec(
            update(Reminder)
            .where(Reminder.id.in_([r.id for r in rows]), Reminder.state == ReminderState.SENDING,  # type: ignore[union-attr]
                   Reminder.sent_at.is_(None))  # type: ignore[union-attr]
            .values(state=ReminderState.PENDING, attempts=Reminder.attempts - 1, claimed_until=None)
            .execution_options(synchronize_session=False))
        await session.commit()


async def _send_batch(factory: async_sessionmaker[AsyncSession], outbox: Outbox, pacer: Pacer,
                      cfg: EngineConfig, rows: list[Reminder], began: datetime,
                      stop: asyncio.Event | None, result: TickResult) -> bool:
    """Send claimed rows in order at the pace; False when stopped (the rest were put back)."""
    for n, reminder in enumerate(rows):
        if stop is not None and stop.is_set():
            await _release(factory, rows[n:])
            return False
        await pacer.wait(target_key(reminder))
        if reminder.self_id is not None and reminder.self_id not in outbox.accounts():
            await _release(factory, [reminder])  # went offline mid fan-out: wait for it
            continue
        try:
            await deliver(factory, outbox, reminder, cfg, result, began)
        except Exception as error:  # one bad row must not strand the rest of the batch
            log.exception("reminder #%s could not be delivered", reminder.id)
            async with factory() as session:  # a send that had begun stays for expire() to fail
                await _failed(session, reminder, f"内部错误：{error!r}", cfg, result, unbegun=True)
    return True


async def tick(
    factory: async_sessionmaker[AsyncSession], outbox: Outbox, pacer: Pacer, cfg: EngineConfig,
    now: datetime | None = None, stop: asyncio.Event | None = None,
) -> TickResult:
    """One scheduler tick: expire, then claim and send batches until nothing due is left.

    Each batch is claimed at the current time (rows coming due during a long fan-out join it, and
    leases count from their claim); `now` freezes that clock (tests, benchmark). `stop` (set at
    shutdown) ends the loop at once: claimed rows not yet sent are put back.
    """
    def clock() -> datetime:
        return now or timeutil.now()

    began, result = clock(), TickResult()
    async with factory() as session:
        result.skipped, result.failed, put_back = await expire(session, began, cfg)
        await session.commit()
    if put_back:
        log.warning("%s reminders claimed by a stopped process were put back", put_back)
    while True:
        async with factory() as session:
            rows = await claim(session, clock(), outbox.accounts(), cfg)
            await session.commit()
        if not await _send_batch(factory, outbox, pacer, cfg, rows, began, stop, result):
            return result
        if len(rows) < cfg.batch or (stop is not None and stop.is_set()):
            return result
