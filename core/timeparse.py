"""Parse the times elderly members and branch secretaries type in chat.

Everything is computed against an explicit ``now`` (never the system clock), read in the
zone ``tz`` (Beijing by default); results are aware datetimes in that zone, whole minutes.

One point in time is ``[date] [day-period word] [clock]`` with at least one part present,
e.g. ``明天 下午 3点半``, ``11月25日 9:30``, ``周三14:00``, ``9点``, ``下月5号9点``, ``国庆9点``,
``中秋节晚上7点``, or a pure offset from now such as ``2小时后``. A range is a point, a separator
(- ~ 至 到) and a second point whose date, if left out, is the first point's day.

A bare hour from 1 to 6 (``3点``, ``两点``, ``3:00``) means the afternoon: nobody meets at 3 at
night, and members write ``上午``/``早上``/``凌晨`` when they mean the morning (a zero-padded
``03:00`` stays as written). Past days (``昨天9点``) are read, so callers can say they have passed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from lunar_python import Lunar, Solar

BEIJING = ZoneInfo("Asia/Shanghai")

_EXAMPLE = "例如：11月25日 9:30"
_RANGE_EXAMPLE = "例如：11月28日 9:00-11:00"


class TimeParseError(ValueError):
    """The text is not a time we understand; str(e) is a short Chinese reason and one example.

    `reason` is the reason alone, for a caller that shows its own example (one example per reply).
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.reason = message.split("，例如")[0]


_CN_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
              "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}  # fmt: skip
_CN = "".join(_CN_DIGITS)
# A number below 100: ASCII digits, or Chinese numerals like 五 / 十五 / 二十五 / 零五.
_NUM = rf"(?:\d{{1,2}}(?!\d)|[一二两三四五六七八九]?十[一二三四五六七八九]?|[零〇]?[{_CN}])"

_FESTIVALS: dict[str, tuple[str, int, int]] = {
    "元旦": ("solar", 1, 1), "五一": ("solar", 5, 1), "劳动节": ("solar", 5, 1), "七一": ("solar", 7, 1),
    "建党节": ("solar", 7, 1), "八一": ("solar", 8, 1), "建军节": ("solar", 8, 1), "国庆": ("solar", 10, 1),
    "春节": ("lunar", 1, 1), "大年初一": ("lunar", 1, 1), "元宵": ("lunar", 1, 15),
    "端午": ("lunar", 5, 5), "七夕": ("lunar", 7, 7), "中秋": ("lunar", 8, 15), "重阳": ("lunar", 9, 9),
    "除夕": ("eve", 1, 1), "清明": ("term", 4, 1),
}  # fmt: skip
"""Days members name a meeting by: the next one from today (today included). Lunar ones through
lunar_python; 清明 is a solar term (4–6 April); 除夕 is the eve of the lunar new year. Not 十一
(十一点 is eleven o'clock): 国庆 says it."""

# Alternatives are tried in order, so "3日后" is an offset before it can be "the 3rd".
_DATE = re.compile(
    rf"""
    (?P<ago>\d{{1,3}}|{_NUM})\s*[天日]\s*[之以]?后
  | (?P<y>\d{{4}}|[{_CN}]{{4}})\s*[-/.年]\s*(?P<m>{_NUM})\s*[-/.月]\s*(?P<d>{_NUM})\s*[日号]?
  | (?P<m2>{_NUM})\s*[-/.月]\s*(?P<d2>{_NUM})\s*[日号]?
  | (?P<mpre>下下个?月|下个?月|本月|这个?月)\s*(?P<d4>{_NUM})\s*[日号]
  | (?P<d3>{_NUM})\s*[日号]
  | (?P<rel>大后天|后天|今天|今日|明天|明日|昨天|昨日|前天|[今明昨](?=[早晨晚夜]))
  | (?P<fest>{"|".join(sorted(_FESTIVALS, key=len, reverse=True))})节?
  | (?P<wpre>下下个?|下个?|本|这个?)?(?:周|星期|礼拜)(?P<wd>[一二三四五六日天1-7])
    """,
    re.VERBOSE,
)
_REL_DAYS = {"今天": 0, "今日": 0, "今": 0, "明天": 1, "明日": 1, "明": 1, "后天": 2, "大后天": 3,
             "昨天": -1, "昨日": -1, "昨": -1, "前天": -2}
_WEEKDAYS = (
    {c: i for i, c in enumerate("一二三四五六日")} | {"天": 6} | {str(i + 1): i for i in range(7)}
)

