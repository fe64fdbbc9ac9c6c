"""No log line ties a sender to a sealed command, or carries its text — by construction.

Whoever runs the bot (often the secretary) reads its log. A command whose permission-table row is
`sealed=True` (匿名建议, and 实名 #N, which says who wrote #N) must not appear there with its
sender's QQ number or its words: not in NoneBot's incoming-message line, not in a warning about a
failed private answer, at no level (TRACE included).

How it is decided: not from the raw text. For every message event, `sealed_command` finds the
command the matchers would see — a copy of the message goes through the same preprocessing
(bot/runtime.py: control characters, the ornaments around it, full-width ／; a leading @-mention
or quote dropped), then NoneBot's own command trie (every COMMAND_START, every alias), and the
word is looked up in the permission table (bot/commands.py knows which command each word is).

How it is kept: while a sealed command's event is handled (its task, and every task it starts), a
loguru patcher rewrites every record: NoneBot's incoming line becomes a fixed text, and any other
line that carries the sender's id or the message's words (NoneBot's TRACE dump of a matcher's
arguments, a failed private answer) is replaced whole. The event is recognised twice, by the
same function: when NoneBot logs the incoming line (before any preprocessor) and in the event
preprocessor (which always runs, whatever sinks and levels are configured).

A 报到码 (报到 <姓名> <six digits>: domain/roster/claiming.py) is kept out the same way, but only
the digits: the command is not sealed, so its lines still say who sent 报到 for which name, and the
code is written CODE_MASK in every line of its handling (in whatever digits it was typed, full-width
too); an error while it is handled is logged without its traceback. The code is found by the same
parsing as above and the domain's own split_code. 报到码 <姓名>, which answers with a new code,
hands it to `keep_code_out`.

Separately, `hidden_recipient` hides the id of someone a *non*-sealed command writes to privately
when that person must stay hidden (the anonymous author hearing 回复建议).
"""

import re
import sys
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, cast

import nonebot.message
from nonebot import logger
from nonebot.adapters import Bot, Event, Message
from nonebot.rule import TrieRule

from bot.commands import command_named
from core.textparse import normalize, strip_decoration
from domain.permissions import permission
from domain.roster import CODE_DIGITS, split_code

REDACTED = "保密命令（为保护匿名，发送人和内容不记入日志）"
"""What NoneBot's incoming-message line says instead, for a sealed command."""
HIDDEN_USER = "(保密发送人)"
HIDDEN_LINE = "(保密命令的处理记录：发送人和内容不记入日志)"
"""Any other line written while a sealed command is handled that would carry its sender or words."""
CODE_MASK = "******"
"""What a 报到码 is written as in the log."""
_CODE_COMMANDS = frozenset({"报到"})
"""The table's commands whose argument may end in a 报到码 (their aliases are the same command)."""
_DIGIT_RUN = re.compile(rf"(?<!\d)\d{{{CODE_DIGITS}}}(?!\d)")
"""Six digits (any script: full-width too) that are not part of a longer number."""
_LEADING_SEGMENTS = frozenset({"at", "reply"})
"""An @-mention (of the bot, or anyone) or a quoted message before the command word."""


@dataclass(frozen=True)
class Sealed:
    """A sealed command being handled: what every log line of its handling must not carry."""

    command: str
    user_id: str
    words: tuple[str, ...]
    """The message's text, as received and as prepared, and its argument (≥ 2 characters)."""

    def named_in(self, line: str) -> bool:
        """Whether a log line carries the sender's id or any of the words."""
        return self.user_id in line or any(word in line for word in self.words)


_current: ContextVar[Sealed | None] = ContextVar("yinling_sealed_event", default=None)
_hidden: ContextVar[str | None] = ContextVar("yinling_hidden_recipient", default=None)
_code: ContextVar[str | None] = ContextVar("yinling_registration_code", default=None)
_prepare: Callable[[Event], None] | None = None
"""The command layer's preprocessing of a message event (installed by bot/runtime.py)."""


class _Probe:
    """What the command layer's preprocessing reads of a message event (its type, its message),
    holding a copy of the message: ~30 µs, where a deep copy of the whole event took ~370."""

    def __init__(self, message: Message) -> None:
        self.message = message

    def get_type(self) -> str:
        return "message"

    def get_message(self) -> Message:
        return self.message


def _probe(event: Event) -> Message | None:
    """The message as the command matchers will see it, on a copy (the event is not touched)."""
    try:
        original = event.get_message()
        message = type(original)(type(s)(s.type, dict(s.data)) for s in original)
    except Exception:  # noqa: BLE001  (an event without a message is no command)
        return None
    if _prepare is not None and message:
        _prepare(cast("Event", _Probe(message)))
    return message


def _parse(message: Message) -> tuple[str, str] | None:
    """The table's command a prepared message starts with (after any @-mention or quote), and the
    text after its word."""
    segments = iter(message)
    first = next((s for s in segments if s.type not in _LEADING_SEGMENTS), None)
    if first is None or not first.is_text():
        return None
    text = str(first).lstrip()
    found = TrieRule.prefix.longest_prefix(text)
    if not found or (name := command_named(found.value.command)) is None:
        return None
    rest = "".join(str(s) for s in segments if s.is_text())
    return name, (text[len(found.key):] + rest).strip()


def _command_in(event: Event, *, prepared: bool) -> tuple[str, str] | None:
    try:
        if event.get_type() != "message":
            return None
        message = event.get_message() if prepared else _probe(event)
    except Exception:  # noqa: BLE001  (an event without a message is no command)
        return None
    return _parse(message) if message else None


def _sealed_in(event: Event, *, prepared: bool) -> tuple[str, str] | None:
    parsed = _command_in(event, prepared=prepared)
    return parsed if parsed is not None and permission(parsed[0]).sealed else None


