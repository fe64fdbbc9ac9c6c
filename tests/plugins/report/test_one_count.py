"""签到情况 in chat and 学习签到台账 give the same 应到/实到/请假/缺席 for one meeting (应到 defined once)."""

from datetime import UTC, datetime, timedelta
from io import BytesIO

import time_machine
from nonebug import App
from openpyxl import load_workbook
from sqlmodel.ext.asyncio.session import AsyncSession

from core.roles import Role
from db.models import HealthCategory, MemberStatus
from domain import meetings, report
from tests.events import group_message, onebot, plain_message
from tests.factories import MEMBER_ID, SECRETARY_ID, make_branch, make_member

START = datetime(2026, 11, 25, 1, 30, tzinfo=UTC)  # Wednesday 09:30 Beijing


async def test_chat_and_ledger_export_count_one_meeting_alike(app: App, chat_db: AsyncSession) -> None:
    """A 不能参加活动 member who came counts, a 停用 one does not, nor one added after the meeting."""
    branch = await make_branch(chat_db)
    await make_member(chat_db, branch, "王书记", user_id=SECRETARY_ID, role=Role.SECRETARY)
    came = await make_member(chat_db, branch, "张三", user_id=MEMBER_ID)
    late, away = await make_member(chat_db, branch, "李四"), await make_member(chat_db, branch, "王五")
    await make_member(chat_db, branch, "赵六")
    unable = await make_member(chat_db, branch, "孙八", category=HealthCategory.UNABLE)
    gone = await make_member(chat_db, branch, "周九")
    gone.status = MemberStatus.INACTIVE
    chat_db.add(gone)
    meeting = await meetings.schedule_meeting(chat_db, branch_id=branch.id, starts_at=START,
                                              title="学习党章")
    await chat_db.commit()
    with time_machine.travel(START, tick=False):
        for member in (came, unable):
            await meetings.sign_in(chat_db, branch_id=branch.id, member=member)
        await meetings.take_leave(chat_db, branch_id=branch.id, member=away, reason="住院")
        await chat_db.commit()
    with time_machine.travel(START + timedelta(minutes=20), tick=False):
        await meetings.sign_in(chat_db, branch_id=branch.id, member=late)
        await chat_db.commit()
    with time_machine.travel(START + timedelta(days=1), tick=False):
        newcomer = await make_member(chat_db, branch, "吴十")
        newcomer.created_at = START + timedelta(days=1)
        chat_db.add(newcomer)
        await chat_db.commit()
        async with app.test_matcher() as ctx:
            bot = onebot(ctx)
            event = group_message(f"签到情况 #{meeting.id}")
            ctx.receive_event(bot, event)
            ctx.should_call_send(event, plain_message(
                f"【签到情况】#{meeting.id} 学习「学习党章」11月25日（周三）09:30\n"
                "应到6人，实到3人（迟到1人），请假1人，缺席2人，出席率50%\n"
                "迟到：李四\n请假：王五\n缺席：王书记、赵六"), result=None)  # reason: privately only
        export = await report.build_export(chat_db, branch=branch, kind=report.ExportKind.SIGNIN,
                                           period=report.Period(2026, 4))
    line = next(load_workbook(BytesIO(export.content)).active.iter_rows(min_row=3, values_only=True))
    assert line[1] == "学习党章"
    assert line[3:8] == (6, 3, 1, 1, "王书记、赵六")  # 应到, 实到, 迟到, 请假, 缺席名单
