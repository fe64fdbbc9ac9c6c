"""Messages that are not replies: reminders, notifications to a group or to one member privately.

Platform specifics stay here; callers pass plain text (never parsed as CQ code) and user ids to @.
"""

from collections.abc import Sequence

import nonebot
from nonebot import logger
from nonebot.adapters import Bot

from bot.chat import ChatContext


class DeliveryError(RuntimeError):
    """The message could not be handed to the platform (bot offline, API error)."""


def find_bot(self_id: str | None = None) -> Bot:
    """The connected bot account with this id (any connected bot when self_id is None)."""
    bots = nonebot.get_bots()
    if self_id is not None and self_id in bots:
        return bots[self_id]
    if self_id is None and bots:
        return next(iter(bots.values()))
    raise DeliveryError(f"bot account {self_id or '(any)'} is not connected")


def _onebot_message(text: str, mentions: list[str] | None = None,  # noqa: ANN202
                    images: Sequence[bytes] = ()):
    from nonebot.adapters.onebot.v11 import Message, MessageSegment

    message = Message()
    for user_id in mentions or []:
        message += MessageSegment.at(user_id)
        message += MessageSegment.text(" ")
    message += MessageSegment.text(text)
    for data in images:  # base64: NapCat/Lagrange need not share our disk
        message += MessageSegment.image(data)
    return message


async def send_group(bot: Bot, group_id: str, text: str, mentions: list[str] | None = None,
                     images: Sequence[bytes] = ()) -> str | None:
    """Post text (then images) to a group, @-mentioning the given user ids first; the sent
    message's id (OneBot)."""
    try:
        if bot.adapter.get_name() == "Console":
            await bot.send_message(channel_id=group_id, message=text)  # type: ignore[attr-defined]
            return None
        result = await bot.call_api("send_group_msg", group_id=int(group_id),
                                    message=_onebot_message(text, mentions, images))
    except DeliveryError:
        raise
    except Exception as error:  # the adapter's network/API errors have no common base
        logger.warning(f"send to group {group_id} failed: {error!r}")
        raise DeliveryError(str(error)) from error
    message_id = result.get("message_id") if isinstance(result, dict) else None
    return None if message_id is None else str(message_id)


async def send_private(bot: Bot, user_id: str, text: str) -> None:
    """Send text to one person in private chat."""
    try:
        if bot.adapter.get_name() == "Console":
            await bot.send_private_message(user_id=user_id, message=text)  # type: ignore[attr-defined]
            return
        await bot.call_api("send_private_msg", user_id=int(user_id), message=_onebot_message(text))
    except Exception as error:  # the adapter's network/API errors have no common base
        logger.warning(f"send to user {user_id} failed: {error!r}")
        raise DeliveryError(str(error)) from error


async def withdraw(bot: Bot, ctx: ChatContext) -> bool:
    """Recall the sender's group message (OneBot delete_msg; works when the bot is a group admin)."""
    if ctx.platform != "onebot" or ctx.message_id is None or ctx.group_id is None:
        return False
    try:
        await bot.call_api("delete_msg", message_id=int(ctx.message_id))
    except Exception as error:  # ActionFailed, network errors: the adapter has no common base
        logger.info(f"delete_msg refused: {error!r}")
        return False
    return True
