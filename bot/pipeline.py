"""The reply pipeline: a handler reads the words, calls the domain and *returns* its reply.

    @handle(signin_cmd)
    async def handle_signin(db: SessionDep, caller: CallerDep) -> str:
        return t.signed(await meetings.sign_in(db, branch_id=caller.branch_id, member=caller.me))

Here, and only here, the command's transaction ends: committed once when the handler returns, or
rolled back when it raises (a DomainError becomes its Chinese reply with its example). The message
id is recorded in that same transaction, so a redelivered message has one effect (first_delivery). The session
is closed *before* anything is sent, so no reply waits on the network while holding a connection
(on SQLite: the one connection and its write lock). Handlers never call `commit()` or `finish()`.
"""

import functools
import inspect
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from nonebot import logger
from nonebot.adapters import Bot, Event, Message, MessageSegment
from nonebot.matcher import Matcher, current_bot, current_event, current_matcher
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.chat import context_of, plain
from bot.commands import permission_of
from bot.deps import SessionDep
from bot.send import DeliveryError, send_private
from core import timeutil
from core.errors import DomainError
from db.models import ProcessedEvent
from db.sql import insert_or_ignore

AfterSend = Callable[[], Awaitable[Any]]


@dataclass
class Reply:
    """A reply with more than text: said privately, and/or work to do once it is sent."""

    text: str | Message | None = None
    private: bool = False
    """Send to the sender in private chat instead of where the command was said."""
    after: Sequence[AfterSend] = field(default_factory=tuple)
    """Run after the commit and the reply (notifying a secretary privately, say); a failure is logged."""


Outcome = str | Message | MessageSegment | Reply | None
Handler = Callable[..., Awaitable[Outcome]]

_DB = "yinling_db"


async def first_delivery(db: AsyncSession, bot: Bot, event: Event) -> bool:
    """Record the message id in the command's own transaction; False when it is already there.

    Effect-once, not attempt-once: the id is committed together with what the command changed, so
    a message that a crash cut short is handled when the OneBot side delivers it again, and one that
    was handled is not handled twice (a concurrent duplicate waits on the unique key, then finds it).
    """
    ctx = context_of(bot, event)
    if ctx.message_id is None:
        return True
    key = f"{ctx.self_id}:{ctx.group_id or 'p'}:{ctx.message_id}"
    stmt = insert_or_ignore(db, ProcessedEvent, platform=ctx.platform, event_key=key,
                            seen_at=timeutil.now())
    result = await db.exec(stmt)
    return bool(result.rowcount)


async def end_transaction(db: AsyncSession, *, commit: bool) -> None:
    """Commit (or roll back) and give the connection back to the pool."""
    try:
        if commit:
            await db.commit()
        else:
            await db.rollback()
    finally:
        await db.close()


async def deliver(outcome: Outcome, *, bot: Bot | None = None, event: Event | None = None,
                  matcher: Matcher | None = None) -> None:
    """Send a handler's outcome where it belongs, then run its after-send work."""
    bot, event = bot or current_bot.get(), event or current_event.get()
    matcher = matcher or current_matcher.get()
    reply = outcome if isinstance(outcome, Reply) else Reply(outcome)
    text = reply.text
    if text is not None and text != "":
        if reply.private and not isinstance(text, str):
            text = text.extract_plain_text()
        if reply.private and context_of(bot, event).group_id is not None:
            try:
                await send_private(bot, event.get_user_id(), str(text))
            except DeliveryError as error:
                logger.warning(f"private reply not delivered: {error!r}")
        else:
            if isinstance(text, str) and event.get_type() == "message":  # a notice has no message type
                text = plain(event, text)
            await matcher.send(text)
    for work in reply.after:
        try:
            await work()
        except Exception as error:  # noqa: BLE001  (the command is done; a follow-up may fail alone)
            logger.warning(f"after-send work failed: {error!r}")


def _signature_with_db(func: Handler) -> tuple[inspect.Signature, str | None]:
    """The handler's signature (annotations resolved) plus a session parameter if it has none."""
    signature = inspect.signature(func, eval_str=True)
    for name, param in signature.parameters.items():
        if param.annotation is SessionDep:
            return signature, name
    extra = inspect.Parameter(_DB, inspect.Parameter.KEYWORD_ONLY, annotation=SessionDep)
    params = list(signature.parameters.values())
    return signature.replace(parameters=[*params, extra]), None


def _sealed(matcher: type[Matcher]) -> bool:
    """A sealed command (permission table): its refusals, like its answers, go to the sender privately."""
    try:
        return permission_of(matcher).sealed
    except KeyError:  # a matcher that is not a table command
        return False


def handle(matcher: type[Matcher]) -> Callable[[Handler], Handler]:
    """Register `func` as the matcher's handler, inside the pipeline (commit once, then send)."""

    def decorate(func: Handler) -> Handler:
        signature, own_name = _signature_with_db(func)

        @functools.wraps(func)
        async def run(*args: Any, **kwargs: Any) -> None:
            db: AsyncSession = kwargs[own_name] if own_name else kwargs.pop(_DB)
            try:
                outcome = await func(*args, **kwargs)
            except DomainError as error:
                await db.rollback()
                # A redelivered message the first delivery handled (报到 again → "您已报到") is silent.
                handled = not await first_delivery(db, current_bot.get(), current_event.get())
                await end_transaction(db, commit=not handled)
                if handled:
                    return
                outcome = Reply(error.reply, private=_sealed(matcher))
            except BaseException:
                await end_transaction(db, commit=False)  # before run_postprocessor's apology
                raise
            else:
                if not await first_delivery(db, current_bot.get(), current_event.get()):
                    await end_transaction(db, commit=False)
                    logger.info("a redelivered message was already handled: no second effect")
                    return
                await end_transaction(db, commit=True)
            await deliver(outcome)

        run.__signature__ = signature  # type: ignore[attr-defined]  # NoneBot's DI reads this
        matcher.handle()(run)
        return func

    return decorate
