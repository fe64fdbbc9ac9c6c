"""三会一课 commands as the secretary and members type them, through nonebug."""

import stat
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import time_machine
from nonebot.adapters.onebot.v11 import Message, MessageSegment
from nonebot.adapters.onebot.v11.event import Reply, Sender
from nonebug import App
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core.roles import Role
from db.models import (
    Attendance,
    Branch,
    MeetingKind,
    MeetingMinutes,
    MeetingPhoto,
    ReviewResult,
    StudySession,
)
from domain import meetings
from domain.meetings import minutes as minutes_module
from tests.events import group_message, onebot, private_message
from tests.factories import MEMBER_ID, SECRETARY_ID, make_branch, make_member

NOW = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)  # Thursday 10:00 Beijing
START = datetime(2026, 12, 10, 1, 0, tzinfo=UTC)  # Thursday 09:00 Beijing
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def text(value: str) -> Message:
    """A reply as plain text segments."""
    return Message(MessageSegment.text(value))


async def _arrange(db: AsyncSession) -> Branch:
    branch = await make_branch(db)
    await make_member(db, branch, "王书记", user_id=SECRETARY_ID, role=Role.SECRETARY)
    await make_member(db, branch, "张三", user_id=MEMBER_ID)
    await make_member(db, branch, "李四")
    return branch


async def _say(app: App, event_text: str | Message, reply: str, *, user_id: str = SECRETARY_ID) -> None:
    async with app.test_matcher() as ctx:
        bot = onebot(ctx)
        event = group_message(event_text, user_id=user_id)
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, text(reply), result=None)


async def test_publish_committee_meeting(app: App, chat_db: AsyncSession) -> None:
    """发布会议 支委会 posts who takes part; a wrong kind names the kinds with one example."""
    await _arrange(chat_db)
    with time_machine.travel(NOW, tick=False):
        await _say(app, "发布会议 支委会 12月10日上午9点 研究发展党员工作 党员活动室", "\n".join([
            "【支部委员会通知 #1】", "参加：书记和支委委员", "主题：研究发展党员工作",
            "时间：12月10日（周四）09:00", "地点：党员活动室",
            "08:30起发送“签到”即可签到，09:15后算迟到。不能参加请发送“请假 #1 原因”。"]))
        await _say(app, "发布会议 座谈会 明天9点 座谈", "会议类型“座谈会”不认识，可写：党员大会、支委会、党小组会、"
                   "党课、主题党日、学习、组织生活会。\n例如：" + meetings.EX_PUBLISH_MEETING)
    row = (await chat_db.exec(select(StudySession))).one()
    assert (row.kind, row.title, row.place, row.starts_at) == (
        MeetingKind.COMMITTEE, "研究发展党员工作", "党员活动室", START)


async def test_party_groups_and_group_meeting(app: App, chat_db: AsyncSession) -> None:
    """设置党小组, 党小组组长, 党小组列表, then a 党小组会 for that group; 成员列表 shows the group."""
    await _arrange(chat_db)
    await _say(app, "设置党小组 第一小组 张三 李四", "已建立党小组“第一小组”，2人：张三、李四。")
    await _say(app, "设置党小组 第二小组 赵六", "没找到：赵六（可发送“成员列表”核对姓名），党小组没有改动。")
    await _say(app, "党小组组长 第一小组 李四", "已将 李四 设为“第一小组”组长。")
    await _say(app, "党小组列表", "【党小组】共1个\n1. 第一小组（组长 李四，2人）：张三、李四")
    await _say(app, "设置会议频次 党小组会 每季度", "已设置：党小组会每季度至少开一次，三会一课情况和书记提醒按此计算。")
    await _say(app, "设置会议频次 党小组会 每周", "频次“每周”不对，可写：每月、每季度、每年、不要求、恢复默认。\n"
               "例如：设置会议频次 党课 每月")
    async with app.test_matcher() as ctx:  # health categories: never in the group, so asked privately
        event = private_message("成员列表", user_id=SECRETARY_ID)
        ctx.receive_event(onebot(ctx), event)
        ctx.should_call_send(event, text("【成员列表】共3人（✔已报到 ○无QQ）\n1. 王书记 支部书记 正常活动 ✔\n"
                                         "2. 张三 第一小组 正常活动 ✔\n3. 李四 第一小组 正常活动 ○"), result=None)
    with time_machine.travel(NOW, tick=False):
        await _say(app, "发布会议 党小组会 第一小组 12月10日9点 学习党章", "\n".join([
            "【党小组会通知 #1】", "党小组：第一小组（只需本小组成员参加）", "主题：学习党章",
            "时间：12月10日（周四）09:00",
            "08:30起发送“签到”即可签到，09:15后算迟到。不能参加请发送“请假 #1 原因”。"]))
    meeting = (await chat_db.exec(select(StudySession))).one()
    with time_machine.travel(START + timedelta(hours=2), tick=False):
        report = await meetings.meeting_report(chat_db, branch_id=meeting.branch_id, meeting_id=meeting.id)
    assert [m.name for m in report.absent] == ["张三", "李四"]


