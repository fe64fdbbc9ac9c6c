"""OneBot V11 events and messages for matcher tests, with fixed values."""

import itertools
from datetime import datetime
from typing import Any

import nonebot
from nonebot.adapters.onebot.v11 import (
    Adapter,
    Bot,
    GroupIncreaseNoticeEvent,
    GroupMessageEvent,
    Message,
    MessageSegment,
    PrivateMessageEvent,
)
from nonebot.adapters.onebot.v11.event import Sender

from tests.factories import GROUP_ID, MEMBER_ID, SELF_ID

_message_ids = itertools.count(1)
_api_ids = itertools.count(900_000)


class RecordingBot(Bot):
    """The QQ side: every API call is recorded and answered as NapCat would."""

    calls: list[tuple[str, dict[str, Any]]]

    @classmethod
    def connect(cls, self_id: str = SELF_ID) -> "RecordingBot":
        """A bot of the registered OneBot V11 adapter, recording from now on."""
        bot = cls(nonebot.get_adapter(Adapter), self_id)
        bot.calls = []
        return bot

    def sent(self) -> list[str]:
        """The plain text of every message sent so far."""
        texts = []
        for api, data in self.calls:
            if api.startswith("send_"):
                message = data.get("message")
                texts.append(Message(message).extract_plain_text()
                             if isinstance(message, Message | MessageSegment) else str(message))
        return texts

    def __repr__(self) -> str:  # hypothesis prints fixtures; Bot turns unknown attributes into APIs
        return f"RecordingBot({len(self.calls)} calls)"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(repr(self))

    async def call_api(self, api: str, **data: Any) -> Any:
        self.calls.append((api, data))
        if api.startswith("send_"):
            return {"message_id": next(_api_ids)}
        if api == "get_group_member_info":
            return {"user_id": data.get("user_id"), "nickname": "成员", "card": "", "role": "member"}
        return None


def onebot(ctx: Any, self_id: str = SELF_ID) -> Bot:
    """A nonebug bot of the OneBot V11 kind (platform 'onebot')."""
    return ctx.create_bot(base=Bot, self_id=self_id)


def plain_message(text: str) -> Message:
    """What the bot sends for a text reply: one plain text segment, never parsed as CQ code."""
    return Message(MessageSegment.text(text))


def group_message(
    text: str | Message, *, user_id: str = MEMBER_ID, group_id: int = GROUP_ID,
    message_id: int | None = None, nickname: str = "老张", time: datetime | None = None,
) -> GroupMessageEvent:
    """A OneBot V11 group message event, as NapCat/Lagrange would post it."""
    message = text if isinstance(text, Message) else Message(text)
    return GroupMessageEvent(
        time=int(time.timestamp()) if time else 1_790_000_000,
        self_id=int(SELF_ID), post_type="message", sub_type="normal", user_id=int(user_id),
        message_type="group", group_id=group_id, message_id=message_id or next(_message_ids),
        message=message, original_message=message, raw_message=str(message), font=0,
        sender=Sender(user_id=int(user_id), nickname=nickname, card="", role="member"),
        to_me=False,
    )


def private_message(
    text: str | Message, *, user_id: str = MEMBER_ID, message_id: int | None = None
) -> PrivateMessageEvent:
    """A OneBot V11 private (friend) message event."""
    message = text if isinstance(text, Message) else Message(text)
    return PrivateMessageEvent(
        time=1_790_000_000, self_id=int(SELF_ID), post_type="message", sub_type="friend",
        user_id=int(user_id), message_type="private", message_id=message_id or next(_message_ids),
        message=message, original_message=message, raw_message=str(message), font=0,
        sender=Sender(user_id=int(user_id), nickname="老张"), to_me=True,
    )


def group_increase(user_id: str, group_id: int = GROUP_ID) -> GroupIncreaseNoticeEvent:
    """Someone joined the group."""
    return GroupIncreaseNoticeEvent(
        time=1_790_000_000, self_id=int(SELF_ID), post_type="notice", notice_type="group_increase",
        sub_type="approve", user_id=int(user_id), group_id=group_id, operator_id=0,
    )