def _code_in(parsed: tuple[str, str] | None) -> str | None:
    """The 报到码 a parsed command carries (ASCII digits), or None."""
    if parsed is None or parsed[0] not in _CODE_COMMANDS:
        return None
    # The ornaments after it too (`／报到 张三 123456🌹`: the command layer keeps them after a long
    # text, and then takes no code; the member typed one all the same).
    return split_code(normalize(strip_decoration(parsed[1], leading=False)))[1]


def _without_code(text: str, code: str) -> str:
    """The text with the code, in whatever digits it is written, as CODE_MASK."""
    return _DIGIT_RUN.sub(
        lambda found: CODE_MASK if unicodedata.normalize("NFKC", found[0]) == code else found[0], text)


def sealed_command(event: Event, *, prepared: bool = False) -> str | None:
    """The sealed command (permission table) this message event is, or None.

    prepared: the event has been through the command layer's preprocessing already (the
    preprocessor); otherwise a copy of it is.
    """
    parsed = _sealed_in(event, prepared=prepared)
    return None if parsed is None else parsed[0]


def watch(event: Event, *, prepared: bool = False) -> Sealed | None:
    """Decide for this event; for the rest of its handling, the log keeps a sealed one hidden (and
    a 报到码 masked)."""
    parsed = _command_in(event, prepared=prepared)
    _code.set(_code_in(parsed))
    if parsed is not None and not permission(parsed[0]).sealed:
        parsed = None
    sealed = None
    if parsed is not None:
        name, argument = parsed
        words = {event.get_plaintext().strip(), argument}
        try:
            words.add(str(getattr(event, "raw_message", "")).strip())
        except Exception:  # noqa: BLE001
            pass
        user_id = event.get_user_id()
        if (before := _current.get()) is not None and before.user_id == user_id:
            words.update(before.words)  # as received, before the preprocessor changed it
        sealed = Sealed(command=name, user_id=user_id, words=tuple(w for w in words if len(w) >= 2))
    _current.set(sealed)
    return sealed


def forget() -> None:
    """The event's handling is over (the next event in this task decides again)."""
    _current.set(None)
    _code.set(None)


def keep_code_out(code: str) -> None:
    """For the rest of this handling (its task), the log writes this 报到码 as CODE_MASK: the
    command that issues it (报到码 <姓名>) answers with it."""
    _code.set(code)


@contextmanager
def hidden_recipient(user_id: str | None) -> Iterator[None]:
    """While writing privately to someone who must stay hidden (None: nobody), the log names
    them HIDDEN_USER."""
    token = _hidden.set(user_id)
    try:
        yield
    finally:
        _hidden.reset(token)


_HANDLE_EVENT = nonebot.message.handle_event.__code__


def _event_being_logged() -> tuple[Bot, Event] | None:
    """NoneBot's handle_event, which is logging its incoming-message line: its bot and event."""
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_code is _HANDLE_EVENT:
            bot, event = frame.f_locals.get("bot"), frame.f_locals.get("event")
            if isinstance(bot, Bot) and isinstance(event, Event):
                return bot, event
            return None
        frame = frame.f_back  # type: ignore[assignment]
    return None


def _incoming_line(record: Any) -> bool:
    return record["function"] == "handle_event" and record["name"].startswith("nonebot")


def redact(record: Any) -> None:
    """The loguru patcher: keep sealed senders and texts out of this record."""
    if _incoming_line(record) and record["level"].name == "SUCCESS":
        found = _event_being_logged()
        sealed = watch(found[1]) if found is not None else _current.get()
        if sealed is not None:
            message: str = record["message"]
            head = message.split(" | ", 1)[0] if " | " in message else ""
            record["message"] = f"{head} | {REDACTED}" if head else REDACTED
            return
    if (sealed := _current.get()) is not None and record["exception"] is not None:
        # A traceback may print the error's text and (a sink with diagnose) the handler's locals.
        error = record["exception"].type
        record["exception"] = None
        name = getattr(error, "__name__", "Exception")
        record["message"] = f"{HIDDEN_LINE}（出错：{name}，详情不记入日志）"
    elif sealed is not None and sealed.named_in(record["message"]):
        record["message"] = HIDDEN_LINE  # a dump of the event or its arguments, a failed answer…
    elif (user_id := _hidden.get()) is not None:
        record["message"] = record["message"].replace(user_id, HIDDEN_USER)
    if (code := _code.get()) is not None:
        _mask(record, code)


def _mask(record: Any, code: str) -> None:
    """A record written while a 报到码 is handled: the digits masked; an error is named without its
    traceback (which may print the error's text and, a sink with diagnose, the handler's locals)."""
    record["message"] = _without_code(record["message"], code)
    if (error := record["exception"]) is not None:
        record["exception"] = None
        name = getattr(error.type, "__name__", "Exception")
        record["message"] += f"（出错：{name}，详情可能含报到码，不记入日志）"


def install(prepare: Callable[[Event], None]) -> None:
    """Put redact() in front of the patcher already set (NoneBot's, which names plugins);
    `prepare` is the command layer's own preprocessing, applied to a copy of each message."""
    global _prepare
    _prepare = prepare
    # loguru keeps one global patcher and has no public getter; chaining keeps NoneBot's.
    previous: Callable[[Any], None] | None = getattr(getattr(logger, "_core", None), "patcher", None)
    if previous is not None and getattr(previous, "__wrapped__", None) is redact:
        return

    def patch(record: Any) -> None:
        redact(record)
        if previous is not None:
            previous(record)

    patch.__wrapped__ = redact  # type: ignore[attr-defined]  # a mark: install() sees it is ours
    logger.configure(patcher=patch)
