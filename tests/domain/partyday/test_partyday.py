"""主题党日: rule dates across month ends and February, holiday moves (调休), offsets, unknown years."""

from datetime import UTC, date, datetime, timedelta

import time_machine
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from db import engine as db_engine
from db.models import SessionKind, StudySession
from db.models.reminder import PartydayOccurrence, Reminder
from domain import partyday
from domain.partyday import RuleSpec, month_dates, plan
from tests.domain.reminder import fakes
from tests.factories import make_branch

NOW = datetime(2026, 11, 22, 4, 0, tzinfo=UTC)  # 12:00 Beijing, Sunday 22 Nov 2026


def _spec(day: int | None = 10, hour: int = 9, minute: int = 0, place: str | None = "党员活动室",
          nth: int | None = None, weekday: int | None = None) -> RuleSpec:
    return RuleSpec(day, nth, weekday, hour, minute, place)


def test_month_day_rule_across_month_ends_and_february() -> None:
    """每月31日 falls on each month's last day; 每月29日 is 28 Feb in 2027, 29 Feb in 2028."""
    assert month_dates(date(2026, 12, 1), date(2027, 4, 30), month_day=31) == [
        date(2026, 12, 31), date(2027, 1, 31), date(2027, 2, 28), date(2027, 3, 31), date(2027, 4, 30)]
    assert month_dates(date(2028, 2, 1), date(2028, 2, 29), month_day=29) == [date(2028, 2, 29)]


def test_nth_weekday_rule() -> None:
    """每月第2个周五 and 每月第1个周一 (a month starting on Monday)."""
    assert month_dates(date(2026, 11, 1), date(2027, 2, 28), nth=2, weekday=4) == [
        date(2026, 11, 13), date(2026, 12, 11), date(2027, 1, 8), date(2027, 2, 12)]
    assert month_dates(date(2027, 3, 1), date(2027, 3, 31), nth=1, weekday=0) == [date(2027, 3, 1)]


def test_holiday_moves_onto_a_tiaoxiu_working_day() -> None:
    """元旦 2026 顺延 lands on Sunday 4 Jan (调休上班); 春节 提前 lands on Saturday 14 Feb (调休)."""
    assert plan(date(2026, 1, 1), "postpone", {}).day == date(2026, 1, 4)
    assert plan(date(2026, 1, 1), "postpone", {}).note == (
        "原定1月1日（周四）适逢元旦，顺延至1月4日（周日），调休上班日")
    assert plan(date(2026, 2, 16), "advance", {}).day == date(2026, 2, 14)
    assert plan(date(2026, 10, 1), "postpone", {}).day == date(2026, 10, 8)
    kept = plan(date(2026, 10, 1), "keep", {})
    assert (kept.day, kept.note) == (date(2026, 10, 1), "适逢国庆节，按原定日期举行")
    assert plan(date(2026, 11, 10), "postpone", {}).note is None


def test_unknown_year_is_kept_as_written_until_dates_are_added() -> None:
    """2027 is unknown to chinesecalendar 1.11: as written and flagged; overrides then apply."""
    unknown = plan(date(2027, 1, 1), "postpone", {})
    assert (unknown.day, unknown.unknown, unknown.note) == (date(2027, 1, 1), True, None)
    moved = plan(date(2027, 1, 1), "postpone", {date(2027, 1, 1): True, date(2027, 1, 2): True})
    assert (moved.day, moved.unknown) == (date(2027, 1, 4), False)


async def _reminders(session: AsyncSession) -> list[Reminder]:
    rows = list((await session.exec(  # populate_existing: the engine wrote through its own sessions
        select(Reminder).order_by(col(Reminder.due_at)).execution_options(populate_existing=True))).all())
    await session.commit()
    return rows