_PERIODS = {
    "凌晨": "early",
    "清晨": "morning", "早晨": "morning", "早上": "morning", "上午": "morning",
    "中午": "noon",
    "下午": "afternoon", "傍晚": "afternoon",
    "晚上": "evening", "晚间": "evening", "夜里": "evening", "夜间": "evening",
    "早": "morning", "晨": "morning", "晚": "evening", "夜": "evening",
}  # fmt: skip
# Longest first: the regex engine takes the first alternative that fits, not the longest.
_PERIOD = re.compile("|".join(sorted(_PERIODS, key=len, reverse=True)))

_CLOCK = re.compile(
    rf"""
    (?P<h>\d{{1,2}}):(?P<mi>\d{{2}})(?!\d)
  | (?P<h2>{_NUM})\s*(?:点钟?|时)
    (?: (?P<half>半) | (?P<q1>一刻) | (?P<q3>三刻) | 整
      | (?P<mi2>{_NUM})\s*分
      # Without 分, a lone digit is more likely the next word (9点三楼会议室), so demand
      # two digits, a 十 or a leading 零.
      | (?P<mi3>\d{{2}}(?!\d)|[零〇][一二三四五六七八九]|[一二三四五]?十[一二三四五六七八九]?)
    )?
    """,
    re.VERBOSE,
)
_AFTER = re.compile(
    rf"(?:(?P<n>\d{{1,3}}|{_NUM})\s*个?\s*(?P<half>半)?|(?P<only_half>半)\s*个?)"
    r"\s*(?P<unit>小时|钟头|分钟|分)\s*[之以]?后"
)
_RANGE_SEP = re.compile(r"\s*(?:-+|~+|〜|—+|–|至|到)\s*")


@dataclass(frozen=True)
class _Parts:
    """What the scanner found; resolving needs `now`, scanning does not."""

    end: int  # index just past the expression in the normalized text
    date: re.Match[str] | None = None
    period: str | None = None
    clock: tuple[int, int] | None = None
    padded: bool = False  # "03:00": a 24-hour clock on purpose, not a bare afternoon hour
    shift: timedelta | None = None  # "2小时后": an offset from now instead of a date


