"""Notice commands as members and secretaries type them, through nonebug."""

import stat
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import time_machine
from nonebot.adapters.onebot.v11 import Message, MessageSegment
from nonebot.adapters.onebot.v11.event import Reply, Sender
from nonebug import App
from sqlmodel import col, select

import plugins.notice
from core.roles import Role
from db.models.notice import Notice, NoticeAttachment, NoticeReceipt
from db.models.reminder import Reminder
from domain import county
from domain.notices import EX_POST
from tests.events import group_message, onebot, plain_message, private_message
from tests.factories import GROUP_ID, MEMBER_ID, SECRETARY_ID, SELF_ID, make_branch, make_member

NOW = datetime(2026, 12, 3, 7, 0, tzinfo=UTC)  # Thursday 15:00 Beijing
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
POST = "【通知 #1】王书记发布\n周五9点学习\n请带党员证[CQ:at,qq=all]\n——看到后请回复：收到"


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


async def _branch(chat_db):
    """王书记 (secretary), 张三 (member, MEMBER_ID), 李四 (no QQ)."""
    branch = await make_branch(chat_db)
    await make_member(chat_db, branch, "王书记", user_id=SECRETARY_ID, role=Role.SECRETARY)
    await make_member(chat_db, branch, "张三", user_id=MEMBER_ID)
    await make_member(chat_db, branch, "李四")
    return branch


async def _post(app: App, chat_db, *, privately: bool = False) -> None:
    """王书记 posts the three-line notice; the bot posts it to the group as one text segment."""
    # Typed by a member, a CQ code arrives as text (OneBot array format): it must stay text.
    text = Message(MessageSegment.text("通知\n周五9点学习\n请带党员证[CQ:at,qq=all]"))
    async with app.test_matcher() as ctx:
        bot = onebot(ctx)
        event = (private_message(text, user_id=SECRETARY_ID) if privately
                 else group_message(text, user_id=SECRETARY_ID))
        ctx.receive_event(bot, event)
        if privately:
            ctx.should_call_send(event, plain_message(
                "通知 #1 已发到群里，应传达3人。\n发送“通知情况 #1”可查看谁还没收到。"), result=None)
        ctx.should_call_api("send_group_msg", {"group_id": GROUP_ID, "message": Message(
            MessageSegment.text(POST))}, result={"message_id": 777})
    chat_db.expire_all()


async def _ask(app: App, event, reply: str | None) -> None:
    async with app.test_matcher() as ctx:
        bot = onebot(ctx)
        ctx.receive_event(bot, event)
        if reply is not None:
            ctx.should_call_send(event, plain_message(reply), result=None)
        else:
            ctx.should_not_pass_rule()


async def _receipts(chat_db) -> list[tuple[int, str]]:
    rows = (await chat_db.exec(select(NoticeReceipt.member_id, NoticeReceipt.channel)
                               .order_by(col(NoticeReceipt.member_id)))).all()
    await chat_db.commit()
    return [tuple(r) for r in rows]


async def test_post_echoes_plain_text_and_records_the_message(app: App, chat_db):
    """A multi-line notice goes out as one text segment (a typed CQ code @s nobody); the posted
    message's id is kept; the follow-up and the secretary's list are scheduled."""
    await _branch(chat_db)
    await _post(app, chat_db)
    notice = (await chat_db.exec(select(Notice))).one()
    kinds = (await chat_db.exec(select(Reminder.kind, Reminder.target_id))).all()
    await chat_db.commit()
    assert (notice.number, notice.message_id, notice.text) == (1, "777", "周五9点学习\n请带党员证[CQ:at,qq=all]")
    assert sorted(tuple(k) for k in kinds) == [("notice_followup", str(GROUP_ID)),
                                               ("notice_offline", SECRETARY_ID)]


async def test_post_privately_confirms_and_posts_to_the_group(app: App, chat_db):
    """The secretary may write the notice to the bot privately: told #1, posted in the group."""
    await _branch(chat_db)
    await _post(app, chat_db, privately=True)
    assert await _receipts(chat_db) == [(1, "qq")]


async def test_ack_variants(app: App, chat_db):
    """收到 records once; a second 收到 says it was done; 收到快递了 is no receipt; 收到，谢谢 is one."""
    await _branch(chat_db)
    await _post(app, chat_db)
    await _ask(app, group_message("收到快递了"), None)
    await _ask(app, group_message("收到"), "张三 已收到通知 #1「周五9点学习 请带党员证…」（2/3人）")
    await _ask(app, group_message("收到，谢谢"), "最近的通知您都已收到，谢谢您！")
    await _ask(app, group_message("收到 #1"), "您已经收到过通知 #1（12月3日 15:00），谢谢！")
    assert await _receipts(chat_db) == [(1, "qq"), (2, "qq")]


async def test_ack_by_quoting_the_notice(app: App, chat_db):
    """A reply-quote of the notice's message with any words after 收到 is a receipt for it."""
    await _branch(chat_db)
    await _post(app, chat_db)
    event = group_message("收到了书记辛苦")
    event.reply = Reply(time=0, message_type="group", message_id=777, real_id=777,
                        sender=Sender(user_id=int(SELF_ID)), message=Message(POST))
    await _ask(app, event, "张三 已收到通知 #1「周五9点学习 请带党员证…」（2/3人）")


async def test_ack_without_a_notice_is_answered_gently(app: App, chat_db):
    """No notice yet: a short kind answer, not silence."""
    await _branch(chat_db)
    await _ask(app, group_message("收到"), "最近没有需要回复的通知。谢谢您！")


