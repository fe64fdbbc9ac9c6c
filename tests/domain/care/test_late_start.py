"""A greeting whose morning time passed before the bot could plan it (started late that day, or the
date entered that day) is sent the same day — not skipped for a year — but never at night."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from sqlmodel import select

from db.models.reminder import Reminder
from domain import care
from tests.factories import make_branch, make_member


@pytest.mark.parametrize(("utc", "greeted"), [
    (datetime(2026, 12, 3, 2, 0, tzinfo=UTC), True),    # 10:00 Beijing: the 08:30 greeting was missed
    (datetime(2026, 12, 3, 11, 59, tzinfo=UTC), True),  # 19:59 Beijing
    (datetime(2026, 12, 3, 12, 0, tzinfo=UTC), False),  # 20:00 Beijing: too late in the evening
    (datetime(2026, 12, 2, 16, 1, tzinfo=UTC), True),   # 00:01 Beijing on the day: at 08:30 as usual
])
async def test_a_missed_morning_greeting_goes_out_the_same_day(db, utc: datetime, greeted: bool) -> None:
    branch = await make_branch(db)
    member = await make_member(db, branch, "王建国")
    await care.set_party_date(db, member=member, joined=date(1970, 12, 3), today=date(2026, 1, 1))
    await db.commit()
    with time_machine.travel(utc, tick=False):
        await care.scan_care(db, utc)
        await db.commit()
    rows = (await db.exec(select(Reminder).where(Reminder.kind == "care_party"))).all()
    this_year = [row for row in rows if row.dedupe_key.endswith(":2026")]
    assert bool(this_year) is greeted
    for row in this_year:
        assert row.due_at.astimezone(UTC) >= utc
        assert row.due_at.astimezone(UTC) <= max(utc + timedelta(minutes=1), datetime(2026, 12, 3, 0, 30, tzinfo=UTC))
