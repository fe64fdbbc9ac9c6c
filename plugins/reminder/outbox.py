"""The engine's way out in the bot: the connected accounts, a send through bot/send.py, and a
look into the account's message history (NapCat, Lagrange and go-cqhttp keep one)."""

from datetime import datetime, timedelta
from typing import Any

import nonebot

from bot.send import DeliveryError, find_bot, send_group, send_private
from db.models.reminder import TargetKind
from domain.reminder import Delivery, DeliveryFailed

HISTORY = 50
"""Messages of the chat looked at: a reminder in doubt was sent a lease (20 s) or so ago."""


def accounts() -> set[str]:
    """Ids of the bot accounts connected to this process right now."""
    return set(nonebot.get_bots())


async def send(delivery: Delivery) -> None:
    """Group message with @mentions, or a private message; DeliveryFailed on any error."""
    try:
        bot = find_bot(delivery.self_id)
        if delivery.target_kind == TargetKind.GROUP:
            await send_group(bot, delivery.target_id, delivery.text, delivery.mentions)
        else:
            await send_private(bot, delivery.target_id, delivery.text)
    except DeliveryError as error:
        raise DeliveryFailed(str(error)) from error


def _plain(message: dict[str, Any]) -> str:
    segments = message.get("message")
    if isinstance(segments, list):
        return "".join(str((s.get("data") or {}).get("text", "")) for s in segments
                       if isinstance(s, dict) and s.get("type") == "text")
    return str(message.get("raw_message") or segments or "")


async def verify(delivery: Delivery, since: datetime) -> bool:
    """Whether the account's message history shows this message sent at or after `since` (less a
    minute of clock skew); False when it does not, or when the history cannot be read."""
    try:
        bot = find_bot(delivery.self_id)
        if delivery.target_kind == TargetKind.GROUP:
            data = await bot.call_api("get_group_msg_history", group_id=int(delivery.target_id),
                                      count=HISTORY)
        else:
            data = await bot.call_api("get_friend_msg_history", user_id=int(delivery.target_id),
                                      count=HISTORY)
    except Exception as error:  # noqa: BLE001  (not supported, offline: cannot tell)
        nonebot.logger.info(f"message history not readable: {error!r}")
        return False
    messages = data.get("messages") if isinstance(data, dict) else None
    if not isinstance(messages, list):
        return False
    earliest = (since - timedelta(minutes=1)).timestamp()
    for message in messages:
        if not isinstance(message, dict):
            continue
        sender = message.get("user_id") or (message.get("sender") or {}).get("user_id")
        if (str(sender) == str(bot.self_id) and float(message.get("time") or 0) >= earliest
                and delivery.text in _plain(message)):
            return True
    return False