async def test_leave_for_a_later_meeting_and_proxy_leave(app: App, chat_db: AsyncSession) -> None:
    """请假 #N picks a later meeting; 代请假 records who asked; '请假 2号有事' is a reason."""
    branch = await _arrange(chat_db)
    first = await meetings.schedule_meeting(chat_db, branch_id=branch.id, starts_at=START, title="学习")
    later = await meetings.schedule_meeting(chat_db, branch_id=branch.id, starts_at=START + timedelta(days=7),
                                           title="党课")
    await chat_db.commit()
    with time_machine.travel(NOW, tick=False):
        await _say(app, f"请假 #{later.id} 住院", f"张三 已请假：#{later.id} 学习「党课」12月17日（周四）09:00，"
                   "原因：住院。", user_id=MEMBER_ID)
        await _say(app, "请假 2号有事", f"张三 已请假：#{first.id} 学习「学习」12月10日（周四）09:00，原因：2号有事。",
                   user_id=MEMBER_ID)
        await _say(app, f"代请假 #{later.id} 李四 腿脚不便", f"已为 李四 请假：#{later.id} 学习「党课」"
                   "12月17日（周四）09:00，原因：腿脚不便。")
        await _say(app, "代请假 李四", f"已为 李四 请假：#{first.id} 学习「学习」12月10日（周四）09:00。")
    rows = (await chat_db.exec(select(Attendance).order_by(col(Attendance.id)))).all()
    assert [(a.session_id, a.member_id, a.status, a.reason, a.proxy_by) for a in rows] == [
        (later.id, 2, "leave", "住院", None), (first.id, 2, "leave", "2号有事", None),
        (later.id, 3, "leave", "腿脚不便", 1), (first.id, 3, "leave", None, 1)]


async def test_study_record_of_another_member_goes_privately(app: App, chat_db: AsyncSession) -> None:
    """学习记录 李四 by the secretary is answered privately; a member asking is refused."""
    await _arrange(chat_db)
    with time_machine.travel(NOW, tick=False):
        async with app.test_matcher() as ctx:
            bot = onebot(ctx)
            event = group_message("学习记录 李四", user_id=SECRETARY_ID)
            ctx.receive_event(bot, event)
            ctx.should_call_api("send_private_msg", {"user_id": int(SECRETARY_ID),
                                                     "message": text("李四 2026年还没有参加过的学习记录。")},
                                result=None)
        await _say(app, "学习记录 李四", "查看或处理别人的记录需要支委委员或以上身份。", user_id=MEMBER_ID)
        async with app.test_matcher() as ctx:
            bot = onebot(ctx)
            event = private_message("学习记录 张三", user_id=SECRETARY_ID)
            ctx.receive_event(bot, event)
            ctx.should_call_send(event, text("张三 2026年还没有参加过的学习记录。"), result=None)


