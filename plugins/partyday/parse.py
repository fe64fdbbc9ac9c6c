"""Reading what a secretary types for 设置主题党日, 党日提醒, 党日节假日 and 节假日."""

import re
from datetime import date, datetime

from core import timeutil
from core.errors import InvalidInput
from core.textparse import normalize, to_int
from core.timeparse import TimeParseError, split_leading_time
from db.models.reminder import HolidayPolicy
from domain.partyday import EX_OFFSETS, EX_RULE, RuleSpec

_WEEKDAY = {c: i for i, c in enumerate("一二三四五六日")} | {"天": 6} | {str(i + 1): i for i in range(7)}
_RULE = re.compile(
    r"每月\s*(?:第\s*(?P<nth>\S{1,2}?)\s*个?\s*(?:周|星期|礼拜)(?P<wd>[一二三四五六日天1-7])"
    r"|(?P<day>\S{1,3}?)\s*[日号])\s*"
)


def reason(error: TimeParseError) -> str:
    """The shared parser's reason without its own example ('没有填写时间，例如：…' → '没有填写时间')."""
    return str(error).split("，例如")[0]


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


POLICIES = {"顺延": HolidayPolicy.POSTPONE, "提前": HolidayPolicy.ADVANCE, "不调整": HolidayPolicy.KEEP,
            "不变": HolidayPolicy.KEEP}


def parse_policy(word: str) -> HolidayPolicy:
    """党日节假日 顺延|提前|不调整."""
    policy = POLICIES.get(normalize(word))
    if policy is None:
        raise InvalidInput("请选择：顺延、提前或不调整。", "党日节假日 顺延")
    return policy


_DATE = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?")


def _day(text: str) -> date | None:
    """'2027-01-01', '2027-1-1', '2027/1/1', '2027年1月1日'."""
    m = _DATE.fullmatch(text)
    try:
        return date(int(m[1]), int(m[2]), int(m[3])) if m else None
    except ValueError:
        return None


_DAY_WORDS = {"休": True, "假": True, "放假": True, "班": False, "上班": False, "补班": False}


def parse_override(text: str) -> tuple[date, bool]:
    """节假日 2027-01-01 休 / 节假日 2027-01-04 班 → (day, 休?)."""
    words = normalize(text).split(" ")
    example = "节假日 2027-01-01 休"
    if len(words) != 2 or words[1] not in _DAY_WORDS:
        raise InvalidInput("格式：节假日 日期 休/班", example)
    day = _day(words[0])
    if day is None:
        raise InvalidInput("日期请写成 2027-01-01。", example)
    return day, _DAY_WORDS[words[1]]
