"""Reading the words of 发布会议, 会议记录 and 代请假 (the rules they feed are in domain.meetings)."""

import re
from dataclasses import dataclass
from datetime import datetime

from nonebot.adapters import Message

from core import timeutil
from core.errors import InvalidInput
from core.textparse import normalize, parse_id, split_id
from core.timeparse import TimeParseError, split_leading_time
from db.models import MeetingKind
from domain.meetings import EX_GROUP_MEETING, EX_MINUTES, EX_PUBLISH_MEETING, parse_kind

_LECTURER = re.compile(r"(?:^|\s)(?:讲课人|主讲人|主讲|授课人)\s*[:：]?\s*(\S+)")
_MINUTES_ID = re.compile(r"^\s*(?:#|＃|第)?\s*(?:[0-9０-９]+|[零〇一二两三四五六七八九十百]+)\s*(?:号|条)?(?=\s|$)")
_ID = re.compile(r"^\s*(?:#|＃|第)?\s*\d+\s*号?(?=\s|$)")


@dataclass(frozen=True)
class Publish:
    """发布会议's words: kind, 党小组, start, topic, place, 讲课人."""

    kind: MeetingKind
    group: str | None
    starts_at: datetime
    title: str
    place: str | None
    lecturer: str | None


def parse_meeting(text: str, moment: datetime) -> Publish:
    """'支委会 明天上午9点 研究工作 活动室' / '党小组会 第一小组 …' / '党课 … 讲课人张三'."""
    text = normalize(text)
    head, _, rest = text.partition(" ")
    if not head:
        raise InvalidInput("请写上会议类型、时间和主题。", EX_PUBLISH_MEETING)
    kind = parse_kind(head)
    group = None
    if kind is MeetingKind.GROUP:
        group, _, rest = rest.strip().partition(" ")
        if not group:
            raise InvalidInput("党小组会请写上是哪个党小组。", EX_GROUP_MEETING)
    lecturer = None
    if match := _LECTURER.search(rest):
        lecturer = match.group(1)
        rest = (rest[:match.start()] + " " + rest[match.end():]).strip()
    try:
        starts, rest = split_leading_time(rest.strip(), timeutil.to_local(moment), timeutil.local_tz())
    except TimeParseError as error:
        raise InvalidInput(f"时间没看懂：{error.reason}。", EX_PUBLISH_MEETING) from None
    if starts <= moment:
        raise InvalidInput(f"这个时间（{timeutil.fmt_dt(starts)}）已经过去了，请写以后的时间。",
                           EX_PUBLISH_MEETING)
    words = rest.split()
    if not words:
        raise InvalidInput("请在时间后面写上会议主题。", EX_PUBLISH_MEETING)
    title, place = (words[0], None) if len(words) == 1 else (" ".join(words[:-1]), words[-1])
    return Publish(kind, group, starts, title, place, lecturer)


_ANNOUNCED = re.compile(r"通知 #(\d+)】")
"""The first line of a meeting's announcement (`【支部委员会通知 #12】`), when it is quoted."""


def announced_id(quoted: str) -> int | None:
    """The meeting a quoted announcement is about, or None."""
    match = _ANNOUNCED.search(quoted)
    return int(match.group(1)) if match else None


def parse_minutes(text: str, quoted: int | None = None) -> tuple[int, str]:
    """'#12 传达文件…' → (12, '传达文件…'); without a number, the quoted announcement's meeting."""
    text = text.strip()
    match = _MINUTES_ID.match(text)
    if match is None and quoted is not None:
        return quoted, text
    if not text:
        raise InvalidInput("请写上会议编号和记录内容。", EX_MINUTES)
    if match is None:
        raise InvalidInput("请写上会议编号。", EX_MINUTES)
    # The minutes are kept as written (full-width punctuation and all): only the number is normalised.
    return parse_id(match.group(0), "会议编号", EX_MINUTES), text[match.end():].strip()


def leading_id(arg: Message) -> tuple[int | None, Message]:
    """'#12 张三 住院' → (12, the rest); no leading number → (None, arg)."""
    if not arg or not arg[0].is_text():
        return None, arg
    first = str(arg[0])
    match = _ID.match(normalize(first))
    if match is None:
        return None, arg
    meeting_id, rest = split_id(match.group(0), "会议编号")
    tail_text = normalize(first)[match.end():].strip()
    tail = [type(arg[0]).text(tail_text)] if tail_text else []  # type: ignore[attr-defined]  # text() is on each adapter's segment class
    return meeting_id, type(arg)([*tail, *arg[1:]])
