"""County figures on a real database: each branch's line equals what its own pages count, every
片区 line and the county line are sums, and alerts name the right branches."""

from datetime import UTC, date, datetime, time
from decimal import Decimal

import time_machine
from sqlmodel import select

from core.timeutil import at_local
from db.models import LedgerEntry, LedgerKind, Member, NeedStatus
from db.models.notice import Notice
from domain import county, notices, report
from domain.report import Period
from tests.domain.county.seed import NOW, seed_county


async def test_each_branch_line_is_what_its_own_pages_count(db):
    """应到/实到 (meetings.expected_at via the dashboard's attendance rows), needs, hours and
    suggestions per branch for 2026Q4, read the per-branch way, equal the county line's."""
    with time_machine.travel(NOW, tick=False):
        seeded = await seed_county(db)
        lines = {x.branch_id: x for x in await county.branch_lines(db, period=county.quarter(2026, 4))}
        quarter = Period(2026, 4)
        for branch in (seeded.a, seeded.b, seeded.c):
            bid = branch.id or 0
            f = lines[bid].figures
            held = await report.attendance_rows(db, branch_id=bid, period=quarter)
            assert (f.expected, f.attended) == (sum(r.expected for r in held),
                                                sum(r.attended for r in held))
            assert f.meetings_held == len(held)
            needs = await report.need_rows(db, branch_id=bid, period=quarter)
            assert (f.needs, f.claims, f.hours) == (
                len(needs), sum(len(r.participants) for r in needs), report.volunteer_hours(needs))
            counts = await report.status_counts(db, branch_id=bid, period=quarter)
            assert (f.suggestions, f.adopted) == (sum(counts.values()), counts["已采纳"])
            made = (await db.exec(select(Notice).where(Notice.branch_id == bid))).all()
            reach = [await notices.reach_counts(db, n.id or 0) for n in made]
            assert (f.notices, f.reached, f.recipients) == (
                len(made), sum(r for r, _ in reach), sum(e for _, e in reach))


async def test_november_figures_subtotals_and_total(db):
    """November 2026: hand-counted figures; 片区 lines and the county line are sums of branches."""
    with time_machine.travel(NOW, tick=False):
        seeded = await seed_county(db)
        lines = await county.branch_lines(db, period=county.month(2026, 11))
    by_name = {x.name: x.figures for x in lines}
    a, b, c = by_name["城关镇第一党支部"], by_name["城关镇第二党支部"], by_name["东区街道党支部"]
    # a: 11-10 expects 张 李 (孙 joined later) + 王 who came = 3, all attended; 11-18 主题党日
    # expects 张 李 孙 = 3, 张 attended (孙 on leave). The cancelled and the future one do not count.
    assert (a.members, a.expected, a.attended, a.meetings) == (4, 6, 4, {"学习": 1, "主题党日": 1})
    assert a.by_category == {"正常活动": 3, "不能参加活动": 1}
    assert (a.needs, a.claims, a.hours) == (1, 2, Decimal(4))
    assert (a.suggestions, a.answered, a.adopted, a.overdue) == (1, 1, 1, 1)
    assert a.points == Decimal(5)  # 2 + 5 − 2; the 兑换 is not issued points
    assert (a.notices, a.reached, a.recipients, b.notices) == (1, 1, 3, 0)
    assert (b.meetings_held, b.needs, b.claims, b.no_secretary) == (0, 1, 1, 1)
    assert (c.expected, c.attended, c.points, c.answered) == (2, 1, Decimal(3), 1)
    areas = county.by_area(lines)
    assert list(areas) == ["东区片区", "城关片区"]
    whole = county.total(lines)
    assert whole.branches == 3 and whole.members == sum(x.members for x in (a, b, c)) == 8
    assert (whole.expected, whole.attended) == (8, 5) and whole.rate == 5 / 8
    summed = county.total([])
    for area in areas.values():
        summed.add(area)
    assert summed == whole
    assert seeded.a.id in {x.branch_id for x in lines}


async def test_alerts(db):
    """b held no meeting this month and has no secretary; a's rate fell from October's 100% and an
    anonymous suggestion of 10-15 waits over 30 days (counted, its author nowhere)."""
    with time_machine.travel(NOW, tick=False):
        await seed_county(db)
        lines = await county.branch_lines(db, period=county.month(2026, 11))
    found = [(x.kind, x.branch, x.text) for x in county.alerts(lines)]
    assert found == [
        ("本月未开会", "城关镇第二党支部", "本月还没有开过会"),
        ("没有书记", "城关镇第二党支部", "没有支部书记"),
        ("出勤率下降", "城关镇第一党支部", "出勤率100%→67%"),
        ("建议超30天未答复", "城关镇第一党支部", "1条建议超过30天未答复"),
    ]
    assert "王五" not in repr(lines)


async def test_filter_by_area_and_the_beijing_day_boundary(db):
    """A 片区 filter keeps its branches only; a meeting at 00:30 Beijing on 12-01 is December's."""
    with time_machine.travel(NOW, tick=False):
        await seed_county(db)
        east = await county.branch_lines(db, period=county.month(2026, 11), area="东区片区")
    assert [x.name for x in east] == ["东区街道党支部"]
    period = county.parse_county_period("2026-11-01~2026-11-30")
    start, end = period.bounds
    assert (start.isoformat(), end.isoformat()) == ("2026-10-31T16:00:00+00:00",
                                                    "2026-11-30T16:00:00+00:00")
    assert period.label == "2026年11月" and period.previous().first == date(2026, 10, 1)
    assert NeedStatus.COMPLETED  # the seed's completed need is counted in hours above


async def test_points_on_the_beijing_quarter_boundary(db):
    """An entry at 23:30 Beijing on 09-30 is September's (2026Q3), one at 00:30 on 10-01 October's."""
    seeded = await seed_county(db)
    member = (await db.exec(select(Member).where(Member.name == "冯十"))).one()
    for day, clock, quarter, delta in ((date(2026, 9, 30), time(23, 30), "2026Q3", "6"),
                                       (date(2026, 10, 1), time(0, 30), "2026Q4", "7")):
        db.add(LedgerEntry(branch_id=seeded.c.id, member_id=member.id, delta=Decimal(delta),
                           kind=LedgerKind.BONUS, reason="测试", cycle=2026, quarter=quarter,
                           created_at=at_local(day, clock)))
    await db.commit()
    with time_machine.travel(NOW, tick=False):
        september = await county.branch_lines(db, period=county.month(2026, 9), area="东区片区")
        october = await county.branch_lines(db, period=county.month(2026, 10), area="东区片区")
    assert september[0].figures.points == Decimal(6)
    assert october[0].figures.points == Decimal(11)  # 7 + the seed's 4 on 10-31


async def test_this_month_turns_at_beijing_midnight(db):
    """At 00:30 Beijing on 12-01 (16:30 UTC on 11-30) it is December: every branch has held no
    meeting this month; at 23:30 Beijing on 11-30 a and c still have."""
    await seed_county(db)
    for moment, quiet in ((datetime(2026, 11, 30, 15, 30, tzinfo=UTC), ["城关镇第二党支部"]),
                          (datetime(2026, 11, 30, 16, 30, tzinfo=UTC),
                           ["东区街道党支部", "城关镇第一党支部", "城关镇第二党支部"])):
        with time_machine.travel(moment, tick=False):
            lines = await county.branch_lines(db, period=county.this_month())
        found = sorted(a.branch for a in county.alerts(lines) if a.kind == "本月未开会")
        assert found == sorted(quiet), moment
