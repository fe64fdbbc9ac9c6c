"""Reminder rows as a service: add (insert-ignore on the dedupe key), list, cancel. No nonebot here."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from core import timeutil
from core.errors import InvalidInput, NotFound
from core.textparse import ID_MAX, normalize
from core.timeparse import TimeParseError, split_leading_time
from db.models import GroupBinding
from db.models.reminder import Reminder, ReminderState, TargetKind
from plugins.partyday.parse import reason


@dataclass(frozen=True)
class Target:
    """Where a branch's reminders go: its group, served by one bot account."""

    platform: str
    group_id: str
    self_id: str | None


async def branch_target(session: AsyncSession, branch_id: int) -> Target | None:
    """The branch's group (the first bound, if several); None when it has no group."""
    binding = (await session.exec(
        select(GroupBinding).where(GroupBinding.branch_id == branch_id).order_by(GroupBinding.id)
    )).first()
    if binding is None:
        return None
    return Target(binding.platform, binding.group_id, binding.self_id)


async def add(
    session: AsyncSession, *, dedupe_key: str, due_at: datetime, text: str, kind: str,
    target_kind: TargetKind, platform: str, target_id: str, self_id: str | None,
    branch_id: int | None = None, ref: str | None = None, mentions: list[str] | None = None,
    created_by: int | None = None, now: datetime | None = None,
) -> bool:
    """Insert a pending reminder unless its dedupe key exists or it is already past; True if new."""
    if due_at <= (now or timeutil.now()):
        return False
    dialect = session.bind.dialect.name  # type: ignore[union-attr]
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    stmt = insert(Reminder).values(
        dedupe_key=dedupe_key, due_at=due_at, text=text, kind=kind, target_kind=target_kind,
        platform=platform, target_id=target_id, self_id=self_id, branch_id=branch_id, ref=ref,
        mentions=mentions or [], created_by=created_by, state=ReminderState.PENDING, attempts=0,
        late=False, created_at=timeutil.now(),
    ).on_conflict_do_nothing(index_elements=["dedupe_key"])
    result = await session.exec(stmt)
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def cancel_pending(session: AsyncSession, *, ref: str | None = None, key_prefix: str | None = None,
                         reason: str) -> int:
    """Cancel pending rows about one thing (an occurrence, a session); returns how many."""
    stmt = update(Reminder).where(Reminder.state == ReminderState.PENDING)
    if ref is not None:
        stmt = stmt.where(Reminder.ref == ref)
    if key_prefix is not None:
        stmt = stmt.where(Reminder.dedupe_key.startswith(key_prefix))  # type: ignore[attr-defined]
    result = await session.exec(
        stmt.values(state=ReminderState.CANCELLED, last_error=reason)
        .execution_options(synchronize_session=False))
    return result.rowcount  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Listing:
    """提醒列表: what is coming, and what was not delivered recently."""

    pending: list[Reminder]
    missed: list[Reminder]


async def listing(session: AsyncSession, branch_id: int, *, limit: int = 15,
                  missed_days: int = 7) -> Listing:
    """Upcoming reminders of a branch, and skipped/failed ones of the last days (never hidden)."""
    pending = (await session.exec(
        select(Reminder).where(Reminder.branch_id == branch_id,
                               Reminder.state.in_([ReminderState.PENDING, ReminderState.SENDING]))  # type: ignore[attr-defined]
        .order_by(Reminder.due_at, Reminder.id).limit(limit)
    )).all()
    since = timeutil.now() - timedelta(days=missed_days)
    missed = (await session.exec(
        select(Reminder).where(Reminder.branch_id == branch_id,
                               Reminder.state.in_([ReminderState.SKIPPED, ReminderState.FAILED]),  # type: ignore[attr-defined]
                               Reminder.due_at >= since)
        .order_by(Reminder.due_at.desc(), Reminder.id.desc()).limit(limit)  # type: ignore[attr-defined]
    )).all()
    return Listing(list(pending), list(missed))


