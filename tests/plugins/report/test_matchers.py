"""导出 and 后台 as secretaries type them, through nonebug."""

from io import BytesIO
from pathlib import Path

import pytest
import time_machine
from nonebot.adapters.onebot.v11 import ActionFailed, Message, MessageSegment
from nonebug import App
from openpyxl import load_workbook
from sqlmodel import select

from db.models.report import LoginToken
from domain import report
from domain.report import access
from plugins.report import web
from tests.domain.report.seed import NOW, seed
from tests.events import group_message, onebot, plain_message
from tests.events import private_message as private
from tests.factories import GROUP_ID, MEMBER_ID, SECRETARY_ID, SUPERUSER_ID

RAW = "fixedtokenfortests"


@pytest.fixture
def fixed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """Stable tokens, exports written under tmp_path, time inside 2026Q4."""
    monkeypatch.setattr(access, "new_token", lambda: RAW)
    monkeypatch.setattr(web.config, "report_export_dir", str(tmp_path))
    with time_machine.travel(NOW, tick=False):
        yield tmp_path


def _url() -> str:
    return f"http://127.0.0.1:8080/yinling/login/{report.sign(RAW, web.config.report_secret)}"


def _text(text: str) -> Message:
    return Message(MessageSegment.text(text))


async def test_admin_link_in_private_chat(app: App, chat_db, fixed):
    """后台 in private chat: a one-time link for the secretary's own branch."""
    data = await seed(chat_db)
    async with app.test_matcher() as ctx:
        bot = onebot(ctx)
        event = private("后台", user_id=SECRETARY_ID)
        ctx.receive_event(bot, event)
        ctx.should_call_send(
            event, _text(f"后台登录链接（10分钟内有效，只能用一次）：\n{_url()}\n请勿转发给他人。"), result=None)
    row = (await chat_db.exec(select(LoginToken))).one()
    assert (row.branch_id, row.member_id, row.user_id) == (data.branch.id, data.zhang.id, SECRETARY_ID)
    assert row.token_hash == report.digest(RAW) and row.used_at is None


async def test_admin_superuser_gets_county_link(app: App, chat_db, fixed):
    """A superuser without a member record still gets a link, for every branch."""
    await seed(chat_db)
    async with app.test_matcher() as ctx:
        bot = onebot(ctx)
        event = private("/后台", user_id=SUPERUSER_ID)
        ctx.receive_event(bot, event)
        ctx.should_call_send(
            event, _text(f"后台登录链接（10分钟内有效，只能用一次）：\n{_url()}\n请勿转发给他人。"), result=None)
    row = (await chat_db.exec(select(LoginToken))).one()
    assert (row.branch_id, row.member_id) == (None, None)


async def test_admin_refused_in_group_and_for_members(app: App, chat_db, fixed):
    """No link in a group chat; an ordinary member is told who may use it."""
    await seed(chat_db)
    async with app.test_matcher() as ctx:
        bot = onebot(ctx)
        event = group_message("后台", user_id=SECRETARY_ID)
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, plain_message("为保护支部数据，“后台”只在私聊中使用。请私聊我发送：后台"), result=None)
        event = private("后台", user_id=MEMBER_ID)
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, _text("这条命令需要支部书记或县级管理员身份，您当前是未报到人员。"), result=None)
        ctx.receive_event(bot, private("后台在哪里", user_id=SECRETARY_ID))  # not a command
    assert (await chat_db.exec(select(LoginToken))).all() == []


async def test_export_uploads_group_file(app: App, chat_db, fixed):
    """导出 签到 2026Q4 in the group: the workbook is written and uploaded as a group file."""
    data = await seed(chat_db)
    path = fixed / str(data.branch.id) / "学习签到台账_2026Q4.xlsx"
    async with app.test_matcher() as ctx:
        bot = onebot(ctx)
        event = group_message("导出签到 2026Q4", user_id=SECRETARY_ID)
        ctx.receive_event(bot, event)
        ctx.should_call_api("upload_group_file", {"group_id": GROUP_ID, "file": str(path),
                                                  "name": "学习签到台账_2026Q4.xlsx"}, result=None)
        ctx.should_call_send(event, _text("已导出学习签到台账（2026年第四季度，共2次学习）。\n"
                                          "文件已上传到群文件：学习签到台账_2026Q4.xlsx"), result=None)
    ws = load_workbook(BytesIO(path.read_bytes())).active
    assert ws["B3"].value == "学习二十届四中全会精神"


