"""Sealed figures (closed meetings' 应到/实到, ended months' points) read the same as counting the
rows, and every change that could alter a sealed figure forgets it in its own transaction."""

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import time_machine
from sqlmodel import func, select

from core.refs import PersonRef
from core.timeutil import at_local
from db.engine import session_factory
from db.models import (
    HealthCategory,
    LedgerEntry,
    LedgerKind,
    MeetingTally,
    Member,
    PointsMonth,
    PointsMonthSealed,
    StudySession,
)
from domain import county, meetings, points, report, roster
from domain.report import Period
from tests.domain.county.seed import NOW, seed_county

PERIODS = (county.month(2026, 10), county.month(2026, 11), county.quarter(2026, 4), county.year(2026),
           county.parse_county_period("2026-10-15~2026-11-19"))


async def _lines(db) -> list[list[county.BranchLine]]:
    found = [await county.branch_lines(db, period=p) for p in PERIODS]
    await db.commit()  # the pooled connection back: sealing opens its own sessions
    return found


async def _count(db, model) -> int:
    return (await db.exec(select(func.count()).select_from(model))).one()


async def test_sealed_figures_equal_counted_rows(db):
    """Month, quarter, year and a range of days: the same lines before and after sealing, and
    each branch's 应到/实到 still what its own 学习签到台账 counts."""
    await seed_county(db)
    with time_machine.travel(NOW, tick=False):
        counted = await _lines(db)
        # The five meetings held (not the cancelled one, not the one ahead); October, the first
        # month with entries (冯十's 4 on 10-31), and not November, still going on.
        assert await county.seal_figures(session_factory()) == (5, 1)
        sealed = await _lines(db)
        assert (await _count(db, MeetingTally), await _count(db, PointsMonth)) == (5, 1)
        assert sealed == counted
        for line in sealed[2]:
            held = await report.attendance_rows(db, branch_id=line.branch_id, period=Period(2026, 4))
            assert (line.figures.expected, line.figures.attended) == (
                sum(r.expected for r in held), sum(r.attended for r in held))
        await db.commit()
        assert await county.seal_figures(session_factory()) == (0, 0)


async def test_a_meeting_or_month_is_sealed_an_hour_after_it_ended(db):
    """Not while a 签到, 请假 or award begun before the end could still commit."""
    await seed_county(db)
    a_day = (await db.exec(select(StudySession).where(StudySession.title == "主题党日"))).one()
    await db.commit()
    with time_machine.travel(a_day.closes_at + timedelta(minutes=59), tick=False):
        await county.seal_figures(session_factory())
        assert await db.get(MeetingTally, a_day.id) is None
    await db.commit()
    with time_machine.travel(a_day.closes_at + timedelta(minutes=61), tick=False):
        await county.seal_figures(session_factory())
        tally = await db.get(MeetingTally, a_day.id)
        assert (tally.expected, tally.attended) == (3, 1)
    await db.commit()
    november_end = datetime(2026, 11, 30, 16, tzinfo=UTC)  # 12-01 00:00 Beijing
    for after, months in ((timedelta(minutes=59), {"2026-10"}),
                          (timedelta(minutes=61), {"2026-10", "2026-11"})):
        with time_machine.travel(november_end + after, tick=False):
            await county.seal_figures(session_factory())
            assert set((await db.exec(select(PointsMonthSealed.month))).all()) == months
        await db.commit()


async def test_make_up_and_roster_changes_forget_what_they_alter(db):
    """补签 of a sealed meeting, 停用, 设置类别: the tallies go in the same transaction and the
    figures move exactly as counting the rows says; sealing again changes nothing."""
    seeded = await seed_county(db)
    with time_machine.travel(NOW, tick=False):
        await county.seal_figures(session_factory())
        c_nov = (await db.exec(select(StudySession).where(StudySession.title == "东区学习"))).one()
        await meetings.make_up(db, branch_id=seeded.c.id, meeting_id=c_nov.id, platform="onebot",
                               ref=PersonRef(name="冯十"), reason="忘记签到", operator=None,
                               operator_name="管理员")
        li = (await db.exec(select(Member).where(Member.name == "李四"))).one()
        await roster.set_status(db, member=li, active=False)
        wang = (await db.exec(select(Member).where(Member.name == "王五"))).one()
        await roster.set_category(db, member=wang, category=HealthCategory.NORMAL)
        await db.commit()
        assert await db.get(MeetingTally, c_nov.id) is None
        branches = {seeded.a.id, seeded.c.id}
        sealed = (await db.exec(select(StudySession.branch_id).join(
            MeetingTally, MeetingTally.meeting_id == StudySession.id))).all()
        assert not set(sealed) & branches  # b's stays: nothing of b changed
        counted = await _lines(db)
        november = {x.name: x.figures for x in counted[1]}
        # c: 郑 (补签 before) and now 冯 attended. a: 李, 停用, is expected only where she
        # answered (11-10, not 11-18); 王 is now expected at both: 11-10 张 王 李, 11-18 张 王 孙.
        assert (november["东区街道党支部"].expected, november["东区街道党支部"].attended) == (2, 2)
        assert (november["城关镇第一党支部"].expected, november["城关镇第一党支部"].attended) == (6, 4)
        await county.seal_figures(session_factory())
        assert await _lines(db) == counted


async def test_points_by_the_time_an_entry_was_written(db):
    """A 冲正 written on 10-05 against a September entry, booked into 2026Q3 (still open), is
    October's points — counted and sealed alike — and September's sum stays."""
    seeded = await seed_county(db)
    member = (await db.exec(select(Member).where(Member.name == "冯十"))).one()
    for day, delta, kind in ((date(2026, 9, 30), "6", LedgerKind.BONUS),
                             (date(2026, 10, 5), "-6", LedgerKind.REVERSAL)):
        db.add(LedgerEntry(branch_id=seeded.c.id, member_id=member.id, delta=Decimal(delta), kind=kind,
                           reason="测试", cycle=2026, quarter="2026Q3", created_at=at_local(day, time(9))))
    await db.commit()
    issued = [k for k in LedgerKind if k != LedgerKind.REDEEM]
    with time_machine.travel(NOW, tick=False):
        for _ in ("counted", "sealed"):
            (s1, e1), (s2, e2) = county.month(2026, 9).bounds, county.month(2026, 10).bounds
            september = await points.sums_by_branch(db, start=s1, end=e1, kinds=issued)
            october = await points.sums_by_branch(db, start=s2, end=e2, kinds=issued)
            assert (september[seeded.c.id], october[seeded.c.id]) == (Decimal(6), Decimal(-2))
            await db.commit()
            await county.seal_figures(session_factory())


def test_periods_cover_the_beijing_month_edges():
    """The county periods' bounds are Beijing midnights (what months are sealed by)."""
    start, end = county.month(2026, 11).bounds
    assert (start, end) == (datetime(2026, 10, 31, 16, tzinfo=UTC), datetime(2026, 11, 30, 16, tzinfo=UTC))
