"""Tests for core.timeparse: every supported form against a fixed `now`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from core.timeparse import (
    BEIJING,
    TimeParseError,
    normalize,
    parse_datetime,
    parse_time_range,
    split_leading_range,
    split_leading_time,
)

# Sunday 2026-11-22 10:00 Beijing.
NOW = datetime(2026, 11, 22, 10, 0, tzinfo=BEIJING)
# Monday 2026-11-23 10:00 Beijing.
MONDAY = datetime(2026, 11, 23, 10, 0, tzinfo=BEIJING)


def bj(month: int, day: int, hour: int, minute: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=BEIJING)


def assert_local(result: datetime, expected: datetime) -> None:
    # Aware datetimes compare by instant, so also pin the zone to catch a UTC result.
    assert result == expected
    assert str(result.tzinfo) == "Asia/Shanghai"
    assert result.utcoffset() == timedelta(hours=8)


ABSOLUTE = [
    ("2026-11-25 09:30", bj(11, 25, 9, 30)),
    ("2026-11-25 9:30", bj(11, 25, 9, 30)),
    ("2026/11/25 9:30", bj(11, 25, 9, 30)),
    ("2026.11.25 9:30", bj(11, 25, 9, 30)),
    ("2026年11月25日 9:30", bj(11, 25, 9, 30)),
    ("2026年11月25日9点半", bj(11, 25, 9, 30)),
    ("二〇二六年十一月二十五日上午九点", bj(11, 25, 9)),
    ("2027-01-05 08:00", bj(1, 5, 8, year=2027)),
    ("2026-11-20 9:00", bj(11, 20, 9)),  # past: returned as is, callers decide
    ("11-25 9:30", bj(11, 25, 9, 30)),
    ("11/25 9:30", bj(11, 25, 9, 30)),
    ("11.25 9:30", bj(11, 25, 9, 30)),
    ("11月25日9点半", bj(11, 25, 9, 30)),
    ("11月25号9点", bj(11, 25, 9)),
    ("11月25日 14:00", bj(11, 25, 14)),
    ("11月25日下午3点", bj(11, 25, 15)),
    ("十一月二十五日上午九点", bj(11, 25, 9)),
    ("十二月一日九点", bj(12, 1, 9)),
    ("25日9点", bj(11, 25, 9)),
    ("25号上午9点", bj(11, 25, 9)),
    ("二十五号九点", bj(11, 25, 9)),
    ("20号上午9点", bj(12, 20, 9)),  # the 20th of this month is past: next month
    ("22日9点", bj(11, 22, 9)),  # today, time passed: still today, callers refuse
    ("31日9点", bj(12, 31, 9)),  # November has no 31st
]

RELATIVE_DAYS = [
    ("今天15:00", bj(11, 22, 15)),
    ("今日15:00", bj(11, 22, 15)),
    ("今天9点", bj(11, 22, 9)),  # explicit date: no rolling over
    ("明天上午9点", bj(11, 23, 9)),
    ("明天下午3点", bj(11, 23, 15)),
    ("明天 下午 3点", bj(11, 23, 15)),
    ("明日9点", bj(11, 23, 9)),
    ("后天9点", bj(11, 24, 9)),
    ("大后天9点", bj(11, 25, 9)),
    ("明早9点", bj(11, 23, 9)),
    ("明早上8点", bj(11, 23, 8)),
    ("今早8点", bj(11, 22, 8)),
    ("今晚7点半", bj(11, 22, 19, 30)),
    ("今晚上7点", bj(11, 22, 19)),
    ("明晚8点", bj(11, 23, 20)),
    ("3天后9点", bj(11, 25, 9)),
    ("三天后下午2点", bj(11, 25, 14)),
]

# NOW is a Sunday; weeks start on Monday, so 下周三 is 3 days away and 本周五 was 2 days ago.
WEEKDAYS_FROM_SUNDAY = [
    ("下周三14:00", bj(11, 25, 14)),
    ("下个星期三14:00", bj(11, 25, 14)),
    ("周三14:00", bj(11, 25, 14)),
    ("星期三 14:00", bj(11, 25, 14)),
    ("礼拜三下午2点", bj(11, 25, 14)),
    ("周3 14:00", bj(11, 25, 14)),
    ("本周五9点", bj(11, 20, 9)),
    ("这周五9点", bj(11, 20, 9)),
    ("这个星期五9点", bj(11, 20, 9)),
    ("下下周一9点", bj(11, 30, 9)),
    ("周日11点", bj(11, 22, 11)),  # today, still ahead
    ("周日9点", bj(11, 29, 9)),  # today, already passed: next week
    ("星期天9点", bj(11, 29, 9)),
    ("周日10:00", bj(11, 29, 10)),  # exactly now is not ahead
    ("周一9点", bj(11, 23, 9)),
]

WEEKDAYS_FROM_MONDAY = [
    ("周三14:00", bj(11, 25, 14)),
    ("本周五9点", bj(11, 27, 9)),
    ("这周五9点", bj(11, 27, 9)),
    ("下周三14:00", bj(12, 2, 14)),
    ("下下周一9点", bj(12, 7, 9)),
    ("周一9点", bj(11, 30, 9)),  # today, passed
    ("周一11点", bj(11, 23, 11)),  # today, ahead
    ("本周一9点", bj(11, 23, 9)),  # explicit week: no rolling over
]

# Times alone: today if still ahead of 10:00, otherwise tomorrow.
BARE_TIMES = [
    ("9:30", bj(11, 23, 9, 30)),
    ("9：30", bj(11, 23, 9, 30)),
    ("09:30", bj(11, 23, 9, 30)),
    ("10:30", bj(11, 22, 10, 30)),
    ("10:00", bj(11, 23, 10)),  # equal to now is not ahead
    ("9点", bj(11, 23, 9)),
    ("9点半", bj(11, 23, 9, 30)),
    ("9点30", bj(11, 23, 9, 30)),
    ("9点30分", bj(11, 23, 9, 30)),
    ("9点05", bj(11, 23, 9, 5)),
    ("9点5分", bj(11, 23, 9, 5)),
    ("9点一刻", bj(11, 23, 9, 15)),
    ("9点三刻", bj(11, 23, 9, 45)),
    ("9点整", bj(11, 23, 9)),
    ("9点钟", bj(11, 23, 9)),
    ("9时30分", bj(11, 23, 9, 30)),
    ("上午9点", bj(11, 23, 9)),
    ("上午11点", bj(11, 22, 11)),
    ("早上8点", bj(11, 23, 8)),
    ("中午12点", bj(11, 22, 12)),
    ("中午1点", bj(11, 22, 13)),
    ("下午3点", bj(11, 22, 15)),
    ("下午 3点", bj(11, 22, 15)),
    ("下午12点", bj(11, 22, 12)),
    ("下午15点", bj(11, 22, 15)),
    ("晚上7点", bj(11, 22, 19)),
    ("晚7点", bj(11, 22, 19)),
    ("傍晚6点", bj(11, 22, 18)),
    ("凌晨5点", bj(11, 23, 5)),
    ("九点半", bj(11, 23, 9, 30)),
    ("十点", bj(11, 23, 10)),
    ("十点半", bj(11, 22, 10, 30)),
    ("十二点", bj(11, 22, 12)),
    ("下午两点", bj(11, 22, 14)),
    ("二十三点", bj(11, 22, 23)),
    ("十一点四十五", bj(11, 22, 11, 45)),
    ("十一点三十分", bj(11, 22, 11, 30)),
    ("九点零五", bj(11, 23, 9, 5)),
    ("14:00", bj(11, 22, 14)),
    ("0:30", bj(11, 23, 0, 30)),
]

# Clock forms pinned to a date, so no rolling over hides a wrong hour.
CLOCKS_ON_A_DATE = [
    ("11月25日9:30", bj(11, 25, 9, 30)),
    ("11月25日凌晨5点", bj(11, 25, 5)),
    ("11月25日凌晨12点", bj(11, 25, 0)),
    ("11月25日早上8点", bj(11, 25, 8)),
    ("11月25日中午12点", bj(11, 25, 12)),
    ("11月25日下午12点", bj(11, 25, 12)),
    ("11月25日晚上7点", bj(11, 25, 19)),
    ("11月25日晚上11点半", bj(11, 25, 23, 30)),
    # 晚上12点 is the midnight that ends that evening, i.e. 00:00 the next day.
    ("11月25日晚上12点", bj(11, 26, 0)),
    ("11月25日晚上1点", bj(11, 26, 1)),
    ("明晚12点", bj(11, 24, 0)),
    ("11月25日23:59", bj(11, 25, 23, 59)),
    ("11月25日0:00", bj(11, 25, 0)),
]

OFFSETS = [
    ("3天后", bj(11, 25, 10)),
    ("三天后", bj(11, 25, 10)),
    ("3天以后", bj(11, 25, 10)),
    ("2小时后", bj(11, 22, 12)),
    ("两个小时后", bj(11, 22, 12)),
    ("2个钟头后", bj(11, 22, 12)),
    ("半小时后", bj(11, 22, 10, 30)),
    ("半个小时后", bj(11, 22, 10, 30)),
    ("30分钟后", bj(11, 22, 10, 30)),
    ("10分钟以后", bj(11, 22, 10, 10)),
    ("1个半小时后", bj(11, 22, 11, 30)),
    ("15小时后", bj(11, 23, 1)),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    ABSOLUTE + RELATIVE_DAYS + WEEKDAYS_FROM_SUNDAY + BARE_TIMES + CLOCKS_ON_A_DATE + OFFSETS,
)
def test_parse_datetime(text: str, expected: datetime) -> None:
    assert_local(parse_datetime(text, NOW), expected)


@pytest.mark.parametrize(("text", "expected"), WEEKDAYS_FROM_MONDAY)
def test_weekdays_from_monday(text: str, expected: datetime) -> None:
    assert_local(parse_datetime(text, MONDAY), expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1月5日9点", bj(1, 5, 9, year=2027)),
        ("1-5 9:00", bj(1, 5, 9, year=2027)),
        ("12月31日9点", bj(12, 31, 9)),
        ("12月29日9点", bj(12, 29, 9)),  # yesterday is not rolled to next year
        ("12月28日9点", bj(12, 28, 9, year=2027)),  # more than a day ago: next year
        ("5日9点", bj(1, 5, 9, year=2027)),  # day only: next month, across the year
        ("30日9点", bj(12, 30, 9)),  # today: stays, even though 9:00 passed
        ("明天9点", bj(12, 31, 9)),
        ("后天9点", bj(1, 1, 9, year=2027)),
        ("下周一9点", bj(1, 4, 9, year=2027)),
    ],
)
def test_year_rollover(text: str, expected: datetime) -> None:
    now = datetime(2026, 12, 30, 10, 0, tzinfo=BEIJING)
    assert_local(parse_datetime(text, now), expected)


def test_offset_truncates_seconds() -> None:
    now = datetime(2026, 11, 22, 10, 0, 45, 123, tzinfo=BEIJING)
    assert_local(parse_datetime("30分钟后", now), bj(11, 22, 10, 30))


@pytest.mark.parametrize(
    ("now", "text", "expected"),
    [
        # 23:50 Beijing given as 15:50 UTC.
        (datetime(2026, 11, 22, 15, 50, tzinfo=UTC), "明天9点", bj(11, 23, 9)),
        (datetime(2026, 11, 22, 15, 50, tzinfo=UTC), "今天9点", bj(11, 22, 9)),
        (datetime(2026, 11, 22, 15, 50, tzinfo=UTC), "9点", bj(11, 23, 9)),
        (datetime(2026, 11, 22, 15, 50, tzinfo=UTC), "半小时后", bj(11, 23, 0, 20)),
        (datetime(2026, 11, 22, 15, 50, tzinfo=UTC), "晚上12点", bj(11, 23, 0)),
        # 00:10 Beijing on the 22nd given as 16:10 UTC on the 21st.
        (datetime(2026, 11, 21, 16, 10, tzinfo=UTC), "今天9点", bj(11, 22, 9)),
        (datetime(2026, 11, 21, 16, 10, tzinfo=UTC), "9点", bj(11, 22, 9)),
        (datetime(2026, 11, 21, 16, 10, tzinfo=UTC), "明天9点", bj(11, 23, 9)),
        (datetime(2026, 11, 21, 16, 10, tzinfo=UTC), "周日9点", bj(11, 22, 9)),
        (datetime(2026, 11, 21, 16, 10, tzinfo=UTC), "21日9点", bj(12, 21, 9)),
        (datetime(2026, 11, 21, 16, 10, tzinfo=UTC), "11月21日23:00", bj(11, 21, 23)),
    ],
)
def test_now_near_beijing_midnight(now: datetime, text: str, expected: datetime) -> None:
    assert_local(parse_datetime(text, now), expected)


def test_other_timezone() -> None:
    tz = ZoneInfo("UTC")
    result = parse_datetime("今天9点", NOW, tz)  # NOW is 02:00 UTC on the 22nd
    assert result == datetime(2026, 11, 22, 9, 0, tzinfo=tz)
    assert result.utcoffset() == timedelta(0)


def test_naive_now_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="timezone-aware") as info:
        parse_datetime("明天9点", datetime(2026, 11, 22, 10, 0))
    assert not isinstance(info.value, TimeParseError)


@pytest.mark.parametrize(
    ("text", "default_hour", "expected"),
    [
        ("11月25日", 9, bj(11, 25, 9)),
        ("明天", 8, bj(11, 23, 8)),
        ("周三", 9, bj(11, 25, 9)),
        ("25号", 19, bj(11, 25, 19)),
        ("明天15:30", 9, bj(11, 23, 15, 30)),  # an explicit time wins
    ],
)
def test_default_hour(text: str, default_hour: int, expected: datetime) -> None:
    assert_local(parse_datetime(text, NOW, default_hour=default_hour), expected)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("13月5日 9:00", "没有这个日期"),
        ("0月5日 9:00", "没有这个日期"),
        ("2月30日 9:00", "没有这个日期"),
        ("2026-13-01 9:00", "没有这个日期"),
        ("32日9点", "没有这个日期"),
        ("25:00", "时刻不对"),
        ("24:00", "时刻不对"),
        ("9点70分", "时刻不对"),
        ("9:60", "时刻不对"),
        ("上午15点", "时刻不对"),
        ("abc", "看不懂"),
        ("9点3", "看不懂"),
        ("明天9点开会", "看不懂"),
        ("", "没有填写时间"),
        ("   ", "没有填写时间"),
        ("11月25日", "缺少具体时刻"),
        ("明天", "缺少具体时刻"),
        ("周三", "缺少具体时刻"),
        ("明天上午", "缺少具体时刻"),
        ("今晚", "缺少具体时刻"),
        ("下午", "缺少具体时刻"),
    ],
)
def test_invalid(text: str, reason: str) -> None:
    with pytest.raises(TimeParseError) as info:
        parse_datetime(text, NOW)
    assert reason in str(info.value)
    assert "11月25日 9:30" in str(info.value)


def test_missing_time_message() -> None:
    with pytest.raises(TimeParseError, match="^缺少具体时刻，例如：11月25日 9:30$"):
        parse_datetime("11月25日", NOW)


def test_period_without_hour_ignores_default_hour() -> None:
    # 9:00 by default would contradict the 下午 the user wrote.
    with pytest.raises(TimeParseError, match="缺少具体时刻"):
        parse_datetime("明天下午", NOW, default_hour=9)


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("11月28日9:00-11:00", bj(11, 28, 9), bj(11, 28, 11)),
        ("11月28日 9:00~11:00", bj(11, 28, 9), bj(11, 28, 11)),
        ("11月28日 9:00～11:00", bj(11, 28, 9), bj(11, 28, 11)),
        ("11月28日9:00－11:00", bj(11, 28, 9), bj(11, 28, 11)),
        ("11月28日 9:00 — 11:00", bj(11, 28, 9), bj(11, 28, 11)),
        ("11月28日9点到11点", bj(11, 28, 9), bj(11, 28, 11)),
        ("11月28日上午9点至11点半", bj(11, 28, 9), bj(11, 28, 11, 30)),
        ("11月28日上午10点至下午2点", bj(11, 28, 10), bj(11, 28, 14)),
        ("明天9:00-11:00", bj(11, 23, 9), bj(11, 23, 11)),
        ("下午2点-4点", bj(11, 22, 14), bj(11, 22, 16)),
        ("晚上7点到9点", bj(11, 22, 19), bj(11, 22, 21)),
        ("晚上10点到12点", bj(11, 22, 22), bj(11, 23, 0)),
        ("9:00-11:00", bj(11, 23, 9), bj(11, 23, 11)),  # 9:00 passed: both tomorrow
        ("周三14:00-16:00", bj(11, 25, 14), bj(11, 25, 16)),
        ("11月28日9:00-11月29日11:00", bj(11, 28, 9), bj(11, 29, 11)),
        ("2026-11-28 09:00-2026-11-28 11:00", bj(11, 28, 9), bj(11, 28, 11)),
    ],
)
def test_parse_time_range(text: str, start: datetime, end: datetime) -> None:
    got_start, got_end = parse_time_range(text, NOW)
    assert_local(got_start, start)
    assert_local(got_end, end)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("11月28日11:00-9:00", "结束时间要晚于开始时间"),
        ("11月28日9:00-9:00", "结束时间要晚于开始时间"),
        ("下午4点-2点", "结束时间要晚于开始时间"),
        ("11月28日9:00", "缺少结束时间"),
        ("11月28日9:00-", "缺少结束时间"),
        ("11月28日9:00-中午", "缺少具体时刻"),
        ("11月28日-11月29日", "缺少具体时刻"),
        ("11月28日9:00-11:00 人民广场", "看不懂这个时间段"),
        ("人民广场", "看不懂这个时间段"),
        ("11月28日9:00-25:00", "时刻不对"),
        ("", "没有填写时间"),
    ],
)
def test_invalid_range(text: str, reason: str) -> None:
    with pytest.raises(TimeParseError, match=reason):
        parse_time_range(text, NOW)


@pytest.mark.parametrize(
    ("text", "expected", "rest"),
    [
        ("明天9点 带好党员证", bj(11, 23, 9), "带好党员证"),
        ("明天9点半带好党员证", bj(11, 23, 9, 30), "带好党员证"),
        (
            "11月25日9点半 学习二十届四中全会精神 党员活动室",
            bj(11, 25, 9, 30),
            "学习二十届四中全会精神 党员活动室",
        ),
        ("下周三14:00 支部大会，请准时参加！", bj(11, 25, 14), "支部大会，请准时参加！"),
        ("　明天　９点　带好党员证！", bj(11, 23, 9), "带好党员证！"),  # full-width input
        ("明天 上午 9点 交党费", bj(11, 23, 9), "交党费"),
        ("明天9点三楼会议室", bj(11, 23, 9), "三楼会议室"),  # 三 is not a minute
        ("明天9点30分开会", bj(11, 23, 9, 30), "开会"),
        ("今晚7点半 观看新闻联播", bj(11, 22, 19, 30), "观看新闻联播"),
        ("25号上午9点 交党费 带上零钱", bj(11, 25, 9), "交党费 带上零钱"),
        ("2小时后 吃降压药", bj(11, 22, 12), "吃降压药"),
        ("2026-11-25 09:30 3楼会议室", bj(11, 25, 9, 30), "3楼会议室"),
        ("明天9点", bj(11, 23, 9), ""),
    ],
)
def test_split_leading_time(text: str, expected: datetime, rest: str) -> None:
    got, got_rest = split_leading_time(text, NOW)
    assert_local(got, expected)
    assert got_rest == rest


def test_split_leading_time_default_hour() -> None:
    got, rest = split_leading_time("周三学习会", NOW, default_hour=9)
    assert_local(got, bj(11, 25, 9))
    assert rest == "学习会"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("周三学习会", "缺少具体时刻"),
        ("明天下午 开会", "缺少具体时刻"),
        ("带好党员证 明天9点", "开头没有时间"),
        ("11月31日9点 开会", "没有这个日期"),
        ("", "没有填写时间"),
    ],
)
def test_split_leading_time_invalid(text: str, reason: str) -> None:
    with pytest.raises(TimeParseError, match=reason):
        split_leading_time(text, NOW)


@pytest.mark.parametrize(
    ("text", "start", "end", "rest"),
    [
        (
            "11月28日9:00-11:00 人民广场 需要6人",
            bj(11, 28, 9),
            bj(11, 28, 11),
            "人民广场 需要6人",
        ),
        ("明天 9:00~11:00 社区门口", bj(11, 23, 9), bj(11, 23, 11), "社区门口"),
        ("11月28日上午9点至11点半 文化广场", bj(11, 28, 9), bj(11, 28, 11, 30), "文化广场"),
        ("下午2点-4点 老干部活动中心", bj(11, 22, 14), bj(11, 22, 16), "老干部活动中心"),
        ("11月28日9:00-11:00", bj(11, 28, 9), bj(11, 28, 11), ""),
    ],
)
def test_split_leading_range(text: str, start: datetime, end: datetime, rest: str) -> None:
    (got_start, got_end), got_rest = split_leading_range(text, NOW)
    assert_local(got_start, start)
    assert_local(got_end, end)
    assert got_rest == rest


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("11月28日9:00 人民广场", "缺少结束时间"),
        ("人民广场 11月28日9:00-11:00", "看不懂这个时间段"),
    ],
)
def test_split_leading_range_invalid(text: str, reason: str) -> None:
    with pytest.raises(TimeParseError, match=reason):
        split_leading_range(text, NOW)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("　２０２６－１１－２５　　９：３０ ", "2026-11-25 9:30"),
        ("明天  9点\t带好", "明天 9点 带好"),
        ("", ""),
    ],
)
def test_normalize(text: str, expected: str) -> None:
    assert normalize(text) == expected


# Issue 18: the afternoon, next month, festivals, past days.
AFTERNOON_AND_NEW_WORDS = [
    ("3点", bj(11, 22, 15)),
    ("两点", bj(11, 22, 14)),
    ("1点半", bj(11, 22, 13, 30)),
    ("6点", bj(11, 22, 18)),
    ("3:00", bj(11, 22, 15)),
    ("03:00", bj(11, 23, 3)),  # zero-padded: a 24-hour clock on purpose
    ("上午3点", bj(11, 23, 3)),
    ("凌晨3点", bj(11, 23, 3)),
    ("早上6点", bj(11, 23, 6)),
    ("7点", bj(11, 23, 7)),  # 7 and later stay as written
    ("明天3点", bj(11, 23, 15)),
    ("下月5号9点", bj(12, 5, 9)),
    ("下个月5号 上午9点", bj(12, 5, 9)),
    ("下个月5日3点", bj(12, 5, 15)),
    ("下下个月1号9点", bj(1, 1, 9, year=2027)),
    ("本月30号9点", bj(11, 30, 9)),
    ("元旦9点", bj(1, 1, 9, year=2027)),
    ("春节上午10点", bj(2, 6, 10, year=2027)),  # lunar new year 2027
    ("除夕晚上8点", bj(2, 5, 20, year=2027)),
    ("元宵节晚上7点", bj(2, 20, 19, year=2027)),
    ("清明节9点", bj(4, 5, 9, year=2027)),
    ("五一9点", bj(5, 1, 9, year=2027)),
    ("端午节9点", bj(6, 9, 9, year=2027)),
    ("七一9点", bj(7, 1, 9, year=2027)),
    ("建党节9点", bj(7, 1, 9, year=2027)),
    ("八一9点", bj(8, 1, 9, year=2027)),
    ("中秋节晚上7点", bj(9, 15, 19, year=2027)),
    ("国庆9点", bj(10, 1, 9, year=2027)),
    ("国庆节上午9点", bj(10, 1, 9, year=2027)),
    ("重阳节9点", bj(10, 8, 9, year=2027)),
    ("昨天9点", bj(11, 21, 9)),  # read, so the caller can say it has passed
    ("前天下午3点", bj(11, 20, 15)),
    ("昨晚8点", bj(11, 21, 20)),
    ("十一点", bj(11, 22, 11)),  # not 国庆
]


@pytest.mark.parametrize(("text", "expected"), AFTERNOON_AND_NEW_WORDS)
def test_afternoon_next_month_festivals_and_past_days(text: str, expected: datetime) -> None:
    assert_local(parse_datetime(text, NOW), expected)


def test_festival_on_its_own_day_is_today() -> None:
    """On 重阳 itself (2026-10-18), 重阳9点 is that morning, not next year's."""
    assert_local(parse_datetime("重阳9点", bj(10, 18, 8)), bj(10, 18, 9))


