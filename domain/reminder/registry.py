"""What the engine and the capabilities that own reminders agree on: sources and renderers.

A capability (meetings, volunteer, party days, …) describes its reminders as a `Source`: a scanner
that materialises reminder rows for its own tables, renderers that word a row of one of its kinds
when it is sent, and a label per kind for 提醒列表. The plugin wiring registers the sources in a
`Registry` and hands it to the engine, which reads no capability's tables itself.
"""

from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from db.models.reminder import Reminder


@dataclass(frozen=True)
class Rendered:
    """The final words of a reminder, computed when it is sent (themes and absentees change)."""

    text: str
    mentions: list[str] = field(default_factory=list)


class Skip(str):
    """A renderer's reason to skip (listed in 提醒列表), e.g. the event has already begun."""

    __slots__ = ()


Renderer = Callable[[AsyncSession, Reminder], Awaitable[Rendered | str | None]]
"""Returns the words to send, or a Chinese reason why not: str → cancelled, Skip → skipped."""
Scanner = Callable[[AsyncSession, datetime], Awaitable[int]]
"""Materialise (or cancel) the source's reminder rows as of `now`; returns how many rows changed."""
Label = Callable[[Reminder], str]
"""How 提醒列表 names a row of the kind: '主题党日提醒（提前3天）'."""


@dataclass(frozen=True)
class Kind:
    """One kind of reminder row: its 提醒列表 name, and its send-time renderer (none: send the text)."""

    name: str
    label: str | Label
    render: Renderer | None = None


@dataclass(frozen=True)
class Source:
    """A capability's reminders: the kinds of row it makes and the scanners that make them.

    `prune` runs before the scans, in the transaction that follows group bindings; `scan` runs
    in a transaction of its own.
    """

    name: str
    kinds: tuple[Kind, ...]
    scan: Scanner | None = None
    prune: Scanner | None = None


def _oneoff_label(row: Reminder) -> str:
    words = row.text.removeprefix("【提醒】")
    return f"提醒：{words[:20]}{'…' if len(words) > 20 else ''}"


OWN = Source("reminder", (Kind("oneoff", _oneoff_label), Kind("notice", "通知")))
"""The engine's own kinds: 提醒 <时间> <内容>, and notices sent as soon as possible."""


class Registry:
    """The sources the engine serves (its own kinds always among them), and a kind lookup."""

    def __init__(self, *sources: Source) -> None:
        self._sources: dict[str, Source] = {}
        self._kinds: dict[str, Kind] = {}
        for source in (OWN, *sources):
            self.register(source)

    def register(self, source: Source) -> None:
        """Add (or replace, by name) a capability's source; a kind belongs to one source."""
        old = self._sources.pop(source.name, None)
        for kind in old.kinds if old else ():
            self._kinds.pop(kind.name, None)
        for kind in source.kinds:
            if kind.name in self._kinds:
                raise ValueError(f"reminder kind {kind.name!r} is already registered")
            self._kinds[kind.name] = kind
        self._sources[source.name] = source

    def __iter__(self) -> Iterator[Source]:
        return iter(self._sources.values())

    def renderer(self, kind: str) -> Renderer | None:
        """The send-time renderer of a kind (None: the row's text is sent as it is)."""
        found = self._kinds.get(kind)
        return found.render if found else None

    def label(self, row: Reminder) -> str:
        """The row's name in 提醒列表."""
        found = self._kinds.get(row.kind)
        if found is None:
            return "提醒"
        return found.label if isinstance(found.label, str) else found.label(row)
