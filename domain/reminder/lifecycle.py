"""A reminder is never sent twice: every state change of a reminder row, and only here.

The invariant, and how each step keeps it:

1. **Made once.** A row is inserted with insert-or-ignore on its unique `dedupe_key`
   (`partyday:7:2026-12-10:-1d`), so a planner that runs again, or in two processes at once,
   adds nothing; a due time already past is never materialised (`add`).
2. **Claimed by one process.** `claim` moves due rows `pending → sending` in one short
   transaction (PostgreSQL: `SELECT … FOR UPDATE SKIP LOCKED`, then `UPDATE … RETURNING` on those
   ids; SQLite: one writer at a time). Each claim is tagged with its own token, `claimed_by` (the
   process's identity and a nonce), and a short lease, `claimed_until`, which the holder renews
   while it sends (`renew`): a live process keeps its rows however long a paced fan-out or a slow
   platform takes, and a dead one's lease runs out within one lease (20 s by default).
3. **Begun before it is sent.** `begin` commits `sent_at` before the platform call, and only if
   the row is still held under this claim's token: a process frozen past its lease, whose row
   was put back and claimed by another, does not send it.
4. **Never resent when in doubt.** `expire` puts a stale claim whose send had not begun back to
   `pending` (it is sent once, late, by whoever claims it next); one whose send had begun is
   first looked up in the platform's message history (`in_doubt`, then `confirm` when it is
   there) and otherwise failed — we cannot know whether the platform got it, and sending twice is
   worse than once missing. A graceful stop (`release`) puts back only rows not begun.
5. **Settled by its holder.** `settle` changes only a row still in `sending` under the holder's
   token. A send the platform confirmed is settled `sent` by `confirm`, even if the row was failed
   meanwhile as in doubt (its holder stalled past the lease): a begun row is never resent, so the
   confirmation is the one fact there is.

A row missed while the bot was down is sent late within the grace window or skipped with a
reason (listed in 提醒列表), never silently (`expire`).
"""

import os
import socket
import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, case, or_, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core import timeutil
from db.models.reminder import Reminder, ReminderState, TargetKind
from db.sql import insert_or_ignore

PROCESS = f"{socket.gethostname()[:32]}:{os.getpid()}"
"""This process, in every claim it makes (who held a row is readable in the table)."""
IN_DOUBT = "发送过程中程序中断，无法确认是否送达，未重发"


def claim_token() -> str:
    """A fresh claim token: this process and a nonce (each claim its own, so a process that
    claims a row again after its own lease ran out never takes the old claim for the new)."""
    return f"{PROCESS}:{uuid.uuid4().hex[:12]}"


async def add(
    db: AsyncSession, *, dedupe_key: str, due_at: datetime, text: str, kind: str,
    target_kind: TargetKind, platform: str, target_id: str, self_id: str | None,
    branch_id: int | None = None, ref: str | None = None, mentions: list[str] | None = None,
    created_by: int | None = None, now: datetime | None = None,
) -> bool:
    """Insert a pending reminder unless its dedupe key exists or it is already past; True if new."""
    if due_at <= (now or timeutil.now()):
        return False
    result = await db.exec(insert_or_ignore(
        db, Reminder, index_elements=["dedupe_key"],
        dedupe_key=dedupe_key, due_at=due_at, text=text, kind=kind, target_kind=target_kind,
        platform=platform, target_id=target_id, self_id=self_id, branch_id=branch_id, ref=ref,
        mentions=mentions or [], created_by=created_by, state=ReminderState.PENDING, attempts=0,
        late=False, created_at=timeutil.now()))
    return bool(result.rowcount)


