"""Party-day calendar maths: a rule's dates, and moving them off statutory holidays.

chinesecalendar knows holidays and 调休 working days only for the years it ships with (1.11: up to
2026) and raises NotImplementedError beyond. Superuser overrides (节假日 2027-01-01 休) come first;
for a year nobody has told us about we do not guess: the date stays as written, flagged unknown.
"""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

import chinese_calendar

from core.timeutil import WEEKDAYS
from db.models.reminder import HolidayPolicy

_NAMES = {
    "New Year's Day": "元旦", "Spring Festival": "春节", "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节", "Dragon Boat Festival": "端午节", "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节", "Anti-Fascist 70th Day": "抗战胜利纪念日",
}
Overrides = dict[date, bool]
"""Superuser-entered days: True = 休 (holiday), False = 班 (working day)."""


def holiday_name(day: date, overrides: Overrides) -> str | None:
    """The statutory holiday this day is part of; '' when it is not one; None when unknown."""
    if day in overrides:
        return "节假日" if overrides[day] else ""
    try:
        is_holiday, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        return None
    return _NAMES.get(name, name) if is_holiday and name else ""


def is_workday(day: date, overrides: Overrides) -> bool:
    """A working day, 调休 Saturdays included; an unknown year falls back to Monday–Friday."""
    if day in overrides:
        return not overrides[day]
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return day.weekday() < 5


def year_known(year: int, overrides: Overrides) -> bool:
    """The package knows the year, or a superuser has entered some of its published dates."""
    try:
        chinese_calendar.is_holiday(date(year, 6, 1))
        return True
    except NotImplementedError:
        return any(day.year == year for day in overrides)


def month_dates(first: date, last: date, *, month_day: int | None = None, nth: int | None = None,
                weekday: int | None = None) -> list[date]:
    """Every date of the rule between first and last inclusive (每月31日 in a short month: its last day)."""
    result = []
    year, month = first.year, first.month
    while date(year, month, 1) <= last:
        days = calendar.monthrange(year, month)[1]
        if month_day is not None:
            day = date(year, month, min(month_day, days))
        else:
            assert nth is not None and weekday is not None
            first_wd = (weekday - date(year, month, 1).weekday()) % 7 + 1
            day = date(year, month, first_wd + 7 * (nth - 1))
        if first <= day <= last:
            result.append(day)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return result


@dataclass(frozen=True)
class Planned:
    """Where an occurrence really falls, and why it moved (for the reminder and 主题党日)."""

    day: date
    note: str | None = None
    unknown: bool = False


def md(day: date) -> str:
    """'10月9日（周五）'."""
    return f"{day.month}月{day.day}日（周{WEEKDAYS[day.weekday()]}）"


def plan(nominal: date, policy: HolidayPolicy | str, overrides: Overrides) -> Planned:
    """Apply the branch's holiday policy to the rule's date."""
    name = holiday_name(nominal, overrides)
    if name is None:
        return Planned(nominal, unknown=not year_known(nominal.year, overrides))
    if not name:
        return Planned(nominal)
    if policy == HolidayPolicy.KEEP:
        return Planned(nominal, f"适逢{name}，按原定日期举行")
    step = timedelta(days=1 if policy == HolidayPolicy.POSTPONE else -1)
    day = nominal + step
    for _ in range(40):  # the longest holiday is 8–9 days; bounded anyway
        if is_workday(day, overrides):
            break
        day += step
    verb = "顺延" if policy == HolidayPolicy.POSTPONE else "提前"
    swap = "，调休上班日" if day.weekday() >= 5 else ""
    return Planned(day, f"原定{md(nominal)}适逢{name}，{verb}至{md(day)}{swap}")
