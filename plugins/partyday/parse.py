"""Reading what a secretary types for 设置主题党日 and 党日提醒. No nonebot here."""

import re
from dataclasses import dataclass
from datetime import datetime

from core import timeutil
from core.errors import InvalidInput
from core.textparse import normalize, to_int
from core.timeparse import TimeParseError, split_leading_time
from db.models.reminder import PartydayRule

EX_RULE = "设置主题党日 每月10日 09:00 党员活动室"
EX_OFFSETS = "党日提醒 3天,1天,1小时"

_WEEKDAY = {c: i for i, c in enumerate("一二三四五六日")} | {"天": 6} | {str(i + 1): i for i in range(7)}
_RULE = re.compile(
    r"每月\s*(?:第\s*(?P<nth>\S{1,2}?)\s*个?\s*(?:周|星期|礼拜)(?P<wd>[一二三四五六日天1-7])"
    r"|(?P<day>\S{1,3}?)\s*[日号])\s*"
)


def reason(error: TimeParseError) -> str:
    """The shared parser's reason without its own example ('没有填写时间，例如：…' → '没有填写时间')."""
    return str(error).split("，例如")[0]


@dataclass(frozen=True)
class RuleSpec:
    """A parsed 设置主题党日 argument."""

    month_day: int | None
    nth: int | None
    weekday: int | None
    hour: int
    minute: int
    place: str | None


def parse_rule(text: str, now: datetime) -> RuleSpec:
    """'每月10日 09:00 党员活动室' or '每月第2个周五 14:30'."""
    s = normalize(text)
    m = _RULE.match(s)
    if not m:
        raise InvalidInput("请按“每月几日”或“每月第几个周几”写。", EX_RULE)
    day = nth = weekday = None
    if m["day"]:
        day = to_int(m["day"])
        if day is None or not 1 <= day <= 31:
            raise InvalidInput("日期要在1到31之间。", EX_RULE)
    else:
        nth = to_int(m["nth"])
        if nth is None or not 1 <= nth <= 4:
            raise InvalidInput("第几个周几只能是第1到第4个。", "设置主题党日 每月第2个周五 14:30")
        weekday = _WEEKDAY[m["wd"]]
    rest = s[m.end():]
    try:
        moment, place = split_leading_time(rest, timeutil.to_local(now), timeutil.local_tz())
    except TimeParseError as error:  # its own example is a date; a monthly rule needs ours
        raise InvalidInput(f"请写上几点开始（{reason(error)}）。", EX_RULE) from None
    return RuleSpec(day, nth, weekday, moment.hour, moment.minute, place[:100] or None)


_OFFSET = re.compile(r"(?P<n>\d{1,3}|[一二两三四五六七八九十]{1,3})\s*(?P<unit>天|日|小时|个小时|钟头|分钟|分)")


def parse_offsets(text: str) -> str:
    """'3天,1天,1小时' → '3d,1d,1h' (at most 5, no duplicates)."""
    codes: list[str] = []
    for part in re.split(r"[,，、;；\s]+", normalize(text)):
        if not part:
            continue
        m = _OFFSET.fullmatch(part)
        n = to_int(m["n"]) if m else None
        if not m or not n:
            raise InvalidInput(f"看不懂“{part}”。", EX_OFFSETS)
        unit = {"天": "d", "日": "d", "分钟": "m", "分": "m"}.get(m["unit"], "h")
        if (unit == "d" and n > 30) or (unit == "h" and n > 72) or (unit == "m" and n > 600):
            raise InvalidInput(f"“{part}”提前太多了。", EX_OFFSETS)
        if f"{n}{unit}" not in codes:
            codes.append(f"{n}{unit}")
    if not codes or len(codes) > 5:
        raise InvalidInput("请写1到5个提醒时间。", EX_OFFSETS)
    return ",".join(codes)


_UNITS = {"d": "天", "h": "小时", "m": "分钟"}


def offset_label(code: str) -> str:
    """'3d' → '3天'."""
    return f"{code[:-1]}{_UNITS[code[-1]]}"


def describe_rule(rule: PartydayRule) -> str:
    """'每月10日 09:00' / '每月第2个周五 14:30'."""
    if rule.month_day is not None:
        head = f"每月{rule.month_day}日"
    else:
        head = f"每月第{rule.nth}个周{'一二三四五六日'[rule.weekday or 0]}"
    return f"{head} {rule.hour:02}:{rule.minute:02}"
