"""三会一课台账: one row per meeting held in the period, shaped for reporting upward."""

from datetime import UTC, datetime, timedelta
from io import BytesIO

import time_machine
from openpyxl import load_workbook
from sqlmodel.ext.asyncio.session import AsyncSession

from core.roles import Role
from db.models import MeetingKind
from domain import meetings
from domain.report import ExportKind, Period, build_export
from tests.factories import make_branch, make_member

STARTS = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)  # 20 Nov 09:00 Beijing


async def test_meetings_ledger_rows(db: AsyncSession) -> None:
    """Kind, date, topic, place, 讲课人, 应到/实到/请假/缺席, rate, minutes summary, photos."""
    branch = await make_branch(db)
    secretary = await make_member(db, branch, "王书记", role=Role.SECRETARY)
    zhang = await make_member(db, branch, "张三")
    await make_member(db, branch, "李四")
    with time_machine.travel(STARTS - timedelta(days=3), tick=False):
        lecture = await meetings.publish_meeting(db, branch_id=branch.id, kind=MeetingKind.LECTURE,
                                                 starts_at=STARTS, title="学习党章", place="活动室",
                                                 lecturer="王书记")
        await meetings.publish_meeting(db, branch_id=branch.id, kind=MeetingKind.COMMITTEE,
                                       starts_at=STARTS + timedelta(days=1), title="研究工作", place=None)
        await meetings.take_leave(db, branch_id=branch.id, member=zhang, reason="住院",
                                  meeting_id=lecture.id)
        await db.commit()
    with time_machine.travel(STARTS, tick=False):
        await meetings.sign_in(db, branch_id=branch.id, member=secretary)
        await db.commit()
    with time_machine.travel(STARTS + timedelta(hours=2), tick=False):
        await meetings.write_minutes(db, branch_id=branch.id, meeting_id=lecture.id,
                                     text="书记讲授党章" * 20, author=secretary, author_name="王书记")
        await db.commit()
    with time_machine.travel(STARTS + timedelta(days=10), tick=False):
        export = await build_export(db, branch=branch, kind=ExportKind.MEETINGS, period=Period(2026, 4))
    ws = load_workbook(BytesIO(export.content)).active
    assert export.filename == "三会一课台账_2026Q4.xlsx" and export.count == 2
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    assert rows[0] == ["日期", "类型", "主题", "地点", "讲课人", "应到", "实到", "请假", "缺席", "出席率",
                       "会议记录摘要", "照片"]
    assert rows[1][1:10] == ["党课", "学习党章", "活动室", "王书记", 3, 1, 1, 1, 1 / 3]
    assert rows[1][10] == "书记讲授党章" * 13 + "书记……" and rows[1][11] == 0
    assert rows[2][1:11] == ["支部委员会", "研究工作", None, None, 1, 0, 0, 1, 0, "（无会议记录）"]