@pytest.mark.parametrize(
    ("utc", "text", "expected"),
    [
        # 23:59 Beijing on 31 December is 15:59 UTC: 元旦 is tomorrow, 下月 is February
        (datetime(2026, 12, 31, 15, 59, tzinfo=UTC), "元旦9点", bj(1, 1, 9, year=2027)),
        (datetime(2026, 12, 31, 15, 59, tzinfo=UTC), "下月5号9点", bj(1, 5, 9, year=2027)),
        (datetime(2026, 12, 31, 15, 59, tzinfo=UTC), "3点", bj(1, 1, 15, year=2027)),
        # one minute later it is 1 January in Beijing (still 31 December in UTC)
        (datetime(2026, 12, 31, 16, 0, tzinfo=UTC), "元旦9点", bj(1, 1, 9, year=2027)),
        (datetime(2026, 12, 31, 16, 0, tzinfo=UTC), "下月5号9点", bj(2, 5, 9, year=2027)),
        (datetime(2026, 12, 31, 16, 0, tzinfo=UTC), "昨天9点", bj(12, 31, 9)),
    ],
)
def test_new_words_at_the_beijing_day_boundary(utc: datetime, text: str, expected: datetime) -> None:
    assert_local(parse_datetime(text, utc), expected)


def test_reason_leaves_the_example_to_the_caller() -> None:
    """A caller with its own example shows the reason alone: one example per reply."""
    with pytest.raises(TimeParseError) as info:
        split_leading_time("带好党员证", NOW)
    assert info.value.reason == "开头没有时间"
    assert str(info.value) == "开头没有时间，例如：11月25日 9:30"


def test_no_such_day_next_month() -> None:
    with pytest.raises(TimeParseError, match="^没有这个日期，例如：11月25日 9:30$"):
        parse_datetime("本月31号9点", NOW)  # November has 30 days
