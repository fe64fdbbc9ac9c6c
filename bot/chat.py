"""Platform edge: who is speaking where, plain-text replies, and @mentions in arguments.

Everything OneBot- or console-specific stays in this module, so another adapter is a small change.
"""

from dataclasses import dataclass
from typing import Any

from nonebot.adapters import Bot, Event, Message, MessageSegment

from core.refs import PersonRef
from core.textparse import normalize, split_words


@dataclass(frozen=True)
class ChatContext:
    """Where a message came from: platform, group (None in private chat), sender, bot account."""

    platform: str
    user_id: str
    self_id: str
    group_id: str | None
    message_id: str | None
    nickname: str | None = None

    @property
    def is_private(self) -> bool:
        """True in a one-to-one chat with the bot."""
        return self.group_id is None


def platform_of(bot: Bot) -> str:
    """'onebot' or 'console' (the key chat accounts and groups are stored under)."""
    for cls in type(bot).__mro__:
        if cls.__module__.startswith("nonebot.adapters.onebot."):
            return "onebot"
        if cls.__module__.startswith("nonebot.adapters.console"):
            return "console"
    return bot.adapter.get_name().lower()


def context_of(bot: Bot, event: Event) -> ChatContext:
    """Read the chat context from a message event of any supported adapter."""
    group_id: Any = getattr(event, "group_id", None)
    if group_id is None and (channel := getattr(event, "channel", None)) is not None:
        # Console adapter: a public channel behaves like a group.
        if event.__class__.__name__ == "PublicMessageEvent":
            group_id = channel.id
    sender = getattr(event, "sender", None) or getattr(event, "user", None)
    nickname = getattr(sender, "card", None) or getattr(sender, "nickname", None)
    message_id = getattr(event, "message_id", None)
    return ChatContext(
        platform=platform_of(bot),
        user_id=event.get_user_id(),
        self_id=str(bot.self_id),
        group_id=None if group_id is None else str(group_id),
        message_id=None if message_id is None else str(message_id),
        nickname=nickname or None,
    )


def quoted_id(event: Event) -> str | None:
    """The id of the message this one quotes (a OneBot reply-quote), or None."""
    reply = getattr(event, "reply", None)
    message_id = getattr(reply, "message_id", None)
    return None if message_id is None else str(message_id)


def quoted_text(event: Event) -> str:
    """The plain text of the message this one quotes (OneBot fetches it with get_msg), or ''."""
    message = getattr(getattr(event, "reply", None), "message", None)
    return message.extract_plain_text() if isinstance(message, Message) else ""


def plain(event_or_message: Event | Message, text: str) -> Message:
    """A message of the event's adapter holding `text` as one text segment: never parsed as CQ code."""
    if isinstance(event_or_message, Message):
        message_class = type(event_or_message)
    else:
        message_class = type(event_or_message.get_message())
    segment_class = message_class.get_segment_class()
    return message_class(segment_class.text(text))  # type: ignore[attr-defined]


def mention(event: Event, user_id: str) -> MessageSegment | None:
    """An @ segment on platforms that have one (OneBot), else None."""
    segment_class = type(event.get_message()).get_segment_class()
    at = getattr(segment_class, "at", None)
    return at(user_id) if at is not None else None


def _at_user(segment: MessageSegment) -> str | None:
    if segment.type != "at":
        return None
    value = segment.data.get("qq") or segment.data.get("user_id")
    return None if value in (None, "all") else str(value)


def parse_targets(arg: Message) -> tuple[list[PersonRef], str]:
    """All @mentions plus the leading plain-text words that are not numbers, and the remaining text.

    `代签 @张三 李四` → ([@张三, 李四], ''); `加分 张三 5 协助清扫` → ([张三], '5 协助清扫').
    Only the first name word is taken when no @ is present, so free text after it stays intact.
    """
    targets: list[PersonRef] = []
    texts: list[str] = []
    for segment in arg:
        if (uid := _at_user(segment)) is not None:
            targets.append(PersonRef(user_id=uid))
        elif segment.is_text():
            texts.append(str(segment))
    rest = normalize(" ".join(texts))
    if not targets and rest:
        head, _, tail = rest.partition(" ")
        targets.append(PersonRef(name=head))
        rest = tail.strip()
    return targets, rest


def parse_name_list(arg: Message) -> list[PersonRef]:
    """Every @mention and every plain word, in order: `代签 张三 李四，王五 @赵六`."""
    targets: list[PersonRef] = []
    for segment in arg:
        if (uid := _at_user(segment)) is not None:
            targets.append(PersonRef(user_id=uid))
        elif segment.is_text():
            targets.extend(PersonRef(name=w) for w in split_words(str(segment)))
    return targets


def arg_text(arg: Message) -> str:
    """The plain text of an argument, exactly as written (for suggestions and themes)."""
    # Not str(seg): OneBot's str() re-escapes '[' as '&#91;'; the adapter's own method unescapes.
    return arg.extract_plain_text().strip()
