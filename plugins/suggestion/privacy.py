"""Keep anonymous authors out of the log, which whoever runs the bot (often the secretary) can read.

NoneBot logs every incoming message at SUCCESS level with its sender's id and text, before any plugin
sees it (匿名建议, and 实名 #N, which says who wrote #N); bot.send logs a failed private send with the
user id. Both would tie an anonymous suggestion to its author (the message itself, or `回复建议 #3`
followed by `send to user 10003 failed`).
A loguru patcher rewrites exactly those records; everything else is logged as before.
"""

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from nonebot import logger

MARK = "匿名建议"
_CLAIM = re.compile(r"""['"]/?\s*实名""")
"""实名 #N at the start of a logged message: even a refused one says who wrote #N."""
REDACTED = "匿名建议（为保护匿名，发送人和内容不记入日志）"
SEALED_USER = "(匿名建议的作者)"

_sending_sealed: ContextVar[str | None] = ContextVar("suggestion_sending_sealed", default=None)


@contextmanager
def sealed_send(user_id: str | None) -> Iterator[None]:
    """While sending to an anonymous author (None: a named one), the log names them SEALED_USER."""
    token = _sending_sealed.set(user_id)
    try:
        yield
    finally:
        _sending_sealed.reset(token)


def seal_sender(user_id: str) -> None:
    """For the rest of this command (its matcher task), sends to `user_id` are logged as SEALED_USER.

    For 匿名建议 / 实名 in a group, answered privately by the reply pipeline after the handler returns.
    """
    _sending_sealed.set(user_id)


def redact(record: Any) -> None:
    """Rewrite a record that would name an anonymous author (a loguru patcher)."""
    message: str = record["message"]
    if record["function"] == "handle_event" and (MARK in message or _CLAIM.search(message)):
        head = message.split(" | ", 1)[0] if " | " in message else ""
        record["message"] = f"{head} | {REDACTED}" if head else REDACTED
    elif (user_id := _sending_sealed.get()) is not None and user_id in message:
        record["message"] = message.replace(user_id, SEALED_USER)


def install() -> None:
    """Add redact() in front of the patcher already set (NoneBot's, which names plugins)."""
    # loguru keeps one global patcher and has no public getter; chaining keeps NoneBot's.
    previous: Callable[[Any], None] | None = getattr(getattr(logger, "_core", None), "patcher", None)
    if previous is not None and getattr(previous, "__wrapped__", None) is redact:
        return

    def patch(record: Any) -> None:
        redact(record)
        if previous is not None:
            previous(record)

    patch.__wrapped__ = redact  # type: ignore[attr-defined]  # a mark on a plain function: install() sees it is ours
    logger.configure(patcher=patch)
