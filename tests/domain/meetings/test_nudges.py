"""The secretary's nudge on the 20th: required meetings of this month / quarter / year not yet
scheduled, privately, through the reminder engine (SQLite and PostgreSQL)."""

from datetime import UTC, datetime, timedelta

import time_machine
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from core.roles import Role
from db.models import MeetingKind
from db.models.reminder import Reminder
from domain import meetings
from tests.domain.reminder import fakes
from tests.factories import SECRETARY_ID, make_branch, make_member

DUE = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)  # 20 Nov 09:00 Beijing


async def test_nudge_lists_what_is_not_scheduled(session: AsyncSession) -> None:
    """Made two days ahead, once; sent privately at 09:00 on the 20th, listing the requirements
    with nothing scheduled (a 支委会 scheduled for the 25th is not listed)."""
    branch = await make_branch(session)
    await make_member(session, branch, "王书记", user_id=SECRETARY_ID, role=Role.SECRETARY)
    with time_machine.travel(DUE - timedelta(days=3), tick=False):
        assert await fakes.plan_ahead() == 0  # too early
        await meetings.publish_meeting(session, branch_id=branch.id, kind=MeetingKind.COMMITTEE,
                                       starts_at=DUE + timedelta(days=5), title="支委会", place=None)
        await session.commit()
    with time_machine.travel(DUE - timedelta(days=1), tick=False):
        assert await fakes.plan_ahead() == 1
        assert await fakes.plan_ahead() == 0
    row = (await session.exec(select(Reminder))).one()
    assert (row.dedupe_key, row.target_kind, row.target_id, row.due_at) == (
        f"meetings:nudge:{branch.id}:2026-11", "private", SECRETARY_ID, DUE)
    await session.commit()
    outbox = fakes.FakePlatform()
    with time_machine.travel(DUE, tick=False):
        result = await fakes.dispatch_due(outbox)
    assert result.sent == 1
    assert outbox.sent == [(SECRETARY_ID, "\n".join([
        "【三会一课提醒】以下会议本期还没有安排：",
        "1. 支部党员大会（2026年第四季度）", "2. 党课（2026年第四季度）", "3. 主题党日（2026年11月）",
        "4. 组织生活会（2026年）", "5. 书记讲党课（2026年）",
        "安排请在群里发送，例如：发布会议 支委会 12月25日上午9点 研究工作 党员活动室"]), [])]


async def test_nudge_day_past_the_months_end_and_off() -> None:
    """Day 31 in November is the 30th; day 0 never nudges."""
    moment = datetime(2026, 11, 2, tzinfo=UTC)
    assert meetings.nudge_due(moment, meetings.Nudge(31, 9)) == datetime(2026, 11, 30, 1, tzinfo=UTC)
    assert meetings.nudge_due(datetime(2026, 12, 31, 17, tzinfo=UTC), meetings.Nudge(20, 9)) == datetime(
        2027, 1, 20, 1, tzinfo=UTC)  # 1 Jan 01:00 Beijing is January's nudge
