"""County reporting periods: a month, a quarter, a year or any range of Beijing days.

Every county figure is read for [first day 00:00, day after the last day 00:00) Beijing time, so a
moment at 23:59 on the last day counts and one at 00:00 the next day does not.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from core import timeutil
from core.errors import InvalidInput
from core.textparse import normalize

EXAMPLE = "全县情况 本月"
_CN = {"一": 1, "二": 2, "三": 3, "四": 4}
_MONTH = re.compile(r"^(?:(\d{4})\s*[-年./]\s*)?(\d{1,2})\s*月?$")
_QUARTER = re.compile(r"^(?:(\d{4})\s*年?\s*)?(?:Q|第)?\s*([1-4一二三四])\s*(?:季度?)?$", re.I)
_YEAR = re.compile(r"^(\d{4})\s*年?(?:全年|度)?$")
_DAY = r"(\d{4})\s*[-年./]\s*(\d{1,2})\s*[-月./]\s*(\d{1,2})\s*[日号]?"
_RANGE = re.compile(rf"^{_DAY}\s*(?:~|～|-|—|至|到)\s*{_DAY}$")


@dataclass(frozen=True)
class CountyPeriod:
    """Beijing days first..last (inclusive), with what the page, chat and workbook call it."""

    first: date
    last: date
    label: str

    @property
    def key(self) -> str:
        """What the URL's ?period= takes back: '2026-11-01~2026-11-30'."""
        return f"{self.first.isoformat()}~{self.last.isoformat()}"

    @property
    def bounds(self) -> tuple[datetime, datetime]:
        """UTC [start, end)."""
        return timeutil.day_bounds(self.first)[0], timeutil.day_bounds(self.last)[1]

    @property
    def days(self) -> int:
        """Length in days."""
        return (self.last - self.first).days + 1

    def previous(self) -> "CountyPeriod":
        """The period of the same kind just before (last month, last quarter, last year, or the
        same number of days): what a falling attendance rate is measured against."""
        if self.first.day == 1 and self.last == _month_end(self.last):
            months = (self.last.year - self.first.year) * 12 + self.last.month - self.first.month + 1
            if months in (1, 3, 12):
                first = _add_months(self.first, -months)
                return _of_months(first, months)
        last = self.first - timedelta(days=1)
        first = last - timedelta(days=self.days - 1)
        return CountyPeriod(first, last, f"{first.isoformat()}至{last.isoformat()}")


def _month_end(day: date) -> date:
    return _add_months(day.replace(day=1), 1) - timedelta(days=1)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _of_months(first: date, months: int) -> CountyPeriod:
    last = _add_months(first, months) - timedelta(days=1)
    if months == 1:
        label = f"{first.year}年{first.month}月"
    elif months == 3:
        label = f"{first.year}年第{'一二三四'[(first.month - 1) // 3]}季度"
    else:
        label = f"{first.year}年"
    return CountyPeriod(first, last, label)


def _named(period: CountyPeriod) -> CountyPeriod:
    """A range that is exactly a month, quarter or year gets that name (the page sends keys back)."""
    first, last = period.first, period.last
    if first.day != 1 or last != _month_end(last):
        return period
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    aligned = {1: True, 3: first.month % 3 == 1, 12: first.month == 1}
    return _of_months(first, months) if aligned.get(months) else period


def month(year: int, month_no: int) -> CountyPeriod:
    """A calendar month."""
    return _of_months(date(year, month_no, 1), 1)


def quarter(year: int, q: int) -> CountyPeriod:
    """A calendar quarter."""
    return _of_months(date(year, 3 * (q - 1) + 1, 1), 3)


def year(year_no: int) -> CountyPeriod:
    """A calendar year."""
    return _of_months(date(year_no, 1, 1), 12)


def this_month() -> CountyPeriod:
    """The Beijing month we are in."""
    today = timeutil.local_date(timeutil.now())
    return month(today.year, today.month)


def _checked(y: int, text: str) -> int:
    if not 2000 <= y <= 2100:
        raise InvalidInput(f"没看懂时间“{text}”。", EXAMPLE)
    return y


def parse_county_period(text: str | None) -> CountyPeriod:
    """'本月' (default), '上月', '本季度', '今年', '2026-11', '11月', '2026Q4', '第四季度', '2026',
    '2026-10-01~2026-11-15', or a key the page sent back."""
    text = normalize(text or "").replace(" ", "")
    today = timeutil.local_date(timeutil.now())
    if text in ("", "本月", "这个月"):
        return month(today.year, today.month)
    if text == "上月":
        first = _add_months(today.replace(day=1), -1)
        return month(first.year, first.month)
    if text in ("本季度", "本季", "这个季度"):
        return quarter(today.year, (today.month - 1) // 3 + 1)
    if text in ("今年", "本年", "全年"):
        return year(today.year)
    if match := _RANGE.match(text):
        try:
            first = date(int(match[1]), int(match[2]), int(match[3]))
            last = date(int(match[4]), int(match[5]), int(match[6]))
        except ValueError as error:
            raise InvalidInput(f"日期“{text}”不存在。", "全县情况 2026-10-01~2026-11-15") from error
        if last < first or (last - first).days > 366 * 3:
            raise InvalidInput("开始日期要早于结束日期（最长三年）。", "全县情况 2026-10-01~2026-11-15")
        _checked(first.year, text)
        return _named(CountyPeriod(first, last, f"{first.isoformat()}至{last.isoformat()}"))
    if match := _YEAR.match(text):
        return year(_checked(int(match[1]), text))
    if (match := _QUARTER.match(text)) and ("季" in text or "Q" in text.upper()):
        q = _CN.get(match[2]) or int(match[2])
        return quarter(_checked(int(match[1] or today.year), text), q)
    if match := _MONTH.match(text):
        month_no = int(match[2])
        if 1 <= month_no <= 12 and (match[1] or "月" in text):
            return month(_checked(int(match[1] or today.year), text), month_no)
    raise InvalidInput(f"没看懂时间“{text}”。可写：本月、上月、本季度、今年、2026-11、2026Q4、"
                       "2026-10-01~2026-11-15。", EXAMPLE)
