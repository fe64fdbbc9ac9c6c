"""A year of greetings for a branch of 30, through the real reminder engine (SQLite and PostgreSQL).

Time is frozen and moved day by day through 2025 (Beijing days): each day the plan job runs twice
(a restart, or a second process) and the morning dispatch runs in two processes; every 政治生日,
birthday and secretary reminder must come exactly once, on the right day, with the right words.
"""

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from sqlmodel import select

from core import timeutil
from core.dateparse import LunarDay
from core.roles import Role
from db import engine as db_engine
from db.models import MemberStatus
from db.models.care import VisitWay
from db.models.reminder import Reminder, ReminderState
from domain import care, reminder
from tests.domain.reminder.fakes import FakePlatform
from tests.factories import GROUP_ID, SECRETARY_ID, make_branch, make_member

REGISTRY = reminder.Registry(care.care_reminders())
ENGINE = reminder.EngineConfig(late=timedelta(hours=2))
"""The dispatch runs at 09:01: the 08:30 greetings are not late at that hour."""
START = date(2025, 1, 1)


JOIN_DAYS = [(7, 1), (3, 5), (10, 1), (12, 26), (5, 4), (1, 15)]
"""Many join on the same days (七一 most of all): the 24 ordinary members share these six."""


def _ordinary(i: int) -> tuple[date, date]:
    """Member i's (入党日期, 出生日期); no 29 Feb among them."""
    month, day = JOIN_DAYS[i % len(JOIN_DAYS)]
    joined = date(1950 + i, month, day)
    return joined, date(joined.year - 20 - i % 5, 1 + (i * 7) % 12, 1 + (i * 13) % 28)


async def _branch_of_30(db) -> dict[str, int]:
    """30 members: a secretary, 24 ordinary, 29 Feb, two lunar birthdays, one 停用, one unknown."""
    branch = await make_branch(db)
    await care.set_birthday_greetings(db, branch_id=branch.id, on=True)
    people: dict[str, object] = {}
    secretary = await make_member(db, branch, "王书记", user_id=SECRETARY_ID, role=Role.SECRETARY)
    await care.set_party_date(db, member=secretary, joined=date(1975, 7, 1), today=START)
    people["王书记"] = secretary
    for i in range(1, 25):
        member = await make_member(db, branch, f"成员{i:02d}")
        joined, born = _ordinary(i)
        await care.set_dates(db, member=member, joined=joined,
                             birthday=care.Birthday(solar=born) if i <= 12 else None, today=START)
        people[member.name] = member
    await care.set_birthday_greeting(db, member=people["成员05"], wanted=False)
    leap = await make_member(db, branch, "闰日")
    await care.set_dates(db, member=leap, joined=date(1960, 2, 29),
                         birthday=care.Birthday(solar=date(1936, 2, 29)), today=START)
    new_year = await make_member(db, branch, "腊月")
    await care.set_dates(db, member=new_year, joined=None,
                         birthday=care.Birthday(lunar=LunarDay(12, 28)), today=START)
    leap_month = await make_member(db, branch, "闰六月")
    await care.set_dates(db, member=leap_month, joined=date(1980, 8, 3),
                         birthday=care.Birthday(lunar=LunarDay(6, 10, leap=True)), today=START)
    gone = await make_member(db, branch, "已停用")
    await care.set_party_date(db, member=gone, joined=date(1960, 5, 5), today=START)
    gone.status = MemberStatus.INACTIVE
    db.add(gone)
    await make_member(db, branch, "无日期")
    await db.commit()
    return {name: m.id for name, m in people.items()}


@pytest.fixture
def _planning_monthly() -> Iterator[None]:
    """Plan 30 days ahead, so planning every 28 days (twice: a restart) covers the year quickly."""
    before = care.current()
    care.configure(replace(before, horizon_days=30))
    yield
    care.configure(before)


async def _pending_days() -> set[date]:
    """The Beijing days pending reminders are due on (a dispatch on other days sends nothing)."""
    async with db_engine.session_factory()() as db:
        due = (await db.exec(select(Reminder.due_at).where(
            Reminder.state == ReminderState.PENDING))).all()
    return {timeutil.local_date(moment) for moment in due}


