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
from nonebot.consts import CMD_ARG_KEY, PREFIX_KEY, RAW_CMD_KEY
from nonebot.matcher import Matcher, current_bot, current_event, current_matcher
from sqlalchemy import bindparam, func, literal, select, true
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.chat import context_of, plain
from bot.commands import permission_of
from bot.deps import (
    CALLER_READ,
    Arg,
    Caller,
    CallerDep,
    RawWord,
    SessionDep,
    caller_params,
    caller_statement,
    command_arg,
    get_caller,
)
from bot.send import DeliveryError, send_private
from core import timeutil
from core.errors import DomainError
from db.engine import session_factory
from db.models import ProcessedEvent
from db.prepared import Prepared, run
from db.sql import dialect_name, insert_or_ignore

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

async def first_delivery(db: AsyncSession, bot: Bot, event: Event, *, caller: bool = True) -> bool:
    """Record the message id in the command's own transaction; False when it is already there.

    Effect-once, not attempt-once: the id is committed together with what the command changed, so
    a message that a crash cut short is handled when the OneBot side delivers it again, and one that
    was handled is not handled twice (a concurrent duplicate waits on the unique key, then finds it).
    """
    ctx = context_of(bot, event)
    if ctx.message_id is None:
        return True
    key = f"{ctx.self_id}:{ctx.group_id or 'p'}:{ctx.message_id}"
    params: dict[str, Any] = {"platform": ctx.platform, "event_key": key, "seen_at": timeutil.now()}
    if not caller or dialect_name(db) != "postgresql":
        return bool((await run(db, _RECORD_EVENT, params)).rowcount)
    # One round trip for the id and the caller's row (bot/deps.py reads it from the session).
    who = caller_params(ctx)
    row = (await run(db, _RECORD_AND_CALLER[ctx.group_id is None], {**params, **who})).first()
    if row is None:
        raise RuntimeError("the message id's statement returned no row")
    db.info[CALLER_READ] = (who, None if row[1] is None else row[1:])
    return bool(row[0])


def _record_statement(dialect: str) -> Any:
    return insert_or_ignore(
        dialect, ProcessedEvent.__table__,  # type: ignore[attr-defined]
        platform=bindparam("platform"), event_key=bindparam("event_key"),
        seen_at=bindparam("seen_at", type_=ProcessedEvent.__table__.c.seen_at.type))  # type: ignore[attr-defined]


def _record_and_caller_statement(private: bool) -> Any:
    """PostgreSQL: the message id's INSERT as a CTE, and in the same statement whether it was new
    and the caller's row (NULLs when there is none). A concurrent duplicate waits on the unique
    key, then reads "not new"; its caller row is not used."""
    written = _record_statement("postgresql").returning(literal(1).label("one")).cte("written")
    caller = caller_statement(private).subquery("caller")
    fresh = select(func.count()).select_from(written).scalar_subquery()
    # The caller's branch id comes second: NULL there means no caller row.
    return (select(fresh.label("fresh"), *caller.c)
            .select_from(select(literal(1).label("one")).subquery("one").outerjoin(caller, true()))
            .add_cte(written))


_RECORD_EVENT = Prepared(_record_statement)
_RECORD_AND_CALLER = {private: Prepared(lambda _dialect, private=private:
                                        _record_and_caller_statement(private))
                      for private in (False, True)}
"""first_delivery's INSERT … ON CONFLICT DO NOTHING: every command runs it first (db.prepared)."""


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


_Provider = Callable[[Bot, Event, Matcher, AsyncSession], Awaitable[Any]]


async def _session(_bot: Bot, _event: Event, _matcher: Matcher, db: AsyncSession) -> AsyncSession:
    return db


async def _caller(bot: Bot, event: Event, matcher: Matcher, db: AsyncSession) -> Caller:
    return await get_caller(bot, event, matcher, db)


async def _arg(_bot: Bot, _event: Event, matcher: Matcher, _db: AsyncSession) -> Message:
    return await command_arg(matcher, matcher.state[PREFIX_KEY][CMD_ARG_KEY])


