"""The engine's way out in the bot: the connected accounts, and a send through bot/send.py."""

import nonebot

from bot.send import DeliveryError, find_bot, send_group, send_private
from db.models.reminder import TargetKind
from domain.reminder import Delivery, DeliveryFailed


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