async def test_set_rule_materialises_occurrences_sessions_and_reminders(session: AsyncSession) -> None:
    """每月10日 09:00 (45-day horizon): Dec 10 planned with 3 reminders, 09:00 −3d/−1d and 08:00."""
    branch = await make_branch(session)
    with time_machine.travel(NOW, tick=False):
        rule = await partyday.set_rule(session, branch_id=branch.id, spec=_spec(), now=NOW)
        await session.commit()
    occs = (await session.exec(select(PartydayOccurrence).order_by(col(PartydayOccurrence.id)))).all()
    assert [o.nominal_date for o in occs] == [date(2026, 12, 10)]
    assert (occs[0].starts_at, occs[0].holiday_unknown) == (datetime(2026, 12, 10, 1, 0, tzinfo=UTC), False)
    study = await session.get(StudySession, occs[0].session_id)
    assert (study.kind, study.title, study.place) == (SessionKind.PARTYDAY, "主题党日", "党员活动室")
    rows = await _reminders(session)
    assert [(r.dedupe_key, r.due_at) for r in rows[:3]] == [
        (f"partyday:{rule.id}:2026-12-10:-3d", datetime(2026, 12, 7, 1, 0, tzinfo=UTC)),
        (f"partyday:{rule.id}:2026-12-10:-1d", datetime(2026, 12, 9, 1, 0, tzinfo=UTC)),
        (f"partyday:{rule.id}:2026-12-10:-1h", datetime(2026, 12, 10, 0, 0, tzinfo=UTC)),
    ]
    assert rows[0].text.startswith("【主题党日提醒】3天后召开主题党日活动\n时间：12月10日（周四）09:00")
    # Materialising again is a no-op (dedupe keys, unique occurrence per rule and date).
    with time_machine.travel(NOW, tick=False):
        assert await partyday.materialise(session, rule, NOW) == 0
    assert len(await _reminders(session)) == 3


async def test_offsets_across_midnight_beijing(session: AsyncSession) -> None:
    """A party day at 00:30 on the 1st: −1h is 23:30 on the last day of the previous month."""
    branch = await make_branch(session)
    with time_machine.travel(NOW, tick=False):
        await partyday.set_rule(session, branch_id=branch.id, spec=_spec(day=1, hour=0, minute=30), now=NOW)
        await session.commit()
    rows = await _reminders(session)
    hour = next(r for r in rows if r.dedupe_key.endswith("2026-12-01:-1h"))
    # 2026-11-30 23:30 Beijing = 15:30 UTC; the 1-day reminder is 09:00 Beijing on 30 Nov.
    assert hour.due_at == datetime(2026, 11, 30, 15, 30, tzinfo=UTC)
    day = next(r for r in rows if r.dedupe_key.endswith("2026-12-01:-1d"))
    assert day.due_at == datetime(2026, 11, 30, 1, 0, tzinfo=UTC)
    # −3d would be 28 Nov 09:00 — still ahead of NOW (22 Nov), so it exists too.
    assert any(r.dedupe_key.endswith("2026-12-01:-3d") for r in rows)
    # Said at 23:30 for 00:30: "in 1 hour", not "tomorrow" (true, but it sounds a day away).
    with time_machine.travel(hour.due_at, tick=False):
        text = (await partyday.render_due(session, hour)).text
    assert text.splitlines()[:2] == ["【主题党日提醒】1小时后召开主题党日活动", "时间：12月1日（周二）00:30"]


async def test_past_offsets_are_not_created(session: AsyncSession) -> None:
    """A rule set 2 days before the date: the 3-day reminder is already past and never made."""
    branch = await make_branch(session)
    with time_machine.travel(NOW, tick=False):
        await partyday.set_rule(session, branch_id=branch.id, spec=_spec(day=24), now=NOW)
        await session.commit()
    keys = [r.dedupe_key.split(":", 2)[2] for r in await _reminders(session)]
    assert keys[:2] == ["2026-11-24:-1d", "2026-11-24:-1h"]


