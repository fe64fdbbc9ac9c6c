"""Where reminders leave the engine: a send callback and the accounts it can send through.

The engine never imports the bot. The plugin passes `send` (deliver one message or raise
DeliveryFailed), `accounts` (the bot accounts connected to this process) and `verify` (does the
platform's history show a message as sent); tests pass a fake of the platform that records what
it was given.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime

from db.models.reminder import TargetKind


class DeliveryFailed(RuntimeError):
    """The platform could not take the message (raise it from the send callback)."""


@dataclass(frozen=True)
class Delivery:
    """One message to hand to the platform, with the claimed row's identity and address."""

    reminder_id: int
    platform: str
    target_kind: TargetKind
    target_id: str
    self_id: str | None
    """The bot account that serves the target (None: any connected one)."""
    text: str
    mentions: list[str] = field(default_factory=list)
    late: bool = False
    """Sent past its due time (补发); the text already says so."""


Send = Callable[[Delivery], Awaitable[None]]
"""Deliver one message, or raise DeliveryFailed."""
Verify = Callable[[Delivery, datetime], Awaitable[bool]]
"""Whether the platform shows this message as sent by the account since the time (its message
history); False when it does not or cannot tell. Asked about a send whose process died before
the platform's answer was written down."""
Accounts = Callable[[], set[str]]
"""Bot account ids connected to this process right now (empty: nothing can be delivered)."""
