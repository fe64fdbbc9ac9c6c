"""Where reminders go: a branch's group and its bot account, members' chat ids for @-mentions.

Group bindings and chat accounts are the roster's rows; the engine reads them only to address
messages (and to follow a group re-bound since its rows were made), never to decide what to send.
"""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from db.models import ChatAccount, GroupBinding
from db.models.reminder import Reminder, ReminderState, TargetKind


@dataclass(frozen=True)
class Target:
    """Where a branch's reminders go: its group, served by one bot account."""

    platform: str
    group_id: str
    self_id: str | None


async def branch_target(db: AsyncSession, branch_id: int) -> Target | None:
    """The branch's group (the first bound, if several); None when it has no group."""
    binding = (await db.exec(
        select(GroupBinding).where(GroupBinding.branch_id == branch_id).order_by(col(GroupBinding.id))
    )).first()
    if binding is None:
        return None
    return Target(binding.platform, binding.group_id, binding.self_id)


async def chat_ids(db: AsyncSession, member_ids: list[int], platform: str) -> dict[int, str]:
    """member id → chat user id of the members still in the group (whom an @ reaches)."""
    if not member_ids:
        return {}
    rows = (await db.exec(select(ChatAccount).where(
        col(ChatAccount.member_id).in_(member_ids), ChatAccount.platform == platform,
        col(ChatAccount.in_group)))).all()
    return {a.member_id: a.user_id for a in rows}


async def sync_targets(db: AsyncSession) -> int:
    """Pending group reminders follow the bindings; returns how many rows changed.

    A group re-bound to another branch (绑定支部 … 确认) stops getting the old branch's reminders
    (they go to the branch's other group, or are cancelled); a group now served by another bot
    account gets them through that account (a row waits for the account it names).
    """
    bindings = (await db.exec(select(GroupBinding).order_by(col(GroupBinding.id)))).all()
    bound = {(b.platform, b.group_id): b for b in bindings}
    first: dict[int, GroupBinding] = {}
    for each in bindings:
        first.setdefault(each.branch_id, each)
    pending = (col(Reminder.state) == ReminderState.PENDING,
               col(Reminder.target_kind) == TargetKind.GROUP)
    targets = (await db.exec(select(
        Reminder.branch_id, Reminder.platform, Reminder.target_id, Reminder.self_id,
    ).where(*pending, col(Reminder.branch_id).is_not(None)).distinct())).all()
    changed = 0
    for branch_id, platform, group_id, self_id in targets:
        binding: GroupBinding | None = bound.get((platform, group_id))
        if binding is None or binding.branch_id != branch_id:
            binding = first.get(branch_id) if branch_id is not None else None
        values: dict[str, Any]
        if binding is None:
            values = {"state": ReminderState.CANCELLED, "last_error": "本支部已不再绑定这个群"}
        elif (binding.platform, binding.group_id, binding.self_id) != (platform, group_id, self_id):
            values = {"platform": binding.platform, "target_id": binding.group_id,
                      "self_id": binding.self_id}
        else:
            continue
        result = await db.exec(update(Reminder).where(
            *pending, col(Reminder.branch_id) == branch_id, col(Reminder.platform) == platform,
            col(Reminder.target_id) == group_id).values(**values)
            .execution_options(synchronize_session=False))
        changed += result.rowcount
    return changed