async def _raw(_bot: Bot, _event: Event, matcher: Matcher, _db: AsyncSession) -> str:
    raw: str = matcher.state[PREFIX_KEY][RAW_CMD_KEY]
    return raw


async def _bot(bot: Bot, _event: Event, _matcher: Matcher, _db: AsyncSession) -> Bot:
    return bot


async def _event(_bot: Bot, event: Event, _matcher: Matcher, _db: AsyncSession) -> Event:
    return event


_PROVIDERS: tuple[tuple[Any, _Provider], ...] = (
    (Arg, _arg), (SessionDep, _session), (CallerDep, _caller), (RawWord, _raw), (Bot, _bot),
    (Event, _event))
"""What the pipeline hands a handler itself, in this order (a too-long argument is refused before
the caller is looked up): the same values NoneBot's dependency injection would, without it. There
each Depends costs task groups and cancel scopes per level (a third of a 签到's CPU in
bench_signin's profile); a handler that names only these has no parameter left for NoneBot to solve.
A narrower annotation (`event: GroupMessageEvent`) stays NoneBot's: its type check skips the handler."""


def _split_signature(func: Handler) -> tuple[inspect.Signature, list[tuple[str, _Provider]]]:
    """The parameters left for NoneBot's injection, and those the pipeline provides (see _PROVIDERS)."""
    signature = inspect.signature(func, eval_str=True)
    provided = sorted(((name, index, provider) for name, param in signature.parameters.items()
                       for index, (annotation, provider) in enumerate(_PROVIDERS)
                       if param.annotation is annotation), key=lambda item: item[1])
    ours = {name for name, _, _ in provided}
    rest = [param for name, param in signature.parameters.items() if name not in ours]
    return signature.replace(parameters=rest), [(name, provider) for name, _, provider in provided]


def _sealed(matcher: type[Matcher]) -> bool:
    """A sealed command (permission table): its refusals, like its answers, go to the sender privately."""
    try:
        return permission_of(matcher).sealed
    except KeyError:  # a matcher that is not a table command
        return False


async def _run(func: Handler, db: AsyncSession, args: Any, kwargs: dict[str, Any],
               matcher: type[Matcher]) -> None:
    """Call the handler (the message id is recorded already); commit once or roll back; then
    send its reply."""
    bot, event = current_bot.get(), current_event.get()
    try:
        outcome = await func(*args, **kwargs)
    except DomainError as error:
        await db.rollback()
        # A redelivered message the first delivery handled (报到 again → "您已报到") is silent.
        handled = not await first_delivery(db, bot, event, caller=False)
        await end_transaction(db, commit=not handled)
        if handled:
            return
        outcome = Reply(error.reply, private=_sealed(matcher))
    except BaseException:
        await end_transaction(db, commit=False)  # before run_postprocessor's apology
        raise
    else:
        await end_transaction(db, commit=True)
    await deliver(outcome)


def handle(matcher: type[Matcher]) -> Callable[[Handler], Handler]:
    """Register `func` as the matcher's handler, inside the pipeline (commit once, then send)."""

    def decorate(func: Handler) -> Handler:
        signature, provided = _split_signature(func)

        @functools.wraps(func)
        async def run(*args: Any, **kwargs: Any) -> None:
            bot, event, this = current_bot.get(), current_event.get(), current_matcher.get()
            async with session_factory()() as db:
                # The id first: its statement begins the transaction the caller is read in, and
                # a duplicate delivered meanwhile waits on its unique key and then does nothing.
                if not await first_delivery(db, bot, event):
                    await end_transaction(db, commit=False)
                    logger.info("a redelivered message was already handled: no second effect")
                    return
                for name, provide in provided:
                    kwargs[name] = await provide(bot, event, this, db)
                await _run(func, db, args, kwargs, matcher)

        run.__signature__ = signature  # type: ignore[attr-defined]  # NoneBot's DI reads this
        matcher.handle()(run)
        return func

    return decorate
