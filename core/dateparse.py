"""Calendar dates as members type them: 1965-7-1, 1965年7月1日, 1965.07.01, 农历八月十五.

Separate from timeparse.py (points in time for meetings): these are days of a life — when
someone was born or joined the Party — with a year, or a lunar month and day. Pure: the lunar
day is only read here; turning it into a solar day is the care capability's calendar.
"""

import re
from dataclasses import dataclass
from datetime import date

from core.errors import InvalidInput
from core.textparse import cn_int, normalize

_SOLAR = re.compile(
    r"^(?P<y>\d{4})\s*(?:[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*[日号]?"
    r"|(?P<m8>\d{2})(?P<d8>\d{2}))$"
)
_LUNAR_PREFIX = re.compile(r"^(?:农历|阴历|旧历|夏历)\s*")
_LUNAR_YEAR = re.compile(r"^(?P<y>\d{4})\s*[-/.年]\s*")
_LUNAR_NUMERIC = re.compile(r"^(?P<leap>闰)?\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*[日号]?$")
_LUNAR_WORDS = re.compile(r"^(?P<leap>闰)?\s*(?P<m>[正冬腊一二三四五六七八九十]{1,3})月\s*(?P<d>[初十廿卅一二三四五六七八九十\d]{1,3})[日号]?$")
_MONTH_WORDS = {"正": 1, "冬": 11, "腊": 12}
MONTHS_CN = ("", "正", "二", "三", "四", "五", "六", "七", "八", "九", "十", "冬", "腊")
DAYS_CN = ("", *(f"初{d}" for d in "一二三四五六七八九十"),
           *(f"十{d}" for d in "一二三四五六七八九"), "二十",
           *(f"廿{d}" for d in "一二三四五六七八九"), "三十")


@dataclass(frozen=True)
class LunarDay:
    """A lunar birthday: month (1–12), day (1–30), whether in a leap month, the year if known."""

    month: int
    day: int
    leap: bool = False
    year: int | None = None

    def month_day(self) -> str:
        """'闰四月初八'."""
        return f"{'闰' if self.leap else ''}{MONTHS_CN[self.month]}月{DAYS_CN[self.day]}"

    def words(self) -> str:
        """'农历闰四月初八' (with '1940年' when the year is known)."""
        return f"农历{f'{self.year}年' if self.year else ''}{self.month_day()}"


def _valid(year: int, month: int, day: int, example: str) -> date:
    try:
        return date(year, month, day)
    except ValueError as error:
        raise InvalidInput(f"没有这一天：{year}年{month}月{day}日。", example) from error


def parse_solar_date(text: str, example: str) -> date:
    """'1965-7-1', '1965年7月1日', '1965.07.01', '1965/7/1', '19650701' → date; else InvalidInput."""
    found = _SOLAR.match(normalize(text).replace(" ", ""))
    if found is None:
        raise InvalidInput(f"看不懂日期“{normalize(text)}”，请写年月日。", example)
    month, day = found["m"] or found["m8"], found["d"] or found["d8"]
    return _valid(int(found["y"]), int(month), int(day), example)


def _lunar_month(word: str) -> int | None:
    if word.isdigit():
        return int(word)
    if word in _MONTH_WORDS:
        return _MONTH_WORDS[word]
    return cn_int(word)


def _lunar_day(word: str) -> int | None:
    if word.isdigit():
        return int(word)
    if word in DAYS_CN:
        return DAYS_CN.index(word)
    if word.startswith("初"):
        return cn_int(word[1:])
    return cn_int(word.replace("廿", "二十").replace("卅", "三十"))


def is_lunar(text: str) -> bool:
    """The text names a lunar date (starts with 农历 / 阴历)."""
    return _LUNAR_PREFIX.match(normalize(text)) is not None


def parse_lunar_day(text: str, example: str) -> LunarDay:
    """'农历八月十五', '农历闰四月初八', '农历1940年腊月廿三', '农历8-15' → LunarDay; else InvalidInput."""
    rest = _LUNAR_PREFIX.sub("", normalize(text)).replace(" ", "")
    year = None
    if (head := _LUNAR_YEAR.match(rest)) is not None:
        year, rest = int(head["y"]), rest[head.end():]
    found = _LUNAR_NUMERIC.match(rest) or _LUNAR_WORDS.match(rest)
    if found is None:
        raise InvalidInput(f"看不懂农历日期“{normalize(text)}”。", example)
    month, day = _lunar_month(found["m"]), _lunar_day(found["d"])
    if month is None or day is None or not 1 <= month <= 12 or not 1 <= day <= 30:
        raise InvalidInput(f"农历没有这一天：{normalize(text)}。农历每月最多三十天。", example)
    return LunarDay(month, day, bool(found["leap"]), year)
