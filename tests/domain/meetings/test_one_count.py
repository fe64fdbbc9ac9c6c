"""签到情况 and the sign-in ledger export count one meeting alike (应到 defined once)."""

from datetime import UTC, datetime, timedelta

import time_machine
from sqlmodel.ext.asyncio.session import AsyncSession

from db.models import HealthCategory, MemberStatus
from domain import meetings, report
from tests.factories import make_branch, make_member

START = datetime(2026, 11, 25, 1, 30, tzinfo=UTC)  # Wednesday 09:30 Beijing


async def test_chat_report_and_ledger_export_agree(db: AsyncSession) -> None:
    """Same 应到/实到/请假/缺席, with a 不能参加活动 member who came, one 停用, one added after."""
    branch = await make_branch(db)
    came, late, away, absent = [await make_member(db, branch, n) for n in ("张三", "李四", "王五", "赵六")]
    unable = await make_member(db, branch, "孙八", category=HealthCategory.UNABLE)
    gone = await make_member(db, branch, "周九")
    gone.status = MemberStatus.INACTIVE
    db.add(gone)
    meeting = await meetings.schedule_meeting(db, branch_id=branch.id, starts_at=START, title="学习党章")
    await db.commit()
    with time_machine.travel(START, tick=False):
        for member in (came, unable):
            await meetings.sign_in(db, branch_id=branch.id, member=member)
        await meetings.take_leave(db, branch_id=branch.id, member=away, reason="住院")
        await db.commit()
    with time_machine.travel(START + timedelta(minutes=20), tick=False):
        await meetings.sign_in(db, branch_id=branch.id, member=late)
        await db.commit()
    with time_machine.travel(START + timedelta(days=1), tick=False):
        newcomer = await make_member(db, branch, "吴十")
        newcomer.created_at = START + timedelta(days=1)
        db.add(newcomer)
        await db.commit()
        chat = await meetings.meeting_report(db, branch_id=branch.id, meeting_id=meeting.id)
        [row] = await report.attendance_rows(db, branch_id=branch.id, period=report.Period(2026, 4))
    assert (chat.expected, len(chat.attended), len(chat.leave), [m.name for m in chat.absent]) == (
        row.expected, row.attended, row.leave, row.absent) == (5, 3, 1, [absent.name])
