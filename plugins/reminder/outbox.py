"""The real outbox: bot accounts connected to this NoneBot process, sending through bot/send.py."""

import nonebot

from bot.send import DeliveryError, find_bot, send_group, send_private
from db.models.reminder import Reminder, TargetKind
from plugins.partyday.engine import DeliveryFailed, Rendered


class BotOutbox:
    """Delivers through whichever bot account serves the reminder's target."""

    def accounts(self) -> set[str]:
        """Ids of the bot accounts connected right now."""
        return set(nonebot.get_bots())

    async def send(self, reminder: Reminder, rendered: Rendered) -> None:
        """Group message with @mentions, or a private message; DeliveryFailed on any error."""
        try:
            bot = find_bot(reminder.self_id)
            if reminder.target_kind == TargetKind.GROUP:
                await send_group(bot, reminder.target_id, rendered.text, rendered.mentions)
            else:
                await send_private(bot, reminder.target_id, rendered.text)
        except DeliveryError as error:
            raise DeliveryFailed(str(error)) from error