def normalize(text: str) -> str:
    """NFKC (full-width digits/colon/space to ASCII), strip, collapse spaces."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip()


def _num(s: str) -> int:
    if s.isascii():
        return int(s)
    tens, sep, ones = s.partition("十")
    if sep:  # 十 / 十五 / 二十 / 二十五
        return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)
    return int("".join(str(_CN_DIGITS[c]) for c in s))  # 五 / 零五 / 二〇二六


def _skip_space(s: str, i: int) -> int:
    return i + 1 if s[i : i + 1] == " " else i  # normalized text has single spaces only


def _scan(s: str, pos: int = 0) -> _Parts | None:
    """Match the longest point-in-time expression starting at s[pos]; None if there is none."""
    after = _AFTER.match(s, pos)
    if after:
        amount = 0.5 if after["only_half"] else _num(after["n"]) + (0.5 if after["half"] else 0)
        unit = "hours" if after["unit"] in ("小时", "钟头") else "minutes"
        return _Parts(after.end(), shift=timedelta(**{unit: amount}))
    date_m = _DATE.match(s, pos)
    end = date_m.end() if date_m else pos
    period_m = _PERIOD.match(s, _skip_space(s, end))
    if period_m:
        end = period_m.end()
    clock_m = _CLOCK.match(s, _skip_space(s, end))
    if clock_m:
        end = clock_m.end()
    if not (date_m or period_m or clock_m):
        return None
    period = _PERIODS[period_m.group()] if period_m else None
    padded = bool(clock_m and clock_m["h"] and clock_m["h"].startswith("0"))
    return _Parts(end, date_m, period, _clock(clock_m) if clock_m else None, padded=padded)


def _clock(m: re.Match[str]) -> tuple[int, int]:
    if m["h"]:
        return int(m["h"]), int(m["mi"])
    quarter = 30 if m["half"] else 15 if m["q1"] else 45 if m["q3"] else None
    minute = quarter if quarter is not None else _num(m["mi2"] or m["mi3"] or "0")
    return _num(m["h2"]), minute


def _apply_period(period: str | None, hour: int) -> int:
    """Hours after midnight of the named day; 24+ means early next day (晚上12点)."""
    if period is None or (hour > 12 and period not in ("early", "morning")):
        return hour  # already on the 24-hour clock, e.g. 下午15点
    if hour > 12:
        raise TimeParseError(f"时刻不对，{_EXAMPLE}")  # 上午15点 contradicts itself
    if period == "early":
        return hour % 12  # 凌晨12点 is the midnight starting the day
    if period == "morning":
        return hour
    if period == "noon":
        return hour if hour >= 11 else hour + 12  # 中午1点 is 13:00
    if period == "afternoon":
        return hour if hour == 12 else hour + 12
    # Evening: 晚上12点 is the midnight ending the evening, 晚上1点 is 01:00 the next day.
    return hour + 12 if 5 <= hour < 12 else hour % 12 + 24


def _time_of_day(p: _Parts, default_hour: int | None) -> tuple[int, int]:
    if p.clock is None:
        # 明天下午 without an hour: 9 o'clock by default would contradict the user.
        if p.period is None and default_hour is not None:
            return default_hour, 0
        raise TimeParseError(f"缺少具体时刻，{_EXAMPLE}")
    hour, minute = p.clock
    if hour > 23 or minute > 59:
        raise TimeParseError(f"时刻不对，{_EXAMPLE}")
    if p.period is None and 1 <= hour <= 6 and not p.padded:
        return hour + 12, minute  # 3点 is 15:00 (上午3点 / 凌晨3点 / 03:00 for the night)
    return _apply_period(p.period, hour), minute


def _make_date(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise TimeParseError(f"没有这个日期，{_EXAMPLE}") from None


def _month_day(month: int, day: int, today: date) -> date:
    """A year-less date means this year, unless that was more than a day ago."""
    result = _make_date(today.year, month, day)
    if result < today - timedelta(days=1):
        result = _make_date(today.year + 1, month, day)
    return result


def _day_of_month(day: int, today: date) -> date:
    """'25日' means this month; if already past (or no such day), next month."""
    year, month = today.year, today.month
    for _ in range(2):
        try:
            result = date(year, month, day)
            if result >= today:
                return result
        except ValueError:
            pass
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    raise TimeParseError(f"没有这个日期，{_EXAMPLE}")


def _next_month_day(prefix: str, day: int, today: date) -> date:
    """下月5号 / 下下个月5号 / 本月5号."""
    months = 2 if prefix.startswith("下下") else 1 if prefix.startswith("下") else 0
    year, month = divmod(today.year * 12 + today.month - 1 + months, 12)
    return _make_date(year, month + 1, day)


def _festival(name: str, today: date) -> date:
    """The next day (today included) that a festival falls on."""
    kind, month, day = _FESTIVALS[name]
    for year in (today.year - 1, today.year, today.year + 1):
        if kind == "solar":
            found = date(year, month, day)
        elif kind == "term":
            term = Solar.fromYmd(year, 6, 1).getLunar().getJieQiTable()["清明"]
            found = date(term.getYear(), term.getMonth(), term.getDay())
        else:
            solar = Lunar.fromYmd(year, month, day).getSolar()
            found = date(solar.getYear(), solar.getMonth(), solar.getDay())
            found -= timedelta(days=1 if kind == "eve" else 0)
        if found >= today:
            return found
    raise AssertionError("a festival falls every year")  # pragma: no cover


def _weekday(m: re.Match[str], today: date) -> tuple[date, int]:
    target = _WEEKDAYS[m["wd"]]
    prefix = m["wpre"] or ""
    if not prefix:  # 周三: the coming one; today counts only while its time is ahead
        return today + timedelta(days=(target - today.weekday()) % 7), 7
    # 本周/下周/下下周 name calendar weeks starting on Monday, so on a Sunday 本周五 is past.
    weeks = 2 if prefix.startswith("下下") else 1 if prefix.startswith("下") else 0
    monday = today - timedelta(days=today.weekday())
    return monday + timedelta(weeks=weeks, days=target), 0


def _resolve_day(m: re.Match[str] | None, today: date) -> tuple[date, int]:
    """The day a date expression names, and days to add if the moment turns out past."""
    if m is None:
        return today, 1  # a bare clock time means its next occurrence
    if m["ago"]:
        return today + timedelta(days=_num(m["ago"])), 0
    if m["y"]:
        return _make_date(_num(m["y"]), _num(m["m"]), _num(m["d"])), 0
    if m["m2"]:
        return _month_day(_num(m["m2"]), _num(m["d2"]), today), 0
    if m["d4"]:
        return _next_month_day(m["mpre"], _num(m["d4"]), today), 0
    if m["d3"]:
        return _day_of_month(_num(m["d3"]), today), 0
    if m["fest"]:
        return _festival(m["fest"], today), 0
    if m["rel"]:
        return today + timedelta(days=_REL_DAYS[m["rel"]]), 0
    return _weekday(m, today)


def _at(day: date, hour: int, minute: int, tz: ZoneInfo) -> datetime:
    day += timedelta(days=hour // 24)
    return datetime(day.year, day.month, day.day, hour % 24, minute, tzinfo=tz)


def _resolve(
    p: _Parts, now: datetime, tz: ZoneInfo, default_hour: int | None
) -> tuple[date, datetime]:
    """Turn scanned parts into (the day meant, the local datetime)."""
    if p.shift is not None:
        # Offsets are elapsed time, so add them in UTC (matters only for zones with DST).
        moment = (now.astimezone(UTC) + p.shift).astimezone(tz)
        return moment.date(), moment.replace(second=0, microsecond=0)
    day, roll = _resolve_day(p.date, now.date())
    if p.date is not None and p.date["ago"] and p.clock is None and p.period is None:
        hour, minute = now.hour, now.minute  # "3天后" alone: same clock time N days on
    else:
        hour, minute = _time_of_day(p, default_hour)
    result = _at(day, hour, minute, tz)
    if roll and result <= now:
        day += timedelta(days=roll)
        result = _at(day, hour, minute, tz)
    return day, result


def _prepare(text: str, now: datetime, tz: ZoneInfo) -> tuple[str, datetime]:
    if now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")  # a programming error, not user input
    s = normalize(text)
    if not s:
        raise TimeParseError(f"没有填写时间，{_EXAMPLE}")
    return s, now.astimezone(tz)


def _rest_after(text: str, consumed: int) -> str:
    """The original text after `consumed` normalized characters, so the rest keeps the
    user's own punctuation (NFKC would turn ， into ,)."""
    for k in range(len(text) + 1):
        if len(normalize(text[:k])) >= consumed:
            return text[k:].strip()
    return ""