async def cancel(session: AsyncSession, *, branch_id: int, reminder_id: int) -> Reminder:
    """取消提醒 #N: a pending reminder of this branch stops; sent ones cannot be unsent."""
    row = await session.get(Reminder, reminder_id) if reminder_id <= ID_MAX else None
    if row is None or row.branch_id != branch_id:
        raise NotFound(f"本支部没有提醒 #{reminder_id}。", "提醒列表")
    if row.state != ReminderState.PENDING:
        raise InvalidInput(f"提醒 #{reminder_id} {ReminderState(row.state).label}，不能取消。", "提醒列表")
    row.state = ReminderState.CANCELLED
    row.last_error = "已手动取消"
    session.add(row)
    await session.flush()
    return row


async def notify_group(session: AsyncSession, *, branch_id: int, text: str, key: str,
                       now: datetime) -> bool:
    """A notice to the branch's group as soon as possible (through the engine, paced, once)."""
    target = await branch_target(session, branch_id)
    if target is None:
        return False
    return await add(session, dedupe_key=key, due_at=now + timedelta(seconds=1), text=text,
                     kind="notice", target_kind=TargetKind.GROUP, platform=target.platform,
                     target_id=target.group_id, self_id=target.self_id, branch_id=branch_id, now=now)


EX_ONEOFF = "提醒 明天9点 带好党员证"


async def add_oneoff(session: AsyncSession, *, branch_id: int, text: str, key: str, now: datetime,
                     created_by: int | None = None) -> Reminder:
    """提醒 <时间> <内容>: a one-off message to the branch's group."""
    if (past := normalize(text)[:2]) in ("昨天", "前天"):
        raise InvalidInput(f"{past}已经过去了，请写以后的时间。", EX_ONEOFF)
    try:
        due, words = split_leading_time(text, timeutil.to_local(now), timeutil.local_tz(),
                                        default_hour=9)
    except TimeParseError as error:
        raise InvalidInput(f"没看懂提醒时间（{reason(error)}），请把时间写在最前面。", EX_ONEOFF) from None
    words = words.strip()
    if not words:
        raise InvalidInput("请写上提醒的内容。", EX_ONEOFF)
    if due <= now:
        raise InvalidInput(f"{timeutil.fmt_dt(due)} 已经过去了，请写以后的时间。", EX_ONEOFF)
    target = await branch_target(session, branch_id)
    if target is None:
        raise NotFound("本支部还没有绑定群，提醒无处发送。", "绑定支部 支部名称")
    await add(session, dedupe_key=key, due_at=due, text=f"【提醒】{words[:500]}", kind="oneoff",
              target_kind=TargetKind.GROUP, platform=target.platform, target_id=target.group_id,
              self_id=target.self_id, branch_id=branch_id, created_by=created_by, now=now)
    row = (await session.exec(select(Reminder).where(Reminder.dedupe_key == key))).one()
    return row


_KINDS = {"partyday": "主题党日提醒", "study": "学习提醒", "study_absent": "未签到提醒",
          "need_private": "志愿服务提醒（私聊）", "need_group": "志愿服务提醒", "oneoff": "提醒",
          "notice": "通知"}


def label(row: Reminder) -> str:
    """'主题党日提醒（3天前）' / '提醒：带好党员证'."""
    name = _KINDS.get(row.kind, "提醒")
    if row.kind == "partyday":
        code = row.dedupe_key.rsplit(":-", 1)[1]
        unit = {"d": "天", "h": "小时", "m": "分钟"}[code[-1]]
        return f"{name}（提前{code[:-1]}{unit}）"
    if row.kind == "oneoff":
        words = row.text.removeprefix("【提醒】")
        return f"{name}：{words[:20]}{'…' if len(words) > 20 else ''}"
    return name


def format_listing(result: Listing) -> str:
    """提醒列表 text: numbered by id so 取消提醒 #N can be typed back."""
    lines = [f"待发送的提醒（{len(result.pending)}条）：" if result.pending else "没有待发送的提醒。"]
    lines += [f"#{r.id} {timeutil.fmt_dt(r.due_at)} {label(r)}" for r in result.pending]
    if result.missed:
        lines.append("最近没有发出的提醒：")
        lines += [f"#{r.id} {timeutil.fmt_dt(r.due_at)} {label(r)} —— "
                  f"{ReminderState(r.state).label}：{r.last_error or ''}" for r in result.missed]
    return "\n".join(lines)
