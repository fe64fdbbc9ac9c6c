"""三会一课情况: held = took place, not cancelled, with minutes; Beijing months and quarters."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlmodel.ext.asyncio.session import AsyncSession

from core.errors import Conflict, InvalidInput
from core.roles import Role
from db.models import Branch, MeetingKind, Member, RhythmPeriod, StudySession
from domain import meetings, roster
from tests.factories import make_branch, make_member

BEIJING_DEC31_2330 = datetime(2026, 12, 31, 15, 30, tzinfo=UTC)


async def _meeting(db: AsyncSession, branch: Branch, kind: MeetingKind, starts: datetime, *,
                   minutes: str | None = "会议内容", author: Member | None = None, **extra: str) -> StudySession:
    with time_machine.travel(starts - timedelta(days=1), tick=False):
        meeting = await meetings.publish_meeting(db, branch_id=branch.id, kind=kind, starts_at=starts,
                                                 title=f"{kind.label}", place=None, **extra)
        await db.commit()
    if minutes:
        with time_machine.travel(starts + timedelta(hours=2), tick=False):
            await meetings.write_minutes(db, branch_id=branch.id, meeting_id=meeting.id, text=minutes,
                                         author=author, author_name="王书记")
            await db.commit()
    return meeting


def _states(report: meetings.RhythmReport, moment: datetime) -> dict[str, list[tuple[str, str]]]:
    return {r.label: [(s.span.short, s.state(moment)) for s in r.slots] for r in report.requirements}


async def test_quarter_across_the_year_boundary(db: AsyncSession) -> None:
    """A 党员大会 at 23:30 Beijing on 31 Dec counts for 2026Q4, not 2027Q1; one without minutes,
    and a cancelled one, never count."""
    branch = await make_branch(db)
    secretary = await make_member(db, branch, "王书记", role=Role.SECRETARY)
    await _meeting(db, branch, MeetingKind.GENERAL, BEIJING_DEC31_2330)
    await _meeting(db, branch, MeetingKind.COMMITTEE, datetime(2026, 10, 8, 1, tzinfo=UTC))
    await _meeting(db, branch, MeetingKind.COMMITTEE, datetime(2026, 11, 5, 1, tzinfo=UTC), minutes=None)
    cancelled = await _meeting(db, branch, MeetingKind.COMMITTEE, datetime(2026, 12, 3, 1, tzinfo=UTC))
    cancelled.cancelled = True
    db.add(cancelled)
    await _meeting(db, branch, MeetingKind.LECTURE, datetime(2026, 11, 20, 1, tzinfo=UTC),
                   lecturer="王书记", author=secretary)
    await db.commit()
    moment = datetime(2027, 1, 5, 2, tzinfo=UTC)
    with time_machine.travel(moment, tick=False):
        q4 = await meetings.rhythm_report(db, branch_id=branch.id,
                                          span=meetings.parse_span("2026Q4", moment))
        q1 = await meetings.rhythm_report(db, branch_id=branch.id,
                                          span=meetings.parse_span("本季度", moment))
    assert _states(q4, moment) == {
        "支部党员大会": [("Q4", "held")],
        "支部委员会": [("10月", "held"), ("11月", "missing"), ("12月", "missing")],
        "党课": [("Q4", "held")],
        "主题党日": [("10月", "missing"), ("11月", "missing"), ("12月", "missing")],
        "组织生活会": [("2026年", "missing")],
        "书记讲党课": [("2026年", "held")],
    }
    assert [len(s.no_minutes) for s in q4.requirements[1].slots] == [0, 1, 0]
    assert _states(q1, moment)["支部党员大会"] == [("Q1", "open")]
    assert _states(q1, moment)["支部委员会"] == [("1月", "open"), ("2月", "future"), ("3月", "future")]


async def test_rates_and_groups(db: AsyncSession) -> None:
    """Held meetings carry their 出席率; a 党小组会 requirement per group."""
    branch = await make_branch(db)
    a, b = await make_member(db, branch, "张三"), await make_member(db, branch, "李四")
    await roster.set_party_group(db, branch_id=branch.id, name="第一小组", members=[a, b])
    await db.commit()
    starts = datetime(2026, 12, 2, 1, tzinfo=UTC)
    meeting = await _meeting(db, branch, MeetingKind.GROUP, starts, minutes=None, group="第一小组")
    with time_machine.travel(starts, tick=False):
        await meetings.sign_in(db, branch_id=branch.id, member=a)
        await db.commit()
    with time_machine.travel(starts + timedelta(hours=3), tick=False):
        await meetings.write_minutes(db, branch_id=branch.id, meeting_id=meeting.id, text="学习",
                                     author=None, author_name="管理员")
        await db.commit()
        report = await meetings.rhythm_report(db, branch_id=branch.id, span=meetings.parse_span("", starts))
    group = next(r for r in report.requirements if r.label == "党小组会（第一小组）")
    assert [m.id for m in group.slots[0].held] == [meeting.id]
    assert report.rates == {meeting.id: 0.5}


async def test_minutes_history_and_refusals(db: AsyncSession) -> None:
    """Write, append, correct: three rows; not before the meeting; not when cancelled."""
    branch = await make_branch(db)
    starts = datetime(2026, 12, 2, 1, tzinfo=UTC)
    meeting = await _meeting(db, branch, MeetingKind.COMMITTEE, starts, minutes=None)
    with time_machine.travel(starts - timedelta(minutes=1), tick=False), pytest.raises(Conflict, match="还没开"):
        await meetings.write_minutes(db, branch_id=branch.id, meeting_id=meeting.id, text="x",
                                     author=None, author_name="管理员")
    with time_machine.travel(starts + timedelta(hours=1), tick=False):
        for text in ("传达文件", "补充：讨论发展党员", "更正 传达文件并讨论发展党员"):
            await meetings.write_minutes(db, branch_id=branch.id, meeting_id=meeting.id, text=text,
                                         author=None, author_name="管理员")
        await db.commit()
        got = await meetings.minutes_of(db, branch_id=branch.id, meeting_id=meeting.id)
        with pytest.raises(InvalidInput, match="写上会议记录的内容"):
            await meetings.write_minutes(db, branch_id=branch.id, meeting_id=meeting.id, text="更正",
                                         author=None, author_name="管理员")
    assert [(r.revision, r.action, r.text, r.change) for r in got.revisions] == [
        (1, "write", "传达文件", "传达文件"), (2, "append", "传达文件\n讨论发展党员", "讨论发展党员"),
        (3, "correct", "传达文件并讨论发展党员", "传达文件并讨论发展党员")]
    assert got.text == "传达文件并讨论发展党员"


@pytest.mark.parametrize(("words", "expected"), [
    ("", (RhythmPeriod.MONTH, 2027, 1)), ("本月", (RhythmPeriod.MONTH, 2027, 1)),
    ("上月", (RhythmPeriod.MONTH, 2026, 12)), ("本季度", (RhythmPeriod.QUARTER, 2027, 1)),
    ("上季度", (RhythmPeriod.QUARTER, 2026, 4)), ("2026Q4", (RhythmPeriod.QUARTER, 2026, 4)),
    ("2026年第四季度", (RhythmPeriod.QUARTER, 2026, 4)), ("2026", (RhythmPeriod.YEAR, 2026, 0)),
    ("2026年12月", (RhythmPeriod.MONTH, 2026, 12)), ("12月", (RhythmPeriod.MONTH, 2027, 12)),
])
def test_parse_span_on_new_years_day_beijing(words: str, expected: tuple[RhythmPeriod, int, int]) -> None:
    """At 00:30 on 1 Jan 2027 Beijing (still 2026 in UTC) 本月 is January 2027."""
    moment = datetime(2026, 12, 31, 16, 30, tzinfo=UTC)
    span = meetings.parse_span(words, moment)
    assert (span.period, span.year, span.index) == expected


def test_parse_span_refuses_with_one_example() -> None:
    """Unknown words: a refusal with one example."""
    with pytest.raises(InvalidInput) as error:
        meetings.parse_span("下辈子", datetime(2026, 12, 1, tzinfo=UTC))
    assert error.value.reply == "没看懂“下辈子”，可写：本月、本季度、2026Q4、2026。\n例如：三会一课情况 本季度"


async def test_branch_rhythm_overrides(db: AsyncSession) -> None:
    """设置会议频次: 党课 monthly, 组织生活会 not required, 学习 monthly; 恢复默认 goes back."""
    branch = await make_branch(db)
    monthly = await meetings.set_rhythm(db, branch_id=branch.id, kind=MeetingKind.LECTURE, word="每月")
    assert monthly is RhythmPeriod.MONTH
    assert await meetings.set_rhythm(db, branch_id=branch.id, kind=MeetingKind.LIFE, word="不要求") is None
    await meetings.set_rhythm(db, branch_id=branch.id, kind=MeetingKind.STUDY, word="每月")
    await meetings.set_rhythm(db, branch_id=branch.id, kind=MeetingKind.LECTURE, word="每季度")
    await db.commit()
    chosen = await meetings.rhythms(db, branch_id=branch.id)
    assert chosen[MeetingKind.LECTURE] is RhythmPeriod.QUARTER and MeetingKind.LIFE not in chosen
    assert chosen[MeetingKind.STUDY] is RhythmPeriod.MONTH
    default = await meetings.set_rhythm(db, branch_id=branch.id, kind=MeetingKind.LIFE, word="恢复默认")
    assert default is RhythmPeriod.YEAR
    await db.commit()
    assert (await meetings.rhythms(db, branch_id=branch.id))[MeetingKind.LIFE] is RhythmPeriod.YEAR
    with pytest.raises(InvalidInput, match="频次“每周”不对"):
        await meetings.set_rhythm(db, branch_id=branch.id, kind=MeetingKind.LIFE, word="每周")
