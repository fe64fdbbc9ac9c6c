"""Reminder rows as the commands and other capabilities see them: list, cancel, one-offs, notices."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core import timeutil
from core.errors import InvalidInput, NotFound
from core.textparse import ID_MAX
from db.models.reminder import Reminder, ReminderState, TargetKind
from domain.reminder.lifecycle import add
from domain.reminder.targets import branch_target

EX_ONEOFF = "提醒 明天9点 带好党员证"


async def cancel_pending(db: AsyncSession, *, ref: str | None = None, key_prefix: str | None = None,
                         reason: str) -> int:
    """Cancel pending rows about one thing (an occurrence, a meeting); returns how many."""
    stmt = update(Reminder).where(col(Reminder.state) == ReminderState.PENDING)
    if ref is not None:
        stmt = stmt.where(col(Reminder.ref) == ref)
    if key_prefix is not None:
        stmt = stmt.where(col(Reminder.dedupe_key).startswith(key_prefix))
    result = await db.exec(stmt.values(state=ReminderState.CANCELLED, last_error=reason)
                           .execution_options(synchronize_session=False))
    return result.rowcount


async def drop_pending(db: AsyncSession, *, ref: str) -> None:
    """Delete the pending rows about one thing (never sent: nothing to keep), e.g. before a re-plan."""
    await db.exec(delete(Reminder).where(col(Reminder.ref) == ref,
                                         col(Reminder.state) == ReminderState.PENDING))


async def any_sent(db: AsyncSession, *, ref: str) -> bool:
    """Whether a reminder about this thing has already gone out."""
    return (await db.exec(select(Reminder.id).where(
        Reminder.ref == ref, Reminder.state == ReminderState.SENT).limit(1))).first() is not None


@dataclass(frozen=True)
class Listing:
    """提醒列表: what is coming, and what was not delivered recently."""

    pending: list[Reminder]
    missed: list[Reminder]


async def listing(db: AsyncSession, branch_id: int, *, limit: int = 15,
                  missed_days: int = 7) -> Listing:
    """Upcoming reminders of a branch, and skipped/failed ones of the last days (never hidden)."""
    pending = (await db.exec(
        select(Reminder).where(Reminder.branch_id == branch_id,
                               col(Reminder.state).in_([ReminderState.PENDING, ReminderState.SENDING]))
        .order_by(col(Reminder.due_at), col(Reminder.id)).limit(limit)
    )).all()
    since = timeutil.now() - timedelta(days=missed_days)
    missed = (await db.exec(
        select(Reminder).where(Reminder.branch_id == branch_id,
                               col(Reminder.state).in_([ReminderState.SKIPPED, ReminderState.FAILED]),
                               Reminder.due_at >= since)
        .order_by(col(Reminder.due_at).desc(), col(Reminder.id).desc()).limit(limit)
    )).all()
    return Listing(list(pending), list(missed))


async def cancel(db: AsyncSession, *, branch_id: int, reminder_id: int) -> Reminder:
    """取消提醒 #N: a pending reminder of this branch stops; sent ones cannot be unsent."""
    row = await db.get(Reminder, reminder_id) if reminder_id <= ID_MAX else None
    if row is None or row.branch_id != branch_id:
        raise NotFound(f"本支部没有提醒 #{reminder_id}。", "提醒列表")
    if row.state != ReminderState.PENDING:
        raise InvalidInput(f"提醒 #{reminder_id} {ReminderState(row.state).label}，不能取消。", "提醒列表")
    row.state = ReminderState.CANCELLED
    row.last_error = "已手动取消"
    db.add(row)
    await db.flush()
    return row


async def notify_group(db: AsyncSession, *, branch_id: int, text: str, key: str,
                       now: datetime) -> bool:
    """A notice to the branch's group as soon as possible (through the engine, paced, once)."""
    target = await branch_target(db, branch_id)
    if target is None:
        return False
    return await add(db, dedupe_key=key, due_at=now + timedelta(seconds=1), text=text,
                     kind="notice", target_kind=TargetKind.GROUP, platform=target.platform,
                     target_id=target.group_id, self_id=target.self_id, branch_id=branch_id, now=now)


async def add_oneoff(db: AsyncSession, *, branch_id: int, due: datetime, words: str, key: str,
                     now: datetime, created_by: int | None = None) -> Reminder:
    """提醒 <时间> <内容>: a one-off message to the branch's group (the key makes it once)."""
    words = words.strip()
    if not words:
        raise InvalidInput("请写上提醒的内容。", EX_ONEOFF)
    if due <= now:
        raise InvalidInput(f"{timeutil.fmt_dt(due)} 已经过去了，请写以后的时间。", EX_ONEOFF)
    target = await branch_target(db, branch_id)
    if target is None:
        raise NotFound("本支部还没有绑定群，提醒无处发送。", "绑定支部 支部名称")
    await add(db, dedupe_key=key, due_at=due, text=f"【提醒】{words[:500]}", kind="oneoff",
              target_kind=TargetKind.GROUP, platform=target.platform, target_id=target.group_id,
              self_id=target.self_id, branch_id=branch_id, created_by=created_by, now=now)
    return (await db.exec(select(Reminder).where(Reminder.dedupe_key == key))).one()
