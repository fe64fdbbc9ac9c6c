"""The words of points commands: amounts and reasons, rule changes, quarters, listings."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
import time_machine

from core.errors import InvalidInput
from plugins.points.parse import (
    parse_amount_reason,
    parse_listing,
    parse_quarter,
    parse_rule_changes,
)

D = Decimal
NOV = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)


def test_rule_changes_forms() -> None:
    """'=' and '：' and '，' separate; '0' turns a rule off; a trailing 分 is allowed."""
    assert parse_rule_changes("按时签到=3，迟到 0 建议采纳 5分") == {
        "signin_on_time": D(3), "signin_late": D(0), "suggestion_adopted": D(5)}


@pytest.mark.parametrize("text", ["按时签到", "跳舞 3", "按时签到 -1", "按时签到 100", "迟到 1.25"])
def test_bad_rule_changes(text: str) -> None:
    """Unknown rules and bad amounts are refused with an example."""
    with pytest.raises(InvalidInput) as err:
        parse_rule_changes(text)
    assert "例如：设置积分规则 按时签到 3 迟到 1" in err.value.reply


@pytest.mark.parametrize(("text", "message"), [
    ("abc 协助", "分数“abc”不是数字。"),
    ("-5 协助", "分数要大于0。"),
    ("0 协助", "分数要大于0。"),
    ("1.25 协助", "分数最小单位是0.5分。"),
    ("99999999999999999999 协助", "每次分数须在1到20分之间。"),
    ("1e3 协助", "分数“1e3”不是数字。"),
    ("5", "请写上原因。"),
    ("", "请写上分数和原因。"),
])
def test_bad_amounts_and_reasons(text: str, message: str) -> None:
    """Every bad amount or missing reason is a clear reply with the example."""
    with pytest.raises(InvalidInput) as err:
        parse_amount_reason(text, low=D(1), high=D(20), example="加分 张三 5 协助社区清扫")
    assert err.value.reply == f"{message}\n例如：加分 张三 5 协助社区清扫"


@time_machine.travel(NOV, tick=False)
def test_quarter_words() -> None:
    """Quarter words are forgiving; a future quarter is refused."""
    assert parse_quarter("") == "2026Q3"
    assert parse_quarter("本季度") == "2026Q4"
    assert parse_quarter("２０２６年第四季度") == "2026Q4"
    with pytest.raises(InvalidInput, match="还没到"):
        parse_quarter("2027Q1")
    with pytest.raises(InvalidInput, match="没看懂季度"):
        parse_quarter("明年")


@time_machine.travel(datetime(2026, 11, 20, 2, tzinfo=UTC), tick=False)
def test_quarter_words_without_a_year() -> None:
    """'第三季度' / '3季度' / 'Q3' alone mean this year's quarter."""
    assert [parse_quarter(w) for w in ("第三季度", "3季度", "Q3", "2025年第四季度")] == [
        "2026Q3", "2026Q3", "2026Q3", "2025Q4"]


@pytest.mark.parametrize(("text", "expected"), [
    ("保温杯 30", ("保温杯", D(30), None)),
    ("保温杯 30 5", ("保温杯", D(30), 5)),
    ("理发 服务 10分 20次", ("理发 服务", D(10), 20)),
])
def test_parse_listing(text: str, expected: tuple) -> None:
    """上架 words: name, points, optional stock."""
    assert parse_listing(text) == expected


@pytest.mark.parametrize("text", ["保温杯", "保温杯 abc", "保温杯 -3", "保温杯 2.25", "30", "保温杯 30 0"])
def test_parse_listing_refuses(text: str) -> None:
    """Bad listings are refused with an example."""
    with pytest.raises(InvalidInput) as err:
        parse_listing(text)
    assert err.value.reply.endswith("例如：上架 保温杯 30 5")