async def test_theme_offsets_cancel_and_holiday_override(session: AsyncSession) -> None:
    """本月主题 shows in the send-time words; 党日提醒 re-plans; 取消本次党日; 节假日 moves Jan 1."""
    branch = await make_branch(session)
    with time_machine.travel(NOW, tick=False):
        rule = await partyday.set_rule(session, branch_id=branch.id, spec=_spec(day=1), now=NOW)
        occ = await partyday.set_theme(session, branch_id=branch.id, theme="学习四中全会精神", now=NOW)
        assert occ.nominal_date == date(2026, 12, 1)
        assert await partyday.set_offsets(session, branch_id=branch.id, offsets="2d,30m", now=NOW) == "2d,30m"
        await session.commit()
        rows = [r for r in await _reminders(session) if r.state == "pending"]
        assert sorted({r.dedupe_key.rsplit(":-", 1)[1] for r in rows}) == ["2d", "30m"]
        rendered = await partyday.render_due(session, rows[0])
        assert "主题：学习四中全会精神" in rendered.text
        nxt = await partyday.next_occurrence(session, branch.id, NOW)
        assert partyday.describe(nxt, rule).splitlines()[0] == "下次主题党日：12月1日（周二）09:00"
        cancelled = await partyday.cancel_next(session, branch_id=branch.id, reason="天气", now=NOW)
        assert cancelled.nominal_date == date(2026, 12, 1)
        jan = await partyday.next_occurrence(session, branch.id, NOW)
        assert (jan.nominal_date, jan.holiday_unknown) == (date(2027, 1, 1), True)
        assert "2027年节假日安排尚未公布" in partyday.describe(jan, rule)
        day, is_holiday = date(2027, 1, 1), True
        moved = await partyday.add_override(session, day=day, is_holiday=is_holiday, by="10000", now=NOW)
        await session.commit()
    assert (day, is_holiday, moved) == (date(2027, 1, 1), True, 1)
    await session.refresh(jan)
    assert (jan.starts_at, jan.holiday_unknown) == (datetime(2027, 1, 4, 1, 0, tzinfo=UTC), False)
    assert jan.moved_note == "原定1月1日（周五）适逢节假日，顺延至1月4日（周一）"
    keys = {r.dedupe_key.split(":", 2)[2]: r for r in await _reminders(session) if r.state == "pending"}
    assert keys["2027-01-01:-2d"].due_at == datetime(2027, 1, 2, 1, 0, tzinfo=UTC)
    dec = await session.get(StudySession, cancelled.session_id)
    assert dec.cancelled is True


async def test_occurrence_moved_onto_a_tiaoxiu_sunday_and_the_reminder_says_so(session: AsyncSession) -> None:
    """Planned in Dec 2025: 每月1日 → 1 Jan 2026 is 元旦, 顺延 to Sunday 4 Jan (调休上班日)."""
    branch = await make_branch(session)
    now = datetime(2025, 12, 20, 4, 0, tzinfo=UTC)
    with time_machine.travel(now, tick=False):
        await partyday.set_rule(session, branch_id=branch.id, spec=_spec(day=1), now=now)
        await session.commit()
        occ = await partyday.next_occurrence(session, branch.id, now)
    assert (occ.nominal_date, occ.starts_at) == (date(2026, 1, 1), datetime(2026, 1, 4, 1, 0, tzinfo=UTC))
    rows = [r for r in await _reminders(session) if ":2026-01-01:" in r.dedupe_key]
    assert [r.due_at for r in rows] == [datetime(2026, 1, 1, 1, 0, tzinfo=UTC),
                                        datetime(2026, 1, 3, 1, 0, tzinfo=UTC),
                                        datetime(2026, 1, 4, 0, 0, tzinfo=UTC)]
    # Written in December 2025: the date in 2026 carries its year (timeutil.fmt_dt_week).
    assert rows[1].text.splitlines()[:2] == ["【主题党日提醒】明天召开主题党日活动", "时间：2026年1月4日（周日）09:00"]
    assert "（原定1月1日（周四）适逢元旦，顺延至1月4日（周日），调休上班日）" in rows[1].text.splitlines()


async def test_driven_time_month_ends_and_february(session: AsyncSession) -> None:
    """每月31日 planned by the job as time moves on: 31 Dec, 31 Jan, 28 Feb, 31 Mar — each once."""
    branch = await make_branch(session)
    with time_machine.travel(NOW, tick=False):
        await partyday.set_rule(session, branch_id=branch.id, spec=_spec(day=31, hour=15), now=NOW)
        await session.commit()
    moment = NOW
    while moment < datetime(2027, 3, 20, tzinfo=UTC):
        moment += timedelta(days=9)
        with time_machine.travel(moment, tick=False):
            await fakes.plan_ahead()
    occs = (await session.exec(select(PartydayOccurrence).order_by(col(PartydayOccurrence.starts_at)))).all()
    assert [o.nominal_date for o in occs] == [date(2026, 11, 30), date(2026, 12, 31), date(2027, 1, 31),
                                              date(2027, 2, 28), date(2027, 3, 31), date(2027, 4, 30)]
    keys = [r.dedupe_key for r in await _reminders(session)]
    assert len(keys) == len(set(keys)) == 3 * 6


