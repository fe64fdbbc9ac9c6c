"""Reading what a secretary types for 提醒, 缺勤提醒 and 志愿提醒."""

from datetime import datetime

from core import timeutil
from core.errors import InvalidInput
from core.textparse import normalize
from core.timeparse import TimeParseError, split_leading_time
from domain.reminder import EX_ONEOFF
from plugins.reminder import texts as t


def oneoff(text: str, now: datetime) -> tuple[datetime, str]:
    """'明天9点 带好党员证' → (when, words); the time comes first."""
    try:
        return split_leading_time(text, timeutil.to_local(now), timeutil.local_tz(), default_hour=9)
    except TimeParseError as error:
        why = str(error).split("，例如")[0]  # the shared parser's reason without its own example
        raise InvalidInput(f"没看懂提醒时间（{why}），请把时间写在最前面。", EX_ONEOFF) from None


def on_off(text: str) -> bool:
    """缺勤提醒 开|关."""
    word = normalize(text)
    if word not in t.ON_OFF:
        raise InvalidInput("请写“开”或“关”。", "缺勤提醒 关")
    return t.ON_OFF[word]


def private_or_group(text: str) -> bool:
    """志愿提醒 私聊|群里 → private?"""
    word = normalize(text)
    if word not in t.PRIVATE_GROUP:
        raise InvalidInput("请写“私聊”或“群里”。", "志愿提醒 群里")
    return t.PRIVATE_GROUP[word]