@pytest.fixture
def image_server() -> Iterator[str]:
    """A local web server for photo URLs: /p.png is a PNG, /x.png is not an image."""
    class Serve(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802  (http.server's name)
            body = PNG if self.path == "/p.png" else b"%PDF-1.4 not an image"
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Serve)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


async def test_minutes_with_photo_history_and_bad_photo(app: App, chat_db: AsyncSession, image_server: str,
                                                        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """会议记录 writes, appends and corrects (history kept) and stores a photo 0600; a photo that is
    not an image is refused and nothing is written."""
    monkeypatch.setattr(minutes_module, "_media_root", tmp_path / "media")
    branch = await _arrange(chat_db)
    meeting = await meetings.schedule_meeting(chat_db, branch_id=branch.id, starts_at=START, title="学习党章")
    await chat_db.commit()
    head = f"#{meeting.id} 学习「学习党章」12月10日（周四）09:00"
    with time_machine.travel(NOW, tick=False):
        await _say(app, "会议记录 #1 传达文件", f"{head} 还没开，开完后再写会议记录。")
    with time_machine.travel(START + timedelta(hours=2), tick=False):
        photo = MessageSegment("image", {"file": "a.png", "url": f"{image_server}/p.png"})
        await _say(app, Message([MessageSegment.text("会议记录 #1 传达了县委文件"), photo]),
                   f"已记录会议记录：{head}（第1版，共7字）\n已保存照片1张。")
        await _say(app, "会议记录 #1 讨论发展党员", f"已补充会议记录：{head}（第2版，共14字）")
        bad = MessageSegment("image", {"file": "x.png", "url": f"{image_server}/x.png"})
        await _say(app, Message([MessageSegment.text("会议记录 #1 更正 全部重写"), bad]),
                   "收到的不是图片（只收 JPG、PNG、GIF、WEBP），请重新发送照片。\n例如：" + meetings.EX_MINUTES)
        await _say(app, "会议记录 #1 更正 传达了县委文件，讨论了发展党员工作",
                   f"已更正会议记录：{head}（第3版，共17字）")
    revisions = (await chat_db.exec(select(MeetingMinutes).order_by(col(MeetingMinutes.revision)))).all()
    assert [(r.revision, r.action, r.text) for r in revisions] == [
        (1, "write", "传达了县委文件"), (2, "append", "传达了县委文件\n讨论发展党员"),
        (3, "correct", "传达了县委文件，讨论了发展党员工作")]
    photo_row = (await chat_db.exec(select(MeetingPhoto))).one()
    path = tmp_path / "media" / photo_row.relpath
    assert path.read_bytes() == PNG and stat.S_IMODE(path.stat().st_mode) == 0o600


async def test_review_grades_stay_private(app: App, chat_db: AsyncSession) -> None:
    """民主评议 opens the year; 评议 privately records a grade; said in the group it is withdrawn and
    refused privately, nothing recorded; 评议结果 privately lists grades and who is not graded."""
    await _arrange(chat_db)
    with time_machine.travel(NOW, tick=False):
        await _say(app, "民主评议 2026", "已开启2026年度民主评议党员。书记请私聊我逐人登记等次（优秀、合格、"
                   "基本合格、不合格），例如：评议 张三 优秀")
        async with app.test_matcher() as ctx:
            bot = onebot(ctx)
            ctx.receive_event(bot, group_message("评议 李四 合格", user_id=SECRETARY_ID, message_id=5151))
            ctx.should_call_api("delete_msg", {"message_id": 5151}, result=None)
            ctx.should_call_api("send_private_msg", {"user_id": int(SECRETARY_ID), "message": text(
                "为保护支部数据，“评议”只在私聊中使用。请私聊我发送：评议")}, result={"message_id": 1})
        assert (await chat_db.exec(select(ReviewResult))).all() == []
        await chat_db.rollback()  # give the bot the one connection back
        for words, reply in (("评议 张三 优秀", "已登记：张三 2026年度民主评议 优秀。"),
                             ("评议 李四 合格", "已登记：李四 2026年度民主评议 合格。"),
                             ("评议 李四 基本合格", "已登记：李四 2026年度民主评议 基本合格。"),
                             ("评议 李四 良好", "等次“良好”不对，只能是：优秀、合格、基本合格、不合格。\n例如：评议 张三 优秀"),
                             ("评议结果", "【2026年度民主评议结果】（仅书记可见）\n优秀1人：张三\n基本合格1人：李四\n"
                                          "未登记1人：王书记")):
            async with app.test_matcher() as ctx:
                bot = onebot(ctx)
                event = private_message(words, user_id=SECRETARY_ID)
                ctx.receive_event(bot, event)
                ctx.should_call_send(event, text(reply), result=None)
    rows = (await chat_db.exec(select(ReviewResult.member_id, ReviewResult.grade))).all()
    assert sorted(rows) == [(2, "excellent"), (3, "basic")]


async def test_rhythm_reply(app: App, chat_db: AsyncSession) -> None:
    """三会一课情况 本季度 on 3 Dec: October and November missed, December still open."""
    await _arrange(chat_db)
    with time_machine.travel(NOW, tick=False):
        await _say(app, "三会一课情况 本季度", "\n".join([
            "【三会一课情况】2026年第四季度（开了且有会议记录才算）",
            "支部党员大会（每季度）：Q4 未开",
            "支部委员会（每月）：10月 缺；11月 缺；12月 未开",
            "党课（每季度）：Q4 未开",
            "主题党日（每月）：10月 缺；11月 缺；12月 未开",
            "组织生活会（每年）：2026年 未开",
            "书记讲党课（每年）：2026年 未开",
            "缺4项，本期还有6项未开。"]))
        await _say(app, "三会一课情况 下辈子", "没看懂“下辈子”，可写：本月、本季度、2026Q4、2026。\n"
                   "例如：三会一课情况 本季度")


async def test_minutes_by_quoting_the_announcement(app: App, chat_db: AsyncSession) -> None:
    """会议记录 sent as a reply-quote of the announcement needs no #N."""
    branch = await _arrange(chat_db)
    meeting = await meetings.schedule_meeting(chat_db, branch_id=branch.id, starts_at=START, title="学习党章")
    await chat_db.commit()
    announcement = f"【学习通知 #{meeting.id}】\n主题：学习党章"
    with time_machine.travel(START + timedelta(hours=2), tick=False):
        async with app.test_matcher() as ctx:
            bot = onebot(ctx)
            event = group_message("会议记录 传达了县委文件", user_id=SECRETARY_ID)
            event.reply = Reply(time=1_790_000_000, message_type="group", message_id=777, real_id=777,
                                sender=Sender(user_id=99999), message=Message(announcement))
            ctx.receive_event(bot, event)
            ctx.should_call_send(event, text(f"已记录会议记录：#{meeting.id} 学习「学习党章」12月10日（周四）09:00"
                                              "（第1版，共7字）"), result=None)
    assert (await chat_db.exec(select(MeetingMinutes.meeting_id))).all() == [meeting.id]
