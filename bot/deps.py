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
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.chat import ChatContext, context_of, plain
from core.errors import DomainError, NotRegistered
from core.roles import Role, require
from db.engine import session_factory
from db.models import Branch, Member

P = ParamSpec("P")
R = TypeVar("R")

BIND_HINT = "本群还没有绑定支部。管理员请在本群发送：绑定支部 支部名称\n例如：绑定支部 城关镇离退休干部第一党支部"


async def get_session() -> AsyncIterator[AsyncSession]:
    """A session for one command; the handler commits once, anything uncommitted is rolled back."""
    async with session_factory()() as session:
        yield session


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
    """Reply with the error's Chinese text and stop the matcher."""
    await current_matcher.get().finish(plain(current_event.get(), error.reply))


async def get_caller(matcher: Matcher, session: SessionDep, ctx: ContextDep) -> Caller:
    """Resolve branch, member and role; unbound groups: tell superusers how to bind, others silence."""
    # Imported here: plugins/roster/__init__ imports this module, so a module-level import makes
    # whichever plugin NoneBot happens to load first (set order) fail with a circular import.
    from plugins.roster.service import binding_of, member_of_account

    superuser = is_superuser(ctx)
    branch: Branch | None = None
    member = await member_of_account(session, ctx.platform, ctx.user_id)
    if ctx.group_id is not None:
        binding = await binding_of(session, ctx.platform, ctx.group_id)
        if binding is None:
            if superuser:
                await matcher.finish(BIND_HINT)
            await matcher.finish()
        branch = await session.get(Branch, binding.branch_id)
        if member is not None and member.branch_id != binding.branch_id:
            member = None  # a member of another branch is a guest here
    elif member is not None:
        branch = await session.get(Branch, member.branch_id)
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