async def _run_year() -> list[tuple[date, str, str]]:
    """(Beijing day, target, text) of everything sent in 2025 by two dispatching processes."""
    sent: list[tuple[date, str, str]] = []
    day, due_days = START, set()
    with time_machine.travel(timeutil.at_local(START, time(0, 5)), tick=False) as traveller:
        while day.year == 2025:
            if (day - START).days % 28 == 0:
                traveller.move_to(timeutil.at_local(day, time(0, 5)))
                for _ in range(2):  # a restart, or a second process, plans again
                    await reminder.scan_sources(db_engine.session_factory(), REGISTRY,
                                                timeutil.now())
                due_days = await _pending_days()
            if day in due_days:  # (a dispatch with nothing due sends nothing: skipped for speed)
                traveller.move_to(timeutil.at_local(day, time(9, 1)))
                processes = (FakePlatform(), FakePlatform())
                for p in processes:  # the second finds nothing left to send
                    await reminder.run_due(db_engine.session_factory(), p.send,
                                           accounts=p.accounts, registry=REGISTRY, config=ENGINE)
                sent += [(day, target, text) for p in processes for target, text, _ in p.sent]
            day += timedelta(days=1)
    return sent


def _expected_party() -> list[tuple[date, str, int]]:
    rows = [(date(2025, 7, 1), "王书记", 50), (date(2025, 2, 28), "闰日", 65),
            (date(2025, 8, 3), "闰六月", 45)]
    for i in range(1, 25):
        joined, _ = _ordinary(i)
        rows.append((date(2025, joined.month, joined.day), f"成员{i:02d}", 2025 - joined.year))
    return sorted(rows)


def _expected_birthdays() -> list[tuple[date, str]]:
    rows = [(date(2025, 2, 28), "闰日"), (date(2025, 1, 27), "腊月"), (date(2025, 8, 3), "闰六月")]
    for i in range(1, 13):
        if i != 5:  # 成员05 asked for no birthday greeting
            _, born = _ordinary(i)
            rows.append((date(2025, born.month, born.day), f"成员{i:02d}"))
    return sorted(rows)


async def test_a_year_of_greetings_each_once(db, _planning_monthly) -> None:
    """Exactly the right greetings, each once, on its day; none for the 停用 or the unknown."""
    await _branch_of_30(db)
    sent = await _run_year()
    group = [(day, text) for day, target, text in sent if target == str(GROUP_ID)]
    party = sorted((day, text.split("今天是")[1].split("同志")[0],
                    int(text.split("入党")[1].split("周年")[0]))
                   for day, text in group if text.startswith("【政治生日】"))
    assert party == _expected_party()
    birthdays = sorted((day, text.split("是")[1].split("同志")[0]) for day, text in group
                       if text.startswith("【生日祝福】"))
    assert birthdays == _expected_birthdays()
    assert len(group) == len(party) + len(birthdays)
    texts = {text for _, text in group}
    assert ("【政治生日】今天是闰日同志入党65周年的政治生日！\n🎖光荣在党65年，向老党员致敬！\n"
            "支部全体同志祝您身体健康、生活幸福！") in texts
    assert "【生日祝福】今天（农历腊月廿八）是腊月同志的生日，支部全体同志祝您生日快乐、健康长寿！" in texts
    assert "【生日祝福】今天（农历闰六月初十）是闰六月同志的生日，支部全体同志祝您生日快乐、健康长寿！" in texts
    assert not any("已停用" in text or "无日期" in text for text in texts)
    assert [text for _, target, text in sent if target != str(GROUP_ID)] == []  # no care list yet


async def _sweep(first: date, last: date) -> list[tuple[date, str]]:
    """Plan every 28 days and dispatch each morning from first to last; (day, text) sent."""
    sent: list[tuple[date, str]] = []
    day, due_days = first, set()
    with time_machine.travel(timeutil.at_local(first, time(0, 5)), tick=False) as traveller:
        while day <= last:
            if (day - first).days % 28 == 0:
                traveller.move_to(timeutil.at_local(day, time(0, 5)))
                await reminder.scan_sources(db_engine.session_factory(), REGISTRY, timeutil.now())
                due_days = await _pending_days()
            if day in due_days:
                traveller.move_to(timeutil.at_local(day, time(9, 1)))
                platform = FakePlatform()
                await reminder.run_due(db_engine.session_factory(), platform.send,
                                       accounts=platform.accounts, registry=REGISTRY, config=ENGINE)
                sent += [(day, text) for target, text, _ in platform.sent if target == SECRETARY_ID]
            day += timedelta(days=1)
    return sent