def _span(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    return (f"{seconds // 3600}小时" if seconds % 3600 == 0 else
            f"{seconds // 60}分钟" if seconds % 60 == 0 else f"{seconds}秒")


async def _update(db: AsyncSession, *where: ColumnElement[bool], **values: Any) -> int:
    """UPDATE reminder SET values WHERE …; how many rows it changed."""
    result = await db.exec(update(Reminder).where(*where).values(**values)
                           .execution_options(synchronize_session=False))
    return result.rowcount


async def expire(db: AsyncSession, now: datetime, grace: timedelta) -> tuple[int, int, int]:
    """Settle what a dead process left in `sending`, then skip rows past the grace window.

    A claimed row whose send had not begun (no sent_at) goes back to pending and falls under the
    grace rule like any missed row; one whose send had begun is failed (see the module's rule 4).
    → (skipped, failed, put back).
    """
    stale = and_(col(Reminder.state) == ReminderState.SENDING, col(Reminder.claimed_until) < now)
    back = await _update(db, stale, col(Reminder.sent_at).is_(None), state=ReminderState.PENDING,
                         attempts=col(Reminder.attempts) - 1, claimed_until=None, claimed_by=None)
    # claimed_by stays: a confirmation reaching the stalled holder later still settles it (confirm)
    failed = await _update(db, stale, state=ReminderState.FAILED, claimed_until=None,
                           last_error=IN_DOUBT)
    span = _span(grace)
    skipped = await _update(
        db, col(Reminder.state) == ReminderState.PENDING, col(Reminder.due_at) < now - grace,
        state=ReminderState.SKIPPED, last_error=case(
            (col(Reminder.attempts) == 0, f"机器人离线，超过补发时限（{span}）未发送"),
            else_=f"多次发送未成功，超过补发时限（{span}）不再发送"))
    return skipped, failed, back


def _due(now: datetime, grace: timedelta, accounts: set[str]) -> ColumnElement[bool]:
    return and_(
        col(Reminder.state) == ReminderState.PENDING,
        col(Reminder.due_at) <= now,
        col(Reminder.due_at) >= now - grace,
        or_(col(Reminder.next_attempt_at).is_(None), col(Reminder.next_attempt_at) <= now),
        or_(col(Reminder.self_id).in_(accounts), col(Reminder.self_id).is_(None)),
    )


async def claim(db: AsyncSession, now: datetime, accounts: set[str], *, grace: timedelta,
                lease: timedelta, batch: int, token: str | None = None) -> list[Reminder]:
    """Atomically move up to `batch` due rows this process can deliver to `sending`, tagged with
    this claim's token (a fresh one when None)."""
    if not accounts:
        return []
    # Two statements in one transaction: the locked ids, then the update. (UPDATE … WHERE id IN
    # (SELECT … LIMIT n FOR UPDATE SKIP LOCKED) lets PostgreSQL re-run the subquery and take more.)
    ids = list((await db.exec(
        select(Reminder.id).where(_due(now, grace, accounts))
        .order_by(col(Reminder.due_at), col(Reminder.id)).limit(batch)
        .with_for_update(skip_locked=True)  # SQLite: ignored; BEGIN IMMEDIATE serialises writers
    )).all())
    if not ids:
        return []
    result = await db.exec(
        update(Reminder)
        .where(col(Reminder.id).in_(ids), col(Reminder.state) == ReminderState.PENDING)
        .values(state=ReminderState.SENDING, attempts=col(Reminder.attempts) + 1,
                claimed_until=now + lease, claimed_by=token or claim_token(), sent_at=None)
        .returning(Reminder)
        .execution_options(synchronize_session=False)
    )
    rows = list(result.scalars().all())
    rows.sort(key=lambda r: (r.due_at, r.id or 0))
    return rows


def _held(reminder: Reminder) -> list[ColumnElement[bool]]:
    """Still this claim's: in `sending` under its token."""
    return [col(Reminder.id) == reminder.id, col(Reminder.state) == ReminderState.SENDING,
            col(Reminder.claimed_by) == reminder.claimed_by]


async def renew(db: AsyncSession, token: str, now: datetime, lease: timedelta) -> int:
    """Extend the lease of every row still held under this claim's token (the holder is alive)."""
    changed = await _update(db, col(Reminder.claimed_by) == token,
                            col(Reminder.state) == ReminderState.SENDING, claimed_until=now + lease)
    await db.commit()
    return changed


async def begin(db: AsyncSession, reminder: Reminder, **sending: Any) -> bool:
    """Commit that the send begins (a crash from here on fails the row rather than resending it),
    with what is being sent (`sending`: the words as rendered, so a process that finds the send
    in doubt can look for them in the platform's history).

    False when the row is no longer ours: its lease ran out and it was settled or claimed again
    (claimed_by is the claim's token: each claim sets its own).
    """
    changed = await _update(db, *_held(reminder), col(Reminder.sent_at).is_(None),
                            sent_at=timeutil.now(), **sending)
    await db.commit()
    return bool(changed)


async def settle(db: AsyncSession, reminder: Reminder, *, unbegun: bool = False,
                 **values: Any) -> bool:
    """Settle a row this claim holds in `sending` (unbegun: only if its send had not begun)."""
    where = _held(reminder)
    if unbegun:
        where.append(col(Reminder.sent_at).is_(None))
    changed = await _update(db, *where, claimed_until=None, **values)
    await db.commit()
    return bool(changed)


async def confirm(db: AsyncSession, reminder: Reminder, **values: Any) -> bool:
    """The platform confirmed this claim's send: the row is `sent`, also when it was failed as in
    doubt meanwhile (only this claim can have begun it, and a begun row is never sent again)."""
    changed = await _update(
        db, col(Reminder.id) == reminder.id, col(Reminder.claimed_by) == reminder.claimed_by,
        col(Reminder.sent_at).is_not(None),
        col(Reminder.state).in_([ReminderState.SENDING, ReminderState.FAILED]),
        state=ReminderState.SENT, claimed_until=None, **values)
    await db.commit()
    return bool(changed)


async def in_doubt(db: AsyncSession, now: datetime, accounts: set[str]) -> list[Reminder]:
    """Rows whose send had begun under a claim whose lease has run out (its process died before
    writing down the platform's answer), that an account connected here could look up."""
    return list((await db.exec(select(Reminder).where(
        col(Reminder.state) == ReminderState.SENDING, col(Reminder.claimed_until) < now,
        col(Reminder.sent_at).is_not(None),
        or_(col(Reminder.self_id).in_(accounts), col(Reminder.self_id).is_(None))))).all())


async def release(db: AsyncSession, rows: list[Reminder]) -> None:
    """Give back claimed rows whose send had not begun (shutting down), for the next process."""
    await _update(db, col(Reminder.id).in_([r.id for r in rows]),
                  col(Reminder.claimed_by).in_({r.claimed_by for r in rows}),
                  col(Reminder.state) == ReminderState.SENDING, col(Reminder.sent_at).is_(None),
                  state=ReminderState.PENDING, attempts=col(Reminder.attempts) - 1,
                  claimed_until=None, claimed_by=None)
    await db.commit()
