"""What the engine, the renderers and the outbox agree on. No nonebot here."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Protocol

from sqlmodel.ext.asyncio.session import AsyncSession

from db.models.reminder import Reminder


class DeliveryFailed(RuntimeError):
    """The outbox could not hand the message to the platform (raise it from Outbox.send)."""


@dataclass(frozen=True)
class Rendered:
    """The final words of a reminder, computed when it is sent (themes and absentees change)."""

    text: str
    mentions: list[str] = field(default_factory=list)


class Outbox(Protocol):
    """Where messages leave the process: the connected bot accounts, and a send."""

    def accounts(self) -> set[str]:
        """Bot account ids connected to this process (empty: nothing can be delivered)."""
        ...

    async def send(self, reminder: Reminder, rendered: Rendered) -> None:
        """Deliver or raise DeliveryFailed."""
        ...


class Skip(str):
    """A renderer's reason to skip (listed in 提醒列表), e.g. the event has already begun."""


Renderer = Callable[[AsyncSession, Reminder], Awaitable[Rendered | str | None]]
"""Returns the words to send, or a Chinese reason why not: str → cancelled, Skip → skipped."""
RENDERERS: dict[str, Renderer] = {}


def renderer(kind: str) -> Callable[[Renderer], Renderer]:
    """Register the send-time renderer of a reminder kind (kinds without one send their text)."""

    def register(func: Renderer) -> Renderer:
        RENDERERS[kind] = func
        return func

    return register