def _scan_range(s: str, now: datetime, tz: ZoneInfo) -> tuple[tuple[datetime, datetime], int]:
    first = _scan(s)
    if first is None:
        raise TimeParseError(f"看不懂这个时间段，{_RANGE_EXAMPLE}")
    day, start = _resolve(first, now, tz, None)
    sep = _RANGE_SEP.match(s, first.end)
    second = _scan(s, sep.end()) if sep else None
    if second is None:
        raise TimeParseError(f"缺少结束时间，{_RANGE_EXAMPLE}")
    if second.date is not None or second.shift is not None:
        end = _resolve(second, now, tz, None)[1]
    else:  # a bare end time is on the start's day and reads like it: 下午2点-4点
        inherited = replace(second, period=second.period or first.period)
        end = _at(day, *_time_of_day(inherited, None), tz)
    if end <= start:
        raise TimeParseError(f"结束时间要晚于开始时间，{_RANGE_EXAMPLE}")
    return (start, end), second.end


def parse_datetime(
    text: str, now: datetime, tz: ZoneInfo = BEIJING, *, default_hour: int | None = None
) -> datetime:
    """Parse one point in time; raises TimeParseError."""
    s, now = _prepare(text, now, tz)
    parts = _scan(s)
    if parts is None or parts.end != len(s):
        raise TimeParseError(f"看不懂这个时间，{_EXAMPLE}")
    return _resolve(parts, now, tz, default_hour)[1]


def parse_time_range(text: str, now: datetime, tz: ZoneInfo = BEIJING) -> tuple[datetime, datetime]:
    """Parse '11月28日9:00-11:00' style ranges (end on same day unless given); raises TimeParseError."""
    s, now = _prepare(text, now, tz)
    span, end = _scan_range(s, now, tz)
    if end != len(s):
        raise TimeParseError(f"看不懂这个时间段，{_RANGE_EXAMPLE}")
    return span


def split_leading_time(
    text: str, now: datetime, tz: ZoneInfo = BEIJING, *, default_hour: int | None = None
) -> tuple[datetime, str]:
    """Find the longest leading time expression in text; return (time, rest stripped)."""
    s, now = _prepare(text, now, tz)
    parts = _scan(s)
    if parts is None:
        raise TimeParseError(f"开头没有时间，{_EXAMPLE}")
    return _resolve(parts, now, tz, default_hour)[1], _rest_after(text, parts.end)


def split_leading_range(
    text: str, now: datetime, tz: ZoneInfo = BEIJING
) -> tuple[tuple[datetime, datetime], str]:
    """Same as split_leading_time for a range, e.g. '11月28日9:00-11:00 人民广场'."""
    s, now = _prepare(text, now, tz)
    span, end = _scan_range(s, now, tz)
    return span, _rest_after(text, end)
