"""Dependencies every handler names once: the session, the chat context, the caller and their role.

Roles are checked here and only here, against the one permission table (domain/permissions.py).
"""

import contextlib
import functools
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated, Any

import nonebot
from nonebot.adapters import Bot, Event, Message
from nonebot.matcher import Matcher, current_event
from nonebot.params import CommandArg, Depends, RawCommand
from sqlalchemy import and_, bindparam
from sqlalchemy import select as sa_select
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.chat import ChatContext, context_of, plain
from bot.commands import command_of, find_permission, permission_of
from bot.config import Settings
from bot.send import DeliveryError, send_private, withdraw
from core.errors import DomainError, NotRegistered
from core.roles import Role
from db.engine import session_factory
from db.models import Branch, ChatAccount, CountyStaff, GroupBinding, Member
from db.prepared import Prepared, adopt, run
from domain import county

BIND_HINT = "本群还没有绑定支部。管理员请在本群发送：绑定支部 支部名称\n例如：绑定支部 城关镇离退休干部第一党支部"


async def get_session() -> AsyncIterator[AsyncSession]:
    """A session for one command; the pipeline (bot/pipeline.py) commits it once, or rolls back."""
    async with session_factory()() as session:
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_session)]


@functools.cache
def _settings() -> Settings:
    return nonebot.get_plugin_config(Settings)


async def command_arg(matcher: Matcher, arg: Annotated[Message, CommandArg()]) -> Message:
    """The text after the command word; longer than YINLING_MAX_ARGUMENT_CHARS is refused.

    Not for a sealed command (匿名建议): a refusal here would be said in the group, beside the
    message; its own length rule refuses it privately, through the pipeline.
    """
    limit = _settings().yinling_max_argument_chars
    sealed = (row := find_permission(type(matcher))) is not None and row.sealed
    if not sealed and len(text := arg.extract_plain_text()) > limit:
        await matcher.finish(f"内容太长（{len(text)}字），最多{limit}字。请删短一些，或分几次发送。")
    return arg


Arg = Annotated[Message, Depends(command_arg)]
"""The text after the command word (segments kept, so @mentions survive), length-capped."""
RawWord = Annotated[str, RawCommand()]
"""The command word as the sender typed it (an alias, with its prefix if any)."""


async def get_context(bot: Bot, event: Event) -> ChatContext:
    """Where this message came from."""
    return context_of(bot, event)


ContextDep = Annotated[ChatContext, Depends(get_context)]


def is_superuser(ctx: ChatContext) -> bool:
    """Superusers come from config (SUPERUSERS), by bare id or 'platform:id'."""
    superusers = nonebot.get_driver().config.superusers
    return ctx.user_id in superusers or f"{ctx.platform}:{ctx.user_id}" in superusers


@dataclass
class Caller:
    """The sender as the rules see them: branch (from the group, or their own in private chat)."""

    ctx: ChatContext
    branch: Branch | None
    member: Member | None
    role: Role
    withdrawn: bool = False
    """A sealed command's group message was recalled before anything else (permission table)."""
    county_staff: CountyStaff | None = None
    """Set when the sender is county staff (looked up for branch-free commands only: county staff
    never act inside a branch, so no other command needs to know)."""

    @property
    def county(self) -> bool:
        """County staff (县级管理员): the permission table's `county` grant applies."""
        return self.county_staff is not None

    @property
    def branch_id(self) -> int:
        """The branch this command acts on (a private chat needs a 报到'd member)."""
        if self.branch is None or self.branch.id is None:
            raise NotRegistered("请先在支部群里发送“报到 姓名”，之后才能私聊使用。", "报到 张三")
        return self.branch.id

    @property
    def me(self) -> Member:
        """The caller's member record; NotRegistered when they have not 报到'd in this branch."""
        if self.member is None:
            raise NotRegistered("您还没有报到。请先发送：报到 您的姓名", "报到 张三")
        return self.member

    @property
    def operator_name(self) -> str:
        """Who did it, for records: the member's name, or 管理员 for a superuser without one."""
        return self.member.name if self.member else ("管理员" if self.role == Role.SUPERUSER else "?")