async def test_offline_status_and_list(app: App, chat_db):
    """已传达 by phone with a note; 通知情况 by name and how; 通知列表."""
    await _branch(chat_db)
    await _post(app, chat_db)
    await _ask(app, group_message("已传达 李四 张三 电话 已转告家属", user_id=SECRETARY_ID),
               "已登记 通知 #1：李四、张三（电话）\n通知 #1 已传达 3/3人")
    await _ask(app, group_message("通知情况", user_id=SECRETARY_ID),
               "通知 #1「周五9点学习 请带党员证…」12月3日 15:00 王书记发布\n"
               "应传达3人，已传达3人（电话2、收到1），未传达0人\n电话：张三、李四\n收到：王书记")
    await _ask(app, group_message("通知列表"),
               "最近的通知：\n#1 12月3日 15:00 周五9点学习 请带党员证…（3/3人）\n"
               "发送“通知情况 #1”可查看谁还没收到。")
    await _ask(app, group_message("已传达 李四 上门", user_id=SECRETARY_ID),
               "之前已收到：李四（电话）\n通知 #1 已传达 3/3人")


async def test_refusals(app: App, chat_db):
    """A member may not post; 通知 without a channel word in 已传达; chat starting with 通知 is silent."""
    await _branch(chat_db)
    await _ask(app, group_message("通知 明天学习"), "这条命令需要支委委员或以上身份，您当前是党员。")
    await _ask(app, group_message("通知大家明天来", user_id=SECRETARY_ID), None)
    await _ask(app, group_message("通知", user_id=SECRETARY_ID),
               "请在“通知”后面写上通知的内容。\n例如：通知 本周五上午9点在党员活动室学习，请准时参加。")
    await _post(app, chat_db)
    await _ask(app, group_message("已传达 李四", user_id=SECRETARY_ID),
               "请写明怎么传达的：电话、上门或当面。\n例如：已传达 #3 李四 王五 电话")


async def test_county_notice_and_its_reach(app: App, chat_db):
    """County staff's 县通知 makes a notice in every bound branch, posted through the engine."""
    await _branch(chat_db)
    other = await make_branch(chat_db, "第二支部", group_id=20002)
    await make_member(chat_db, other, "刘书记", user_id="20001", role=Role.SECRETARY)
    await county.add_staff(chat_db, platform="onebot", user_id="30001", name="县委老干部局", by="10000")
    await chat_db.commit()
    await _ask(app, private_message("县通知 年底前报送学习总结", user_id="30001"),
               "县通知 #1 已安排发往2个支部的群（依次发出，约1秒内发完）。\n发送“县通知情况 #1”可查看各支部传达情况。")
    await _ask(app, group_message("收到"), "张三 已收到通知 #1「年底前报送学习总结」（1/3人）")
    await _ask(app, private_message("县通知情况 #1", user_id="10000"),  # a superuser may too
               "县通知 #1「年底前报送学习总结」12月3日 15:00\n共2个支部，应传达4人，已传达1人（25%）\n"
               "1. 第二支部 0/1（0%）\n2. 城关镇离退休干部第一党支部 1/3（33%）")
    posts = (await chat_db.exec(select(Reminder.target_id).where(Reminder.kind == "notice_post"))).all()
    await chat_db.commit()
    assert sorted(posts) == [str(GROUP_ID), "20002"]
    await _ask(app, group_message("县通知 再发一条"), "这条命令需要管理员或县级管理员身份，您当前是党员。")


@pytest.fixture
def image_server() -> Iterator[str]:
    """A local web server for image URLs: /p.png is a PNG, anything else is not an image."""
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


async def test_images_are_kept_and_posted(app: App, chat_db, image_server: str, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch):
    """An image sent with 通知 is checked, kept 0600 and posted after the text; a PDF posing as an
    image refuses the whole notice, nothing written."""
    monkeypatch.setattr(plugins.notice.config, "notice_media_dir", str(tmp_path / "media"))
    await _branch(chat_db)
    bad = MessageSegment("image", {"file": "x.png", "url": f"{image_server}/x.png"})
    await _ask(app, group_message(Message([MessageSegment.text("通知 看附件"), bad]), user_id=SECRETARY_ID),
               "收到的不是图片（只收 JPG、PNG、GIF、WEBP），请重新发送照片。\n例如：" + EX_POST)
    assert (await chat_db.exec(select(Notice))).all() == [] and not (tmp_path / "media").exists()
    await chat_db.commit()
    photo = MessageSegment("image", {"file": "a.png", "url": f"{image_server}/p.png"})
    async with app.test_matcher() as ctx:
        bot = onebot(ctx)
        ctx.receive_event(bot, group_message(Message([MessageSegment.text("通知 看附件"), photo]),
                                             user_id=SECRETARY_ID))
        ctx.should_call_api("send_group_msg", {"group_id": GROUP_ID, "message": Message([
            MessageSegment.text("【通知 #1】王书记发布\n看附件\n（附图片1张，见下）\n——看到后请回复：收到"),
            MessageSegment.image(PNG)])}, result={"message_id": 778})
    kept = (await chat_db.exec(select(NoticeAttachment))).one()
    await chat_db.commit()
    path = tmp_path / "media" / kept.relpath
    assert path.read_bytes() == PNG and stat.S_IMODE(path.stat().st_mode) == 0o600
