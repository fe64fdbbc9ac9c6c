"""三会一课 through the real bot process over a real OneBot V11 WebSocket, on SQLite and PostgreSQL:
发布会议 (支委会), 签到, 会议记录 with a photo fetched from its URL, 三会一课情况; 党小组, 请假 #N, 代请假."""

import stat
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlalchemy import text, update

from core import timeutil
from db import engine as db_engine
from db.models import Member, StudySession
from db.models.organization import RoleChange
from tests.e2e.conftest import SUPERUSER, BotProcess
from tests.onebot_peer import OneBotPeer, at

pytestmark = pytest.mark.e2e

GROUP = 20001
SECRETARY, COMMITTEE, MEMBER = 10002, 10003, 10004
PNG = b"\x89PNG\r\n\x1a\n" + b"\x01" * 200


@pytest.fixture
def bot_process(tmp_path: Path, db_url: str) -> Iterator[BotProcess]:
    """The real bot on each backend, with its photos under this test's own folder."""
    bot = BotProcess(database_url=db_url, log_path=tmp_path / "bot.log",
                     extra_env={"MEETINGS_MEDIA_DIR": str(tmp_path / "media")})
    bot.start()
    try:
        yield bot
    finally:
        bot.stop()


@pytest.fixture
def photo_url() -> Iterator[str]:
    """A web server standing in for QQ's image host."""
    class Serve(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802  (http.server's name)
            self.send_response(200)
            self.send_header("Content-Length", str(len(PNG)))
            self.end_headers()
            self.wfile.write(PNG)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Serve)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/photo.png"
    server.shutdown()
    server.server_close()


async def sql(statement: str) -> list[tuple]:
    """Read the bot's database (SQLite or PostgreSQL: the `db_url` it runs on)."""
    async with db_engine.session_factory()() as db:
        return [tuple(row) for row in (await db.exec(text(statement))).all()]


async def let_time_pass() -> None:
    """The meeting started an hour ago, after the members joined and the appointments were made."""
    now = timeutil.now()
    async with db_engine.session_factory()() as db:
        await db.exec(update(StudySession).values(
            starts_at=now - timedelta(hours=1), opens_at=now - timedelta(minutes=90),
            late_after=now - timedelta(minutes=45), closes_at=now - timedelta(minutes=1)))
        await db.exec(update(RoleChange).values(changed_at=now - timedelta(days=1)))
        await db.exec(update(Member).values(created_at=now - timedelta(days=2)))
        await db.commit()


async def test_committee_meeting_signin_minutes_and_rhythm(bot_process: BotProcess, peer: OneBotPeer,
                                                           photo_url: str, tmp_path: Path) -> None:
    """A 支委会 expects the committee only; minutes with a photo make it count as held this month."""
    await peer.ask(SUPERUSER, "绑定支部 第一支部", group_id=GROUP)
    for uid, name in ((SECRETARY, "王书记"), (COMMITTEE, "李委员"), (MEMBER, "张三")):
        await peer.ask(uid, f"报到 {name}", group_id=GROUP)
    await peer.ask(SUPERUSER, ["设置书记 ", at(SECRETARY)], group_id=GROUP)
    assert await peer.ask(SECRETARY, "设置委员 李委员", group_id=GROUP) == "已将 李委员 设为支委委员。"

    starts = timeutil.to_local(timeutil.now() + timedelta(minutes=20)).replace(second=0, microsecond=0)
    posted = await peer.ask(SECRETARY, f"发布会议 支委会 {starts:%Y-%m-%d %H:%M} 研究发展党员工作 党员活动室",
                            group_id=GROUP)
    assert posted.startswith("【支部委员会通知 #1】\n参加：书记和支委委员\n主题：研究发展党员工作\n")
    signed = await peer.ask(COMMITTEE, "签到", group_id=GROUP)
    assert signed.startswith("李委员 签到成功（支部委员会 #1，第1位，")

    await let_time_pass()
    saved = await peer.ask(SECRETARY, ["会议记录 #1 讨论了发展党员工作，确定培养对象2名",
                                       {"type": "image", "data": {"file": "p.png", "url": photo_url}}],
                           group_id=GROUP)
    assert saved.startswith("已记录会议记录：#1 支部委员会「研究发展党员工作」")
    assert saved.endswith("（第1版，共18字）\n已保存照片1张。")
    [(relpath,)] = await sql("SELECT relpath FROM meeting_photo")
    photo = tmp_path / "media" / relpath
    assert photo.read_bytes() == PNG and stat.S_IMODE(photo.stat().st_mode) == 0o600

    report = await peer.ask(SECRETARY, "签到情况 #1", group_id=GROUP)
    assert "应到2人，实到1人（迟到0人），请假0人，缺席1人，出席率50%" in report
    assert report.endswith("缺席：王书记")
    rhythm = await peer.ask(SECRETARY, "三会一课情况", group_id=GROUP)
    month = timeutil.to_local(timeutil.now()).month
    assert f"支部委员会（每月）：{month}月 已开 " in rhythm and "（出席50%）" in rhythm


async def test_groups_leave_by_proxy_and_private_member_data(bot_process: BotProcess, peer: OneBotPeer) -> None:
    """设置党小组 and a 党小组会; 请假 #N for the later of two meetings; 代请假 for a member without QQ;
    学习记录 <姓名> and 评议 answered privately, the group hearing nothing of them."""
    await peer.ask(SUPERUSER, "绑定支部 第一支部", group_id=GROUP)
    for uid, name in ((SECRETARY, "王书记"), (MEMBER, "张三")):
        await peer.ask(uid, f"报到 {name}", group_id=GROUP)
    await peer.ask(SUPERUSER, ["设置书记 ", at(SECRETARY)], group_id=GROUP)
    assert (await peer.ask(SECRETARY, "添加成员 李四", group_id=GROUP)).startswith("已添加")
    await peer.wait_for_sent(lambda m: m.chat == ("private", SECRETARY))  # the category, privately
    assert await peer.ask(SECRETARY, "设置党小组 第一小组 张三 李四", group_id=GROUP) == (
        "已建立党小组“第一小组”，2人：张三、李四。")
    day = timeutil.to_local(timeutil.now() + timedelta(days=3)).date()
    first = await peer.ask(SECRETARY, f"发布会议 党小组会 第一小组 {day:%Y-%m-%d} 09:00 学习党章", group_id=GROUP)
    later = await peer.ask(SECRETARY, f"发布会议 党课 {day + timedelta(days=7):%Y-%m-%d} 09:00 党史 讲课人王书记",
                           group_id=GROUP)
    assert first.startswith("【党小组会通知 #1】\n党小组：第一小组") and "讲课人：王书记" in later
    assert (await peer.ask(MEMBER, "请假 #2 住院", group_id=GROUP)).startswith("张三 已请假：#2 党课「党史」")
    assert (await peer.ask(SECRETARY, "代请假 李四 腿脚不便", group_id=GROUP)).startswith(
        "已为 李四 请假：#1 党小组会「学习党章」")
    rows = await sql("SELECT session_id, member_id, reason, proxy_by IS NOT NULL FROM attendance ORDER BY id")
    assert [(*row[:3], bool(row[3])) for row in rows] == [(2, 2, "住院", False), (1, 3, "腿脚不便", True)]

    event = await peer.say(SECRETARY, "学习记录 李四", group_id=GROUP)
    private = await peer.wait_for_sent(lambda m: m.chat == ("private", SECRETARY))
    year = timeutil.to_local(timeutil.now()).year
    assert private.text == f"李四 {year}年还没有参加过的学习记录。"
    assert await peer.settle(event) == []
    assert (await peer.ask(SECRETARY, "民主评议 2026", group_id=GROUP)).startswith("已开启2026年度民主评议党员")
    graded = await peer.ask(SECRETARY, "评议 张三 优秀")
    assert graded == "已登记：张三 2026年度民主评议 优秀。"
    assert await sql("SELECT member_id, grade FROM review_result") == [(2, "excellent")]