def _caller_statement(private: bool) -> Any:
    """One statement for branch and member: the group's binding (member only if of that branch),
    or in private chat the account's member and their branch. Every command runs it first, so it
    is a prepared statement (db.prepared) with bound parameters (platform, user_id, group_id)."""
    account = and_(ChatAccount.platform == bindparam("platform"),
                   ChatAccount.user_id == bindparam("user_id"))
    columns = [*_BRANCH.columns, *_MEMBER.columns]
    if private:
        return (sa_select(*columns).join(_MEMBER, _MEMBER.c.branch_id == _BRANCH.c.id)
                .join(ChatAccount, col(ChatAccount.member_id) == _MEMBER.c.id).where(account))
    return (
        sa_select(*columns).select_from(GroupBinding)
        .join(_BRANCH, _BRANCH.c.id == col(GroupBinding.branch_id))
        .outerjoin(ChatAccount, account)
        .outerjoin(_MEMBER, and_(_MEMBER.c.id == col(ChatAccount.member_id),
                                 _MEMBER.c.branch_id == col(GroupBinding.branch_id)))
        .where(GroupBinding.platform == bindparam("platform"),
               GroupBinding.group_id == bindparam("group_id"))
    )


_BRANCH: Any = Branch.__table__  # type: ignore[attr-defined]
_MEMBER: Any = Member.__table__  # type: ignore[attr-defined]
_CALLER = {private: Prepared(lambda _dialect, private=private: _caller_statement(private))
           for private in (False, True)}


def caller_params(ctx: ChatContext) -> dict[str, str]:
    """The caller statement's parameters for this chat context."""
    params = {"platform": ctx.platform, "user_id": ctx.user_id}
    if ctx.group_id is not None:
        params["group_id"] = ctx.group_id
    return params


def caller_statement(private: bool) -> Any:
    """The caller statement (see _caller_statement), for a statement that reads it as a part."""
    return _caller_statement(private)


CALLER_READ = "bot.deps:caller"
"""Where a statement that read the caller row along with something else (the pipeline's message
id, on PostgreSQL) leaves it in the session's info: (params, row or None)."""


async def _resolve(bot: Bot, event: Event, session: AsyncSession) -> Caller:
    """Branch, member and role of the sender (branch None in an unbound group)."""
    ctx = context_of(bot, event)
    superuser = is_superuser(ctx)
    params = caller_params(ctx)
    read = session.info.pop(CALLER_READ, None)
    if read is not None and read[0] == params:
        row = read[1]
    else:
        row = (await run(session, _CALLER[ctx.group_id is None], params)).first()
    branch = member = None
    if row is not None:
        width = len(_BRANCH.columns)
        branch = adopt(session, Branch, dict(zip(_BRANCH.columns.keys(), row[:width], strict=True)))
        if row[width] is not None:  # the member's id: none in a group for a sender not 报到'd
            member = adopt(session, Member, dict(zip(_MEMBER.columns.keys(), row[width:], strict=True)))
    role = Role.SUPERUSER if superuser else (Role(member.role) if member else Role.GUEST)
    return Caller(ctx=ctx, branch=branch, member=member, role=role)


async def refuse(matcher: Matcher, session: AsyncSession, text: str | None) -> None:
    """End the command before its handler: roll back, free the connection, then reply (or not)."""
    await session.rollback()
    await session.close()
    if text is None:
        await matcher.finish()
    await matcher.finish(plain(current_event.get(), text))


async def get_caller(bot: Bot, event: Event, matcher: Matcher, session: SessionDep) -> Caller:
    """The sender, checked against the permission table's row for this matcher's command.

    An unbound group: superusers are told how to bind, everyone else gets silence (the bot may
    sit in groups that are not branches). A refusal says why; nothing was written.
    (The context is read here rather than through ContextDep: one dependency level fewer.)
    """
    rule = permission_of(type(matcher))
    withdrawn = False
    if rule.sealed and event.get_type() == "message":  # before anything that can fail
        withdrawn = await withdraw(bot, context_of(bot, event))
    caller = await _resolve(bot, event, session)
    caller.withdrawn = withdrawn
    if not rule.branch:
        caller.county_staff = await county.staff_of(session, platform=caller.ctx.platform,
                                                    user_id=caller.ctx.user_id)
    if rule.branch and caller.branch is None and caller.ctx.group_id is not None:
        await refuse(matcher, session, BIND_HINT if caller.role == Role.SUPERUSER else None)
    try:
        if rule.branch:
            caller.branch_id  # noqa: B018  (raises NotRegistered in private chat without a branch)
        rule.check(command_of(type(matcher)), caller.role, private=caller.ctx.is_private,
                   registered=caller.member is not None, county=caller.county)
    except DomainError as error:
        if rule.sealed and caller.ctx.group_id is not None:  # a refusal beside it would name the sender
            await session.rollback()
            await session.close()
            with contextlib.suppress(DeliveryError):
                await send_private(bot, caller.ctx.user_id, error.reply)
            await matcher.finish()
        await refuse(matcher, session, error.reply)
    return caller


CallerDep = Annotated[Caller, Depends(get_caller)]
"""The sender, already checked against the permission table (domain/permissions.py)."""
