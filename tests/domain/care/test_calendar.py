"""On which day a yearly day falls: 29 February, the lunar new year, leap months (no database)."""

from datetime import date

from core.dateparse import LunarDay
from domain import care


def test_29_february_falls_on_28_february_in_common_years() -> None:
    """Joined or born on 29 Feb: 28 Feb in 2027, 29 Feb again in 2028."""
    assert care.next_solar(2, 29, date(2027, 1, 1)) == care.Occurrence(date(2027, 2, 28), "2027")
    assert care.next_solar(2, 29, date(2028, 1, 1)) == care.Occurrence(date(2028, 2, 29), "2028")
    assert care.next_solar(2, 29, date(2027, 3, 1)).on == date(2028, 2, 29)


def test_a_lunar_day_across_the_lunar_new_year() -> None:
    """腊月廿八 is 27 Jan 2025 (lunar 2024), then 15 Feb 2026 (lunar 2025; 春节 2026 is 17 Feb)."""
    day = LunarDay(12, 28)
    assert care.next_lunar(day, date(2025, 1, 1)) == care.Occurrence(date(2025, 1, 27), "L2024")
    assert care.next_lunar(day, date(2025, 1, 27)).on == date(2025, 1, 27)
    assert care.next_lunar(day, date(2025, 1, 28)) == care.Occurrence(date(2026, 2, 15), "L2025")
    assert care.lunar_in_year(LunarDay(1, 1), 2025) == date(2025, 1, 29)  # 春节 2025


def test_a_leap_month_birthday() -> None:
    """2025 has a 闰六月 (from 25 July): 闰六月初十 is 3 Aug, 六月初十 is 4 July; in 2026, which
    has no leap sixth month, a 闰六月 birthday falls in the ordinary sixth month."""
    assert care.lunar_in_year(LunarDay(6, 10, leap=True), 2025) == date(2025, 8, 3)
    assert care.lunar_in_year(LunarDay(6, 10), 2025) == date(2025, 7, 4)
    assert care.lunar_in_year(LunarDay(6, 1, leap=True), 2025) == date(2025, 7, 25)
    assert (care.lunar_in_year(LunarDay(6, 10, leap=True), 2026)
            == care.lunar_in_year(LunarDay(6, 10), 2026))
    assert care.lunar_of(date(2025, 8, 3)) == LunarDay(6, 10, leap=True, year=2025)


def test_day_30_of_a_short_month_falls_on_its_last_day() -> None:
    """腊月 of lunar 2025 has 29 days: a 腊月三十 birthday is on 除夕, 16 Feb 2026."""
    assert care.lunar_in_year(LunarDay(12, 30), 2025) == date(2026, 2, 16)


def test_festivals_within_a_window() -> None:
    """春节, 重阳节 (lunar 9/9) and 七一 of 2026."""
    assert care.festivals_in(date(2026, 1, 1), 365) == [
        ("春节", date(2026, 2, 17)), ("重阳节", date(2026, 10, 18)), ("七一", date(2026, 7, 1))]
    assert care.festivals_in(date(2026, 2, 10), 8) == [("春节", date(2026, 2, 17))]
    assert care.festivals_in(date(2026, 2, 10), 7) == []  # [today, today + days)


def test_honour_from_fifty_years() -> None:
    """光荣在党50年 from 50 years; each later fifth year named; none before."""
    assert [care.honour(n) for n in (49, 50, 51, 55, 56, 60)] == [
        None, "光荣在党50年", "光荣在党50年", "光荣在党55年", "光荣在党50年", "光荣在党60年"]
