"""Calendar dates as members type them (core/dateparse.py)."""

from datetime import date

import pytest

from core.dateparse import LunarDay, is_lunar, parse_lunar_day, parse_solar_date
from core.errors import InvalidInput

EX = "设置入党日期 张三 1965-07-01"


@pytest.mark.parametrize("text", ["1965-07-01", "1965-7-1", "1965年7月1日", "1965.07.01",
                                  "1965/7/1", "１９６５年７月１日", "1965 年 7 月 1 日", "19650701",
                                  "1965年7月1号"])
def test_solar_forms(text: str) -> None:
    """Every way the brief lists (and full-width digits) reads as 1 July 1965."""
    assert parse_solar_date(text, EX) == date(1965, 7, 1)


@pytest.mark.parametrize(("text", "reason"), [
    ("1965-13-01", "没有这一天：1965年13月1日。"),
    ("1965-02-30", "没有这一天：1965年2月30日。"),
    ("七月一日", "看不懂日期“七月一日”，请写年月日。"),
    ("7-1", "看不懂日期“7-1”，请写年月日。"),
])
def test_bad_solar_dates_say_why_with_one_example(text: str, reason: str) -> None:
    """A date that does not exist or has no year is refused with the reason and one example."""
    with pytest.raises(InvalidInput) as refused:
        parse_solar_date(text, EX)
    assert refused.value.reply == f"{reason}\n例如：{EX}"


@pytest.mark.parametrize(("text", "expected"), [
    ("农历八月十五", LunarDay(8, 15)),
    ("农历闰四月初八", LunarDay(4, 8, leap=True)),
    ("阴历正月初一", LunarDay(1, 1)),
    ("农历腊月廿三", LunarDay(12, 23)),
    ("农历冬月三十", LunarDay(11, 30)),
    ("农历1940年八月十五", LunarDay(8, 15, year=1940)),
    ("农历8月15日", LunarDay(8, 15)),
    ("农历8-15", LunarDay(8, 15)),
    ("农历1952-闰5-3", LunarDay(5, 3, leap=True, year=1952)),
])
def test_lunar_forms(text: str, expected: LunarDay) -> None:
    """Lunar month/day in words or digits, a leap month, an optional year."""
    assert is_lunar(text)
    assert parse_lunar_day(text, "x") == expected


def test_lunar_words_round_trip() -> None:
    """The words shown back are the words members use."""
    assert LunarDay(4, 8, leap=True).words() == "农历闰四月初八"
    assert LunarDay(12, 23, year=1940).words() == "农历1940年腊月廿三"
    assert parse_lunar_day(LunarDay(11, 21).words(), "x") == LunarDay(11, 21)


@pytest.mark.parametrize("text", ["农历十三月初一", "农历八月三十一", "农历八月"])
def test_bad_lunar_dates(text: str) -> None:
    """No 13th month, no 31st day, no day at all."""
    with pytest.raises(InvalidInput):
        parse_lunar_day(text, "设置生日 张三 农历八月十五")
