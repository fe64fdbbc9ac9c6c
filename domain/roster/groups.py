"""Chat groups bound to branches, and members joining or leaving a bound group."""

from enum import Enum

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from core.errors import Conflict, InvalidInput
from core.textparse import normalize
from db.models import Branch, ChatAccount, GroupBinding

BRANCH_NAME_MAX = 64


async def binding_of(db: AsyncSession, *, platform: str, group_id: str) -> GroupBinding | None:
    """The branch binding of a group, if any."""
    stmt = select(GroupBinding).where(
        GroupBinding.platform == platform, GroupBinding.group_id == group_id
    )
    return (await db.exec(stmt)).first()


async def bind_group(
    db: AsyncSession, *, platform: str, group_id: str, self_id: str, branch_name: str,
    by: str, confirm: bool,
) -> tuple[Branch, Branch | None]:
    """Bind a group to a branch (created if new); returns (branch, previous branch if rebound)."""
    branch_name = normalize(branch_name)
    if not branch_name or len(branch_name) > BRANCH_NAME_MAX:
        raise InvalidInput(f"请写上支部名称（{BRANCH_NAME_MAX}字以内）。",
                           "绑定支部 城关镇离退休干部第一党支部")
    branch = (await db.exec(select(Branch).where(Branch.name == branch_name))).first()
    if branch is None:
        branch = Branch(name=branch_name)
        db.add(branch)
        await db.flush()
    assert branch.id is not None  # flushed
    binding = await binding_of(db, platform=platform, group_id=group_id)
    if binding is None:
        db.add(GroupBinding(platform=platform, group_id=group_id, branch_id=branch.id,
                            self_id=self_id, bound_by=by))
        await db.flush()
        return branch, None
    if binding.branch_id == branch.id:
        raise Conflict(f"本群已经绑定“{branch.name}”，无需重复绑定。")
    previous = await db.get(Branch, binding.branch_id)
    if not confirm:
        raise Conflict(
            f"本群已绑定“{previous.name if previous else '?'}”。改绑会让本群以后的命令都归到新支部。\n"
            f"确认改绑请发送：绑定支部 {branch_name} 确认"
        )
    binding.branch_id, binding.bound_by, binding.self_id = branch.id, by, self_id
    db.add(binding)
    await db.flush()
    return branch, previous


class GroupChange(Enum):
    """What a join or leave in a group means for the roster."""

    IGNORED = "ignored"
    """Not a bound group, or the bot itself."""
    NEWCOMER = "newcomer"
    """Joined and has not 报到'd: tell them how."""
    RETURNING = "returning"
    """Joined again after 报到: nothing to do but say welcome back."""
    LEFT = "left"
    """Left the group (their account, if any, is marked as no longer in it)."""


async def group_member_change(
    db: AsyncSession, *, platform: str, group_id: str, user_id: str, self_id: str, joined: bool,
) -> GroupChange:
    """Someone joined or left a group: record whether a 报到'd account is in the group."""
    if user_id == self_id or await binding_of(db, platform=platform, group_id=group_id) is None:
        return GroupChange.IGNORED
    known = await mark_in_group(db, platform=platform, user_id=user_id, present=joined)
    if not joined:
        return GroupChange.LEFT
    return GroupChange.RETURNING if known else GroupChange.NEWCOMER


async def mark_in_group(db: AsyncSession, *, platform: str, user_id: str, present: bool) -> bool:
    """Record that an account joined or left the group; False when the account is unknown."""
    stmt = select(ChatAccount).where(ChatAccount.platform == platform, ChatAccount.user_id == user_id)
    account = (await db.exec(stmt)).first()
    if account is None:
        return False
    account.in_group = present
    db.add(account)
    await db.flush()
    return True
