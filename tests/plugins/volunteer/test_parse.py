"""Reading 发布需求 posts and 完成需求 durations (pure functions, no database)."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from core.errors import InvalidInput
from db.models import Suitability
from plugins.volunteer.parse import parse_hours, parse_need

NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)  # Wednesday 10:00 Beijing
START = datetime(2026, 11, 28, 1, 0, tzinfo=UTC)  # Saturday 09:00 Beijing
END = datetime(2026, 11, 28, 3, 0, tzinfo=UTC)


def test_one_line_post():
    """The issue's one-line example, fields in the documented order."""
    draft = parse_need("文明劝导 11月28日9:00-11:00 枣行社区 5人 2分", NOW)
    assert (draft.title, draft.starts_at, draft.ends_at, draft.place, draft.capacity) == (
        "文明劝导", START, END, "枣行社区", 5)
    assert (draft.points_per_person, draft.points_per_hour, draft.suits) == (
        Decimal("2"), None, Suitability.NORMAL)


def test_one_line_full_width_per_hour_and_suits():
    """Full-width digits, 每小时N分, 适合不限 and a two-word place."""
    draft = parse_need("清扫 １１月２８日 ９：００－１１：００ 枣行社区 东门 名额八人 每小时１分 适合不限", NOW)
    assert (draft.place, draft.capacity, draft.points_per_hour, draft.points_per_person,
            draft.suits) == ("枣行社区 东门", 8, Decimal("1"), None, Suitability.ANY)


def test_multi_line_form_with_full_width_colons():
    """The form older secretaries use; 适合 defaults to 正常活动 when left out."""
    text = ("\n标题：社区文明劝导\n时间：11月28日 9:00-11:00\n地点：枣行社区\n名额：5\n"
            "积分：每小时1分\n适合：适当参加\n说明：穿红马甲，8:50集合\n")
    draft = parse_need(text, NOW)
    assert (draft.title, draft.starts_at, draft.ends_at, draft.place, draft.capacity) == (
        "社区文明劝导", START, END, "枣行社区", 5)
    assert (draft.points_per_hour, draft.suits, draft.description) == (
        Decimal("1"), Suitability.LIMITED, "穿红马甲，8:50集合")


def test_form_per_person_points_and_default_suits():
    """积分：2（每人） is per person; no 适合 line means 正常活动."""
    draft = parse_need("标题：义务讲解\n时间:明天 14:00-16:00\n地点:白帝城\n名额:3人\n积分:2（每人）", NOW)
    assert (draft.points_per_person, draft.suits, draft.capacity) == (
        Decimal("2"), Suitability.NORMAL, 3)
    assert draft.starts_at == datetime(2026, 11, 26, 6, 0, tzinfo=UTC)


@pytest.mark.parametrize(("text", "reply"), [
    ("标题：劝导\n时间：11月28日 9:00-11:00\n名额：5",
     "缺少“地点”，请补上这一行。\n例如：地点：枣行社区"),
    ("标题：劝导\n地点：社区\n名额：5",
     "缺少“时间”，请补上这一行。\n例如：时间：11月28日 9:00-11:00"),
    ("标题：劝导\n时间：11月28日 9:00\n地点：社区\n名额：5",
     "“时间”没看懂：缺少结束时间。\n例如：时间：11月28日 9:00-11:00"),
    ("标题：劝导\n时间：11月28日 9:00-11:00\n地点：社区\n名额：很多",
     "“名额”要写1到200之间的人数。\n例如：名额：5"),
    ("标题：劝导\n时间：11月28日 9:00-11:00\n地点：社区\n名额：5\n适合：年轻人",
     "“适合”只能填：正常活动、适当参加、不限。您写的是“年轻人”。\n例如：适合：正常活动（或 适当参加、不限）"),
    ("标题：劝导\n时间：11月28日 9:00-11:00\n地点：社区\n名额：5\n带上水杯",
     "这一行没看懂：“带上水杯”。每行请以字段名开头。\n例如：地点：枣行社区"),
    ("文明劝导 11月28日9:00-11:00 枣行社区",
     "缺少名额，请写上几人。\n例如：发布需求 文明劝导 11月28日9:00-11:00 枣行社区 5人 2分"),
    ("文明劝导 11月28日9:00-11:00 5人",
     "缺少地点，地点写在时间后面。\n例如：发布需求 文明劝导 11月28日9:00-11:00 枣行社区 5人 2分"),
    ("文明劝导 枣行社区 5人",
     "时间没看懂：看不懂这个时间段。时间写在标题后面。\n"
     "例如：发布需求 文明劝导 11月28日9:00-11:00 枣行社区 5人 2分"),
    ("文明劝导 11月24日9:00-11:00 枣行社区 5人",
     "开始时间已经过去了，请写以后的时间。\n例如：发布需求 文明劝导 11月28日9:00-11:00 枣行社区 5人 2分"),
    ("文明劝导 11月28日9:00-11:00 枣行社区 5人 0.3分",
     "分数最小单位是0.5分。\n例如：发布需求 文明劝导 11月28日9:00-11:00 枣行社区 5人 2分"),
])
def test_missing_or_malformed_fields_are_named(text, reply):
    """Each problem names the field and shows an example."""
    with pytest.raises(InvalidInput) as caught:
        parse_need(text, NOW)
    assert caught.value.reply == reply


def test_beijing_day_boundary():
    """At 00:30 Beijing (16:30 UTC the day before) 今天 is the new Beijing day."""
    late = datetime(2026, 11, 27, 16, 30, tzinfo=UTC)
    draft = parse_need("文明劝导 今天9:00-11:00 枣行社区 5人", late)
    assert draft.starts_at == START


@pytest.mark.parametrize(("text", "hours"), [
    ("2", "2"), ("2小时", "2"), ("1.5小时", "1.5"), ("两个半小时", "2.5"), ("半小时", "0.5"),
    ("90分钟", "1.5"), ("３小时", "3"), ("1.2小时", "1"),
])
def test_parse_hours(text, hours):
    """Durations in the forms secretaries write, rounded to half hours."""
    assert parse_hours(text, "x") == Decimal(hours)


def test_parse_hours_refuses_nonsense():
    """Not a duration, or beyond a day."""
    for text in ("很久", "30小时", "0", "-3小时", "9" * 40 + "小时", "１" + "０" * 30):
        with pytest.raises(InvalidInput):
            parse_hours(text, "x")


@pytest.mark.parametrize("text", [
    "清扫 11月28日9:00-11:00 枣行社区 5人 每小时",
    "清扫 11月28日9:00-11:00 枣行社区 5人 每小时分",
    "标题：清扫\n时间：11月28日 9:00-11:00\n地点：枣行社区\n名额：5\n积分：每小时",
])
def test_per_hour_without_a_number_asks_for_the_branch_rule(text):
    """`每小时` alone means per hour at the branch's rate, not part of the place or an error."""
    draft = parse_need(text, NOW)
    assert (draft.place, draft.points_per_hour, draft.points_per_person, draft.hourly) == (
        "枣行社区", None, None, True)
