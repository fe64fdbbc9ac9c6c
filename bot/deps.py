"""Dependencies every handler names once: the session, the chat context, the caller and their role.

Roles are checked here and only here (`Secretary`, `Committee`, `Registered` below).
"""

import functools
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any, ParamSpec, TypeVar

import nonebot
from nonebot.adapters import Bot, Event, Message
from nonebot.matcher import Matcher, current_event, current_matcher
from nonebot.params import CommandArg, Depends
from sqlalchemy import Select, and_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.chat import ChatContext, context_of, plain
from core.errors import DomainError, NotRegistered
from core.roles import Role, require
from db.engine import session_factory
from db.models import Branch, ChatAccount, GroupBinding, Member

P = ParamSpec("P")
R = TypeVar("R")

BIND_HINT = "本群还没有绑定支部。管理员请在本群发送：绑定支部 支部名称\n例如：绑定支部 城关镇离退休干部第一党支部"


_SESSION = "yinling.session"
"""Where the command's session is kept in matcher.state, so a refusal can release it before replying."""


async def get_session(matcher: Matcher) -> AsyncIterator[AsyncSession]:
    """A session for one command; the handler commits once, anything uncommitted is rolled back."""
    async with session_factory()() as session:
        matcher.state[_SESSION] = session
        yield session


async def release_session(matcher: Matcher | None = None) -> None:
    """Roll back the command's abandoned transaction now, before a reply goes out.

    NoneBot closes dependency sessions only when the whole event is done, after every send; until
    then an open transaction keeps its pooled connection (SQLite: the one connection, and with
    BEGIN IMMEDIATE the write lock), so every other command would wait for this reply's network send.
    """
    session = (matcher or current_matcher.get()).state.get(_SESSION)
    if isinstance(session, AsyncSession) and session.in_transaction():
        await session.rollback()


SessionDep = Annotated[AsyncSession, Depends(get_session)]
Arg = Annotated[Message, CommandArg()]
"""The text after the command word (segments kept, so @mentions survive)."""


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

    def need(self, role: Role) -> None:
        """PermissionDenied unless the caller has at least this role."""
        require(self.role, role)

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


async def finish_error(error: DomainError) -> None:
    """Reply with the error's Chinese text and stop the matcher (nothing is committed)."""
    await release_session()
    await current_matcher.get().finish(plain(current_event.get(), error.reply))


def _caller_rows(ctx: ChatContext) -> Select[tuple[Branch, Member | None]]:
    """One statement for branch and member: the group's binding (member only if of that branch),
    or in private chat the account's member and their branch. This runs before every command."""
    account = and_(ChatAccount.platform == ctx.platform, ChatAccount.user_id == ctx.user_id)
    if ctx.group_id is None:
        return (select(Branch, Member).join(Member, col(Member.branch_id) == col(Branch.id))
                .join(ChatAccount, col(ChatAccount.member_id) == col(Member.id)).where(account))
    return (
        select(Branch, Member).select_from(GroupBinding)
        .join(Branch, col(Branch.id) == col(GroupBinding.branch_id))
        .outerjoin(ChatAccount, account)
        .outerjoin(Member, and_(col(Member.id) == col(ChatAccount.member_id),
                                col(Member.branch_id) == col(GroupBinding.branch_id)))
        .where(GroupBinding.platform == ctx.platform, GroupBinding.group_id == ctx.group_id)
    )


async def get_caller(bot: Bot, event: Event, matcher: Matcher, session: SessionDep) -> Caller:
    """Resolve branch, member and role; unbound groups: tell superusers how to bind, others silence.

    A member of another branch is a guest in this group. (The context is read here rather than
    through ContextDep: one dependency level fewer on every command.)
    """
    ctx = context_of(bot, event)
    superuser = is_superuser(ctx)
    row = (await session.exec(_caller_rows(ctx))).first()
    branch, member = row if row is not None else (None, None)
    if branch is None and ctx.group_id is not None:
        await release_session(matcher)
        if superuser:
            await matcher.finish(BIND_HINT)
        await matcher.finish()
    role = Role.SUPERUSER if superuser else (Role(member.role) if member else Role.GUEST)
    return Caller(ctx=ctx, branch=branch, member=member, role=role)


CallerDep = Annotated[Caller, Depends(get_caller)]


def _at_least(role: Role, *, member: bool = False) -> Any:
    async def check(caller: CallerDep) -> Caller:
        try:
            caller.branch_id  # noqa: B018  (raises when no branch is known)
            if member:
                caller.me  # noqa: B018
            caller.need(role)
        except DomainError as error:
            await finish_error(error)
        return caller

    return Depends(check)


Registered = Annotated[Caller, _at_least(Role.MEMBER, member=True)]
"""A 报到'd member of the branch this message belongs to."""
Anyone = Annotated[Caller, _at_least(Role.GUEST)]
"""Anyone in a bound group, or a 报到'd member in private chat."""
Committee = Annotated[Caller, _at_least(Role.COMMITTEE)]
Secretary = Annotated[Caller, _at_least(Role.SECRETARY)]
Superuser = Annotated[Caller, _at_least(Role.SUPERUSER)]


def replies_errors(func: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R | None]]:
    """Turn a DomainError raised by a service into its Chinese reply (the transaction rolls back)."""

    @functools.wraps(func)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> R | None:
        try:
            return await func(*args, **kwargs)
        except DomainError as error:
            await finish_error(error)
            return None

    return wrapper
