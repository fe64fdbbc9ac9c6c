"""Days are Beijing days whatever the server's zone: around midnight UTC and midnight Beijing."""

import os
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from sqlmodel.ext.asyncio.session import AsyncSession

from core import timeutil
from db.models import AttendanceStatus
from domain import meetings
from plugins.signin import texts as t
from tests.factories import make_branch, make_member
from tests.plugins.signin.steps import publish


@pytest.fixture(params=["UTC", "America/Los_Angeles", "Asia/Shanghai"])
def server_zone(request: pytest.FixtureRequest) -> Iterator[str]:
    """Run the test with the process clock in another zone."""
    old = os.environ.get("TZ")
    os.environ["TZ"] = request.param
    time.tzset()
    yield request.param
    if old is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = old
    time.tzset()


async def test_0759_and_0801_beijing_are_one_day(session: AsyncSession, server_zone: str) -> None:
    """07:59 and 08:01 Beijing straddle midnight UTC but are the same day and the same session."""
    branch = await make_branch(session)
    zhang = await make_member(session, branch, "张三")
    li = await make_member(session, branch, "李四")
    eight = datetime(2026, 11, 25, 0, 0, tzinfo=UTC)  # 08:00 Beijing
    with time_machine.travel(datetime(2026, 11, 24, 22, 0, tzinfo=UTC), tick=False):
        study = await publish(session, branch_id=branch.id, text="今天8点 学习党章",
                                      created_by=None)
        await session.commit()
    assert study.starts_at == eight
    results, replies = [], []
    for member, moment in ((zhang, eight - timedelta(minutes=1)), (li, eight + timedelta(minutes=1))):
        with time_machine.travel(moment, tick=False):
            results.append(await meetings.sign_in(session, branch_id=branch.id, member=member))
            await session.commit()
            replies.append(t.signed(results[-1]))
    assert {timeutil.local_date(r.attendance.signed_at) for r in results} == {date(2026, 11, 25)}
    assert [r.attendance.status for r in results] == [AttendanceStatus.PRESENT] * 2
    assert replies == [
        f"张三 签到成功（学习 #{study.id}，第1位，07:59），积分+2",
        f"李四 签到成功（学习 #{study.id}，第2位，08:01），积分+2",
    ]


@pytest.mark.parametrize(("now_utc", "expected"), [
    (datetime(2026, 11, 24, 15, 59, tzinfo=UTC), datetime(2026, 11, 25, 1, 0, tzinfo=UTC)),
    (datetime(2026, 11, 24, 16, 1, tzinfo=UTC), datetime(2026, 11, 26, 1, 0, tzinfo=UTC)),
    (datetime(2026, 11, 24, 23, 59, tzinfo=UTC), datetime(2026, 11, 26, 1, 0, tzinfo=UTC)),
    (datetime(2026, 11, 25, 0, 1, tzinfo=UTC), datetime(2026, 11, 26, 1, 0, tzinfo=UTC)),
])
async def test_tomorrow_means_beijing_tomorrow(
    session: AsyncSession, server_zone: str, now_utc: datetime, expected: datetime
) -> None:
    """明天上午9点 counts from the Beijing date, on both sides of midnight Beijing and UTC."""
    branch = await make_branch(session)
    with time_machine.travel(now_utc, tick=False):
        study = await publish(session, branch_id=branch.id, text="明天上午9点 学习",
                                      created_by=None)
    assert study.starts_at == expected


async def test_record_year_turns_at_beijing_midnight(session: AsyncSession, server_zone: str) -> None:
    """学习记录 of the new year starts at 00:00 Beijing on 1 January (16:00 UTC on 31 December)."""
    branch = await make_branch(session)
    zhang = await make_member(session, branch, "张三")
    old_year = datetime(2026, 12, 31, 15, 30, tzinfo=UTC)  # 23:30 Beijing, 31 Dec
    new_year = datetime(2026, 12, 31, 16, 30, tzinfo=UTC)  # 00:30 Beijing, 1 Jan
    for starts in (old_year, new_year):
        await meetings.schedule_meeting(session, branch_id=branch.id, starts_at=starts, title="学习")
    await session.commit()
    with time_machine.travel(datetime(2026, 12, 31, 15, 59, tzinfo=UTC), tick=False):
        before = await meetings.year_record(session, member=zhang)
    with time_machine.travel(datetime(2026, 12, 31, 16, 45, tzinfo=UTC), tick=False):
        after = await meetings.year_record(session, member=zhang)
    assert [s.starts_at for s, _ in before] == [old_year]
    assert [s.starts_at for s, _ in after] == [new_year]
