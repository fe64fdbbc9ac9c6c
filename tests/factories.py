"""Small factories with fixed values: rows for service tests, OneBot V11 events for matcher tests."""

import itertools
from datetime import datetime
from typing import Any

from nonebot.adapters.onebot.v11 import (
    Bot,
    GroupIncreaseNoticeEvent,
    GroupMessageEvent,
    Message,
    PrivateMessageEvent,
)
from nonebot.adapters.onebot.v11.event import Sender
from sqlmodel.ext.asyncio.session import AsyncSession

from core.roles import Role
from db.models import Branch, ChatAccount, GroupBinding, HealthCategory, Member

SELF_ID = "99999"
GROUP_ID = 20001
OTHER_GROUP_ID = 20002
SECRETARY_ID = "10001"
MEMBER_ID = "10002"
SUPERUSER_ID = "10000"

_message_ids = itertools.count(1)


def onebot(ctx: Any, self_id: str = SELF_ID) -> Bot:
    """A nonebug bot of the OneBot V11 kind (platform 'onebot')."""
    return ctx.create_bot(base=Bot, self_id=self_id)


async def make_branch(
    session: AsyncSession, name: str = "城关镇离退休干部第一党支部", group_id: int | None = GROUP_ID
) -> Branch:
    """A branch, bound to a OneBot group unless group_id is None."""
    branch = Branch(name=name)
    session.add(branch)
    await session.flush()
    if group_id is not None:
        session.add(GroupBinding(platform="onebot", group_id=str(group_id), branch_id=branch.id,
                                 self_id=SELF_ID))
    await session.commit()
    return branch


async def make_member(
    session: AsyncSession, branch: Branch, name: str = "张三", *, user_id: str | None = None,
    role: Role = Role.MEMBER, category: HealthCategory = HealthCategory.NORMAL,
) -> Member:
    """A member, with a linked OneBot account when user_id is given."""
    member = Member(branch_id=branch.id, name=name, role=int(role), category=category)
    session.add(member)
    await session.flush()
    if user_id is not None:
        session.add(ChatAccount(platform="onebot", user_id=user_id, member_id=member.id))
    await session.commit()
    return member


def group_message(
    text: str | Message, *, user_id: str = MEMBER_ID, group_id: int = GROUP_ID,
    message_id: int | None = None, nickname: str = "老张", time: datetime | None = None,
) -> GroupMessageEvent:
    """A OneBot V11 group message event, as NapCat/Lagrange would post it."""
    message = text if isinstance(text, Message) else Message(text)
    return GroupMessageEvent(
        time=int(time.timestamp()) if time else 1_790_000_000,
        self_id=int(SELF_ID), post_type="message", sub_type="normal", user_id=int(user_id),
        message_type="group", group_id=group_id, message_id=message_id or next(_message_ids),
        message=message, original_message=message, raw_message=str(message), font=0,
        sender=Sender(user_id=int(user_id), nickname=nickname, card="", role="member"),
        to_me=False,
    )


def private_message(
    text: str | Message, *, user_id: str = MEMBER_ID, message_id: int | None = None
) -> PrivateMessageEvent:
    """A OneBot V11 private (friend) message event."""
    message = text if isinstance(text, Message) else Message(text)
    return PrivateMessageEvent(
        time=1_790_000_000, self_id=int(SELF_ID), post_type="message", sub_type="friend",
        user_id=int(user_id), message_type="private", message_id=message_id or next(_message_ids),
        message=message, original_message=message, raw_message=str(message), font=0,
        sender=Sender(user_id=int(user_id), nickname="老张"), to_me=True,
    )


def group_increase(user_id: str, group_id: int = GROUP_ID) -> GroupIncreaseNoticeEvent:
    """Someone joined the group."""
    return GroupIncreaseNoticeEvent(
        time=1_790_000_000, self_id=int(SELF_ID), post_type="notice", notice_type="group_increase",
        sub_type="approve", user_id=int(user_id), group_id=group_id, operator_id=0,
    )
