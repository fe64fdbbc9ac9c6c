"""Dispatch by the command word: NoneBot's matcher storage, serving the dispatch of a message only
the matchers that can match it.

NoneBot checks every matcher of a priority on every message, each in a task of its own (a task
group spawn, permission and rule checks: ≈0.07 ms). With ~110 command matchers in one priority,
that was most of a 帮助's or 积分's CPU (bench_signin: 11–26 ms per event against 3 ms for a bare
bot). A command matcher's rule (`_CommandFirst`, bot/commands.py) can only pass when the word
NoneBot's command trie parsed from the message is one of its commands; the same trie is asked
here, so the matchers left out are exactly those whose rule would have said no.

How it knows the message: the OneBot adapter (bot/onebot.py) names each event as it is made from
the WebSocket frame, just before NoneBot starts the event's task, which inherits that name (a
context variable). The trie is asked when NoneBot first reads the matchers, after the
preprocessors (bot/runtime.py) have cleaned the message, as NoneBot's own trie match is. Events
named by no one (the console adapter, nonebug) see every matcher, as before.

The storage is NoneBot's extension point for it (`MatcherManager.set_provider`, a MatcherProvider).
"""

from collections import defaultdict
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from typing import Any

from nonebot.adapters import Event
from nonebot.consts import CMD_KEY
from nonebot.matcher import DEFAULT_PROVIDER_CLASS, Matcher, MatcherProvider, matchers
from nonebot.rule import TrieRule

_UNPARSED = object()


class _Dispatch:
    """One event's dispatch: the event, and the command word once parsed."""

    __slots__ = ("event", "command")

    def __init__(self, event: Event) -> None:
        self.event = event
        self.command: Any = _UNPARSED

    def word(self) -> Any:
        """The command NoneBot's trie parses from the message (None: no command)."""
        if self.command is _UNPARSED:
            try:
                self.command = TrieRule.get_value(None, self.event, {}).get(CMD_KEY)  # type: ignore[arg-type]
            except Exception:  # noqa: BLE001  (NoneBot's own match fails alike: no command matches)
                self.command = None
        return self.command


_current: ContextVar[_Dispatch | None] = ContextVar("yinling_dispatch", default=None)


def dispatching(event: Event) -> None:
    """Name the event whose task is about to be started (the adapter calls this)."""
    _current.set(_Dispatch(event))


def could_match(matcher: type[Matcher], command: Any) -> bool:
    """False only for a command matcher none of whose commands is the message's command word."""
    commands = getattr(matcher.rule, "commands", None)
    return commands is None or command in commands


class _Routed(list[type[Matcher]]):
    """The matchers of a priority that can match the event being dispatched. A matcher NoneBot
    adds or removes meanwhile (a conversation's temporary matcher) goes to the full list."""

    def __init__(self, shown: list[type[Matcher]], full: list[type[Matcher]]) -> None:
        super().__init__(shown)
        self._full = full

    def append(self, matcher: type[Matcher]) -> None:  # noqa: D102
        self._full.append(matcher)

    def remove(self, matcher: type[Matcher]) -> None:  # noqa: D102
        self._full.remove(matcher)

    def _refuse(self, *_args: Any, **_kwargs: Any) -> None:
        raise TypeError("the routed view of the matchers is read-only but for append and remove")

    insert = extend = pop = clear = sort = reverse = __setitem__ = __delitem__ = __iadd__ = _refuse  # type: ignore[assignment]


class RoutedProvider(MatcherProvider):
    """Every matcher, by priority; while an event is dispatched, only those that could match it."""

    def __init__(self, existing: Mapping[int, list[type[Matcher]]]) -> None:
        self._all: defaultdict[int, list[type[Matcher]]] = defaultdict(list, existing)

    def __getitem__(self, priority: int) -> list[type[Matcher]]:
        full = self._all[priority]
        dispatch = _current.get()
        if dispatch is None:
            return full
        command = dispatch.word()
        return _Routed([m for m in full if could_match(m, command)], full)

    def __setitem__(self, priority: int, value: list[type[Matcher]]) -> None:
        self._all[priority] = value

    def __delitem__(self, priority: int) -> None:
        del self._all[priority]

    def __iter__(self) -> Iterator[int]:
        return iter(self._all)

    def __len__(self) -> int:
        return len(self._all)

    def __contains__(self, priority: object) -> bool:
        return priority in self._all


def install() -> None:
    """Route NoneBot's default matcher storage. Another storage (a test harness's: nonebug's) is
    left as it is; its events are not named by the OneBot adapter anyway."""
    if type(matchers.provider) is DEFAULT_PROVIDER_CLASS:
        matchers.set_provider(RoutedProvider)
