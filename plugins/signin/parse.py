"""Reading the words of 发布学习 and 补签 (the rules they feed are in domain.meetings)."""

import re
from datetime import datetime

from nonebot.adapters import Message

from core import timeutil
from core.errors import InvalidInput
from core.textparse import normalize, parse_id, split_id
from core.timeparse import TimeParseError, split_leading_time
from domain.meetings import EX_LEAVE_N, EX_MAKEUP, EX_PUBLISH


def parse_publish(text: str, moment: datetime) -> tuple[datetime, str, str | None]:
    """'明天上午9点 学习党章 党员活动室' → (start, title, place); the place is the last word."""
    try:
        starts, rest = split_leading_time(text, timeutil.to_local(moment), timeutil.local_tz())
    except TimeParseError as error:
        raise InvalidInput(f"时间没看懂：{error.reason}。", EX_PUBLISH) from None
    if starts <= moment:
        raise InvalidInput(f"这个时间（{timeutil.fmt_dt(starts)}）已经过去了，请写以后的时间。", EX_PUBLISH)
    words = rest.split()
    if not words:
        raise InvalidInput("请在时间后面写上学习主题。", EX_PUBLISH)
    if len(words) == 1:
        return starts, words[0], None
    return starts, " ".join(words[:-1]), words[-1]


def split_meeting_id(arg: Message) -> tuple[int, Message]:
    """'#3 @张三 原因' → (3, the message after the number, @mentions kept)."""
    if not arg or not arg[0].is_text():
        raise InvalidInput("请写上学习编号、姓名和原因。", EX_MAKEUP)
    meeting_id, rest = split_id(str(arg[0]), "学习编号", EX_MAKEUP)
    tail = [type(arg[0]).text(rest)] if rest else []  # type: ignore[attr-defined]  # text() is on each adapter's segment class, not the base
    return meeting_id, type(arg)([*tail, *arg[1:]])


_LEAVE_ID = re.compile(r"^#\s*(\d+)\s*号?(?:\s+|$)")


def split_leave(text: str) -> tuple[int | None, str]:
    """'#12 住院' → (12, '住院'); '住院' → (None, '住院'). Only a '#' number names a meeting:
    '请假 2号有事' is a reason about a date."""
    text = normalize(text)
    match = _LEAVE_ID.match(text)
    if match is None:
        return None, text
    return parse_id(match.group(1), "会议编号", EX_LEAVE_N), text[match.end():].strip()
