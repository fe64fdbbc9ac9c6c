"""On which solar day a 政治生日 or birthday falls in a given year, solar or lunar.

Lunar days come from lunar_python (MIT, computed from astronomical tables, leap months as
negative month numbers). A member born or joined on 29 February is greeted on 28 February in
other years; a birthday kept in a leap month falls in that leap month in years that have it and
in the ordinary month otherwise; day 30 of a month that has 29 days this year falls on the 29th.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from lunar_python import Lunar, LunarMonth, LunarYear, Solar

from core.dateparse import LunarDay


def solar_in_year(month: int, day: int, year: int) -> date:
    """This month/day in `year`; 29 February → 28 February in a common year."""
    if month == 2 and day == 29:
        try:
            return date(year, 2, 29)
        except ValueError:
            return date(year, 2, 28)
    return date(year, month, day)


@lru_cache(maxsize=512)
def leap_month_of(lunar_year: int) -> int:
    """The leap month of a lunar year (0: none)."""
    return int(LunarYear.fromYear(lunar_year).getLeapMonth())


@lru_cache(maxsize=4096)
def lunar_in_year(lunar: LunarDay, lunar_year: int) -> date:
    """The solar day of this lunar month/day in lunar year `lunar_year` (see the module's rules).

    Cached: the library computes from astronomical tables (tens of milliseconds a call), and a
    plan job asks the same few days for every member, every minute."""
    month = lunar.month
    if lunar.leap and leap_month_of(lunar_year) == lunar.month:
        month = -lunar.month
    days = LunarMonth.fromYm(lunar_year, month).getDayCount()
    solar = Lunar.fromYmd(lunar_year, month, min(lunar.day, days)).getSolar()
    return date(solar.getYear(), solar.getMonth(), solar.getDay())


def lunar_of(day: date) -> LunarDay:
    """The lunar date of a solar day (with its lunar year)."""
    lunar = Solar.fromYmd(day.year, day.month, day.day).getLunar()
    month = lunar.getMonth()
    return LunarDay(abs(month), lunar.getDay(), month < 0, lunar.getYear())


def lunar_year_of(day: date) -> int:
    """The lunar year a solar day falls in (it changes at 春节, not on 1 January)."""
    return day.year if day >= lunar_in_year(LunarDay(1, 1), day.year) else day.year - 1


@dataclass(frozen=True)
class Occurrence:
    """One yearly day: when it falls, and the year it counts for (the dedupe key's year)."""

    on: date
    year_key: str


def next_solar(month: int, day: int, today: date) -> Occurrence:
    """The next (today or later) occurrence of a solar month/day."""
    for year in (today.year, today.year + 1):
        on = solar_in_year(month, day, year)
        if on >= today:
            return Occurrence(on, str(year))
    raise AssertionError("unreachable: next year's day is always later")


def next_lunar(lunar: LunarDay, today: date) -> Occurrence:
    """The next (today or later) occurrence of a lunar month/day, keyed by its lunar year."""
    start = lunar_year_of(today)
    for year in (start - 1, start, start + 1):
        on = lunar_in_year(lunar, year)
        if on >= today:
            return Occurrence(on, f"L{year}")
    raise AssertionError("unreachable: next lunar year's day is always later")


def festivals_in(today: date, days: int) -> list[tuple[str, date]]:
    """春节, 重阳节 and 七一 falling within [today, today + days)."""
    found: list[tuple[str, date]] = []
    end = today + timedelta(days=days)
    for name, occurrence in (("春节", next_lunar(LunarDay(1, 1), today)),
                             ("重阳节", next_lunar(LunarDay(9, 9), today)),
                             ("七一", next_solar(7, 1, today))):
        if occurrence.on < end:
            found.append((name, occurrence.on))
    return found