async def test_secretary_gets_festival_and_monday_lists(db, _planning_monthly) -> None:
    """A week before 春节 and 重阳节 (lunar 9/9) the care list; each Monday the overdue visits; the
    visited member leaves the overdue list; only to the secretary, privately."""
    branch = await make_branch(db)
    await make_member(db, branch, "王书记", user_id=SECRETARY_ID, role=Role.SECRETARY)
    alone = await make_member(db, branch, "独居老人")
    frail = await make_member(db, branch, "体弱老人")
    await care.set_tags(db, member=alone, tags=care.parse_tags("独居"), set_by=None)
    await care.set_tags(db, member=frail, tags=care.parse_tags("体弱 住院"), set_by=None)
    await care.record_visit(db, branch_id=branch.id, member=frail, way=VisitWay.HOSPITAL,
                            note="住院观察", visitor=None, visitor_name="王书记",
                            now=timeutil.at_local(date(2025, 1, 2), time(15)))
    await db.commit()
    january = await _sweep(date(2025, 1, 1), date(2025, 1, 31))
    assert january == [
        (date(2025, 1, 6), "【走访提醒】以下1位成员该走访了：\n1. ⚠独居老人（独居）还没有走访记录\n"
                           "走访后请私聊发送：走访 姓名 方式 情况"),
        (date(2025, 1, 13), january[0][1]), (date(2025, 1, 20), january[0][1]),
        (date(2025, 1, 22), "【节日走访提醒】1月29日是春节，请安排走访慰问（共2人）：\n"
                            "1. ⚠独居老人（独居）还没有走访记录\n"
                            "2. 体弱老人（体弱、住院）上次走访1月2日（20天前）\n"
                            "走访后请私聊发送：走访 姓名 方式 情况"),
        (date(2025, 1, 27), january[0][1])]
    october = await _sweep(date(2025, 10, 15), date(2025, 10, 31))
    assert [(day, text.split("\n")[0]) for day, text in october] == [
        (date(2025, 10, 20), "【走访提醒】以下2位成员该走访了："),
        (date(2025, 10, 22), "【节日走访提醒】10月29日是重阳节，请安排走访慰问（共2人）："),
        (date(2025, 10, 27), "【走访提醒】以下2位成员该走访了：")]


async def test_greeting_rechecked_when_sent(db) -> None:
    """A row made for a member who is 停用 or whose date changed before the morning is not sent."""
    branch = await make_branch(db)
    gone = await make_member(db, branch, "将停用")
    moved = await make_member(db, branch, "改日期")
    kept = await make_member(db, branch, "照常")
    for member in (gone, moved, kept):
        await care.set_party_date(db, member=member, joined=date(1970, 3, 2), today=START)
    await db.commit()
    with time_machine.travel(timeutil.at_local(date(2025, 3, 1), time(23, 59)), tick=False) as t:
        assert await reminder.scan_sources(db_engine.session_factory(), REGISTRY,
                                           timeutil.now()) == 3
        due = set((await db.exec(select(Reminder.due_at))).all())
        assert due == {datetime(2025, 3, 2, 0, 30, tzinfo=UTC)}  # 08:30 Beijing: 00:30 UTC
        gone.status = MemberStatus.INACTIVE
        await care.set_party_date(db, member=moved, joined=date(1970, 3, 3), today=START)
        db.add(gone)
        await db.commit()
        t.move_to(timeutil.at_local(date(2025, 3, 2), time(8, 30, 5)))
        platform = FakePlatform()
        await reminder.run_due(db_engine.session_factory(), platform.send,
                               accounts=platform.accounts, registry=REGISTRY)
    assert [text.split("！")[0] for _, text, _ in platform.sent] == [
        "【政治生日】今天是照常同志入党55周年的政治生日"]
    reasons = (await db.exec(select(Reminder.last_error).where(
        Reminder.state == ReminderState.CANCELLED).order_by(Reminder.last_error))).all()
    assert sorted(reasons) == sorted(["成员已停用", "入党日期已更改"])