async def test_export_falls_back_to_private_link(app: App, chat_db, fixed):
    """When the upload fails the link goes privately to the secretary, never into the group."""
    data = await seed(chat_db)
    path = fixed / str(data.branch.id) / "积分台账_2026Q4.xlsx"
    head = "已导出积分台账（2026年第四季度，共3人）。"
    async with app.test_matcher() as ctx:
        bot = onebot(ctx)
        event = group_message("导出 积分", user_id=SECRETARY_ID)
        ctx.receive_event(bot, event)
        ctx.should_call_api("upload_group_file", {"group_id": GROUP_ID, "file": str(path),
                                                  "name": "积分台账_2026Q4.xlsx"},
                            exception=ActionFailed(retcode=1400))
        ctx.should_call_api("send_private_msg", {"user_id": int(SECRETARY_ID), "message": Message(
            f"{head}\n下载链接（10分钟内有效，只能用一次）：\n{_url()}")}, result=None)
        ctx.should_call_send(event, _text(f"{head}\n群文件上传没有成功，下载链接已私聊发给您。"),
                             result=None)
    row = (await chat_db.exec(select(LoginToken))).one()
    assert row.next_path == f"/yinling/b/{data.branch.id}/export/points?period=2026Q4"


async def test_export_in_private_chat_sends_link(app: App, chat_db, fixed):
    """导出 in private chat answers with a download link for the whole year."""
    data = await seed(chat_db)
    async with app.test_matcher() as ctx:
        bot = onebot(ctx)
        event = private("导出 建议 2026", user_id=SECRETARY_ID)
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, _text("已导出建言献策台账（2026年，共2条建议）。\n"
                                          f"下载链接（10分钟内有效，只能用一次）：\n{_url()}"), result=None)
    row = (await chat_db.exec(select(LoginToken))).one()
    assert row.next_path == f"/yinling/b/{data.branch.id}/export/suggestion?period=2026"


async def test_export_refusals(app: App, chat_db, fixed):
    """Members may not export; an unknown ledger or period gets the reason and an example."""
    await seed(chat_db)
    async with app.test_matcher() as ctx:
        bot = onebot(ctx)
        event = group_message("导出 签到", user_id=MEMBER_ID)
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, _text("这条命令需要支部书记或以上身份，您当前是未报到人员。"), result=None)
        event = group_message("导出 工资", user_id=SECRETARY_ID)
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, _text("请写要导出的台账：签到、积分、志愿、建议、通知 或 三会一课。\n例如：导出 签到 2026Q4"),
                             result=None)
        event = group_message("导出 签到 明年", user_id=SECRETARY_ID)
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, _text("没看懂时间“明年”，请写季度如 2026Q4，或年份如 2026。\n"
                                          "例如：导出 签到 2026Q4"), result=None)
        event = group_message("导出", user_id=SECRETARY_ID)
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, _text("请写要导出的台账：签到、积分、志愿、建议、通知 或 三会一课。\n例如：导出 签到 2026Q4"),
                             result=None)


async def test_export_quarter_without_year(app: App, chat_db, fixed):
    """导出签到第四季度 / 导出 积分台账 Q4: a quarter without a year is this year's (Beijing)."""
    data = await seed(chat_db)
    async with app.test_matcher() as ctx:
        bot = onebot(ctx)
        for i, (text, name, head) in enumerate([
                ("导出签到第四季度", "学习签到台账_2026Q4.xlsx", "已导出学习签到台账（2026年第四季度，共2次学习）。"),
                ("导出 积分台账 Q3", "积分台账_2026Q3.xlsx", "已导出积分台账（2026年第三季度，共3人）。")]):
            event = group_message(text, user_id=SECRETARY_ID, message_id=900 + i)
            ctx.receive_event(bot, event)
            path = fixed / str(data.branch.id) / name
            ctx.should_call_api("upload_group_file", {"group_id": GROUP_ID, "file": str(path),
                                                      "name": name}, result=None)
            ctx.should_call_send(event, _text(f"{head}\n文件已上传到群文件：{name}"), result=None)
