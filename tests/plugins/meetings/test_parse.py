"""The words of 发布会议, 会议记录 and 代请假 (pure parsing; the rules are domain tests)."""

from datetime import UTC, datetime

import pytest
from nonebot.adapters.onebot.v11 import Message, MessageSegment

from core.errors import InvalidInput
from db.models import MeetingKind
from plugins.meetings.parse import announced_id, leading_id, parse_meeting, parse_minutes

NOW = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)  # Thursday 10:00 Beijing


@pytest.mark.parametrize(("text", "expected"), [
    ("支委会 12月10日上午9点 研究工作 党员活动室",
     (MeetingKind.COMMITTEE, None, "2026-12-10 01:00", "研究工作", "党员活动室", None)),
    ("支部大会 12月10日9点 换届选举",
     (MeetingKind.GENERAL, None, "2026-12-10 01:00", "换届选举", None, None)),
    ("党小组会 第一小组 明天下午3点 学习党章 活动室",
     (MeetingKind.GROUP, "第一小组", "2026-12-04 07:00", "学习党章", "活动室", None)),
    ("党课 12月12日上午9点 学习二十届三中全会精神 活动室 讲课人：张三",
     (MeetingKind.LECTURE, None, "2026-12-12 01:00", "学习二十届三中全会精神", "活动室", "张三")),
    ("党课 讲课人张三 12月12日上午9点 党史",
     (MeetingKind.LECTURE, None, "2026-12-12 01:00", "党史", None, "张三")),
])
def test_parse_meeting(text: str, expected: tuple[object, ...]) -> None:
    """Kind, group, start (UTC), topic, place, 讲课人."""
    words = parse_meeting(text, NOW)
    assert (words.kind, words.group, f"{words.starts_at.astimezone(UTC):%Y-%m-%d %H:%M}", words.title,
            words.place, words.lecturer) == expected


@pytest.mark.parametrize(("text", "reply"), [
    ("座谈会 明天9点 座谈", "会议类型“座谈会”不认识"),
    ("党小组会", "党小组会请写上是哪个党小组。"),
    ("支委会 昨天9点 研究", "已经过去了"),
    ("支委会 明天9点", "请在时间后面写上会议主题。"),
])
def test_parse_meeting_refusals(text: str, reply: str) -> None:
    """Each refusal says what was wrong, with one example."""
    with pytest.raises(InvalidInput, match=reply) as error:
        parse_meeting(text, NOW)
    assert error.value.reply.count("例如：") == 1


def test_minutes_and_ids() -> None:
    """#N, ＃N and N号 lead the minutes (kept as written); a quoted announcement stands in for #N."""
    assert parse_minutes("#12 传达文件，讨论工作") == (12, "传达文件，讨论工作")
    assert parse_minutes("＃１２ 更正 全文") == (12, "更正 全文")
    assert parse_minutes("12号 补充 一句") == (12, "补充 一句")
    assert parse_minutes("传达文件", quoted=7) == (7, "传达文件")
    with pytest.raises(InvalidInput, match="请写上会议编号。"):
        parse_minutes("12人参加")
    assert announced_id("【支部委员会通知 #12】\n主题：研究") == 12 and announced_id("收到") is None
    meeting_id, rest = leading_id(Message([MessageSegment.text("#3 "), MessageSegment.at(10002),
                                           MessageSegment.text(" 住院")]))
    assert meeting_id == 3 and [s.type for s in rest] == ["at", "text"]
    assert leading_id(Message("张三 住院"))[0] is None