async def test_plan_job_replans_when_an_unknown_year_becomes_known(session: AsyncSession) -> None:
    """Planned while 2027 was unknown; once its dates are known the job moves the party day."""
    from db.models.reminder import HolidayOverride
    branch = await make_branch(session)
    with time_machine.travel(NOW, tick=False):
        await partyday.set_rule(session, branch_id=branch.id, spec=_spec(day=1), now=NOW)
        await session.commit()
    jan = (await session.exec(select(PartydayOccurrence).where(
        PartydayOccurrence.nominal_date == date(2027, 1, 1)))).one()
    assert (jan.holiday_unknown, jan.starts_at) == (True, datetime(2027, 1, 1, 1, 0, tzinfo=UTC))
    # As if chinesecalendar had been upgraded: the year's dates are known without the command.
    session.add(HolidayOverride(day=date(2027, 1, 1), is_holiday=True))
    await session.commit()
    with time_machine.travel(NOW, tick=False):
        await fakes.plan_ahead()
        async with db_engine.session_factory()() as fresh:  # this test's session caches `jan`
            assert await partyday.rules_to_plan(fresh, NOW) == []
    jan = (await session.exec(select(PartydayOccurrence).where(
        PartydayOccurrence.nominal_date == date(2027, 1, 1)).execution_options(populate_existing=True))).one()
    assert (jan.holiday_unknown, jan.starts_at) == (False, datetime(2027, 1, 4, 1, 0, tzinfo=UTC))


async def test_two_processes_planning_at_once_make_one_party_day(db_url: str) -> None:
    """Two engines (like two bot processes) materialise the same rule at once: one occurrence,
    one sign-in session and one set of reminders per date."""
    import asyncio

    from sqlalchemy.ext.asyncio import async_sessionmaker

    from db.models.reminder import PartydayRule

    async with db_engine.session_factory()() as session:
        branch = await make_branch(session)
        rule = PartydayRule(branch_id=branch.id, month_day=10, hour=9, minute=0)
        session.add(rule)
        await session.commit()
    engines = [db_engine.make_engine(db_url) for _ in range(2)]

    async def plan(engine) -> int:  # noqa: ANN001
        factory = async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)
        async with factory() as session:
            locked = (await session.exec(select(PartydayRule).where(
                PartydayRule.id == rule.id).with_for_update())).one()
            created = await partyday.materialise(session, locked, NOW)
            await session.commit()
            return created

    with time_machine.travel(NOW, tick=False):
        results = await asyncio.gather(*(plan(e) for e in engines))
    for engine in engines:
        await engine.dispose()
    assert sorted(results) == [0, 1]
    async with db_engine.session_factory()() as session:
        sessions = (await session.exec(select(StudySession))).all()
        reminders = (await session.exec(select(Reminder))).all()
    assert [(s.kind, s.starts_at) for s in sessions] == [
        (SessionKind.PARTYDAY, datetime(2026, 12, 10, 1, 0, tzinfo=UTC))]
    assert len(reminders) == 3


async def test_a_party_day_moved_after_its_first_reminder_went_out_is_announced(session: AsyncSession) -> None:
    """The 3-day reminder said 1 January; then 2027's holidays are entered and the day moves to
    4 January: the group is told at once (later reminders carry the note anyway)."""
    from tests.domain.reminder.fakes import FakePlatform
    from tests.factories import GROUP_ID

    branch = await make_branch(session)
    planned = datetime(2026, 12, 20, 4, 0, tzinfo=UTC)
    with time_machine.travel(planned, tick=False):
        await partyday.set_rule(session, branch_id=branch.id, spec=_spec(day=1), now=planned)
        await session.commit()
    told = datetime(2026, 12, 29, 1, 0, 5, tzinfo=UTC)  # the −3d reminder of 1 Jan is due
    outbox = FakePlatform()
    with time_machine.travel(told, tick=False):
        assert (await fakes.dispatch_due(outbox)).sent == 1
    later = told + timedelta(hours=2)
    with time_machine.travel(later, tick=False):
        moved = await partyday.add_override(session, day=date(2027, 1, 1), is_holiday=True, by="10000",
                                            now=later)
        await session.commit()
    with time_machine.travel(later + timedelta(seconds=5), tick=False):
        result = await fakes.dispatch_due(outbox)
    assert (moved, result.sent) == (1, 1)
    # Sent in December: the dates in January carry their year (timeutil.fmt_dt_week).
    assert outbox.sent[-1] == (str(GROUP_ID), "【通知】主题党日改期：原定2027年1月1日（周五）09:00，"
                                              "改为2027年1月4日（周一）09:00"
                                              "（原定1月1日（周五）适逢节假日，顺延至1月4日（周一））。", [])
