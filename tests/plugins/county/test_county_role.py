"""County staff as a superuser sets them and as they use the bot: chat commands through nonebug,
then the dashboard a county login opens (every branch, read-only, no individual health details)."""

import httpx
import pytest
import time_machine
from nonebot.adapters.onebot.v11 import Message, MessageSegment
from nonebug import App
from sqlmodel import select

from db.engine import session_factory
from db.models import CountyStaff
from db.models.report import LoginToken
from domain import county, report
from domain.report import access
from plugins.report import web
from tests.domain.report.seed import NOW, seed
from tests.events import group_message, onebot, plain_message
from tests.events import private_message as private
from tests.factories import SECRETARY_ID, SUPERUSER_ID
from tests.plugins.report.helpers import client, follow

COUNTY_ID = "123456789"
RAW = "fixedcountytoken"


def _text(text: str) -> Message:
    return Message(MessageSegment.text(text))


@pytest.fixture
def fixed(monkeypatch: pytest.MonkeyPatch):
    """Stable tokens, time inside 2026Q4."""
    monkeypatch.setattr(access, "new_token", lambda: RAW)
    with time_machine.travel(NOW, tick=False):
        yield


async def test_superuser_sets_county_staff_who_then_gets_a_county_link(app: App, chat_db, fixed):
    """设置县级 @ in a group; the new county staff's 后台 opens every branch; 加分 is still refused
    (帮助's menu for county staff: tests/plugins/help/test_permissions.py)."""
    await seed(chat_db)
    at = Message([MessageSegment.text("设置县级 "), MessageSegment.at(COUNTY_ID),
                  MessageSegment.text(" 王科长")])
    async with app.test_matcher() as ctx:
        bot = onebot(ctx)
        event = group_message(at, user_id=SUPERUSER_ID)
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, plain_message(
            "已设置县级管理员：王科长（123456789）。\n"
            "可查看各支部统计、导出全县报表；不能在支部里加分、代签、改名册。请他私聊我发送“后台”。"),
            result=None)
        event = private("设置县级 987654321", user_id=SECRETARY_ID)
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, _text("这条命令需要管理员或以上身份，您当前是支部书记。"), result=None)
        event = private("后台", user_id=COUNTY_ID)
        ctx.receive_event(bot, event)
        url = f"http://127.0.0.1:8080/yinling/login/{report.sign(RAW, web.config.report_secret)}"
        ctx.should_call_send(
            event, _text(f"后台登录链接（10分钟内有效，只能用一次）：\n{url}\n请勿转发给他人。"), result=None)
        event = group_message("加分 张三 5 协助清扫", user_id=COUNTY_ID)
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, plain_message("这条命令需要支委委员或以上身份，您当前是未报到人员。"),
                             result=None)
    staff = (await chat_db.exec(select(CountyStaff))).one()
    assert (staff.user_id, staff.name, staff.added_by, staff.removed_at) == (
        COUNTY_ID, "王科长", SUPERUSER_ID, None)
    token = (await chat_db.exec(select(LoginToken))).one()
    assert (token.branch_id, token.member_id, token.county_staff_id) == (None, None, staff.id)


async def _log_in(http: httpx.AsyncClient, staff_id: int) -> None:
    async with session_factory()() as db:
        token = await report.issue_link_token(
            db, platform="onebot", user_id=COUNTY_ID, member_id=None, branch_id=None,
            secret=web.config.report_secret, minutes=10, county_staff_id=staff_id)
        await db.commit()
    response = await follow(http, token)
    assert response.status_code == 303, response.text


async def test_county_dashboard_reads_every_branch_but_no_roster(session):
    """A county login: the county page and any branch's figures; 成员名册 and its import are 403;
    取消县级 ends the session at once."""
    with time_machine.travel(NOW, tick=False):
        data = await seed(session)
        staff = CountyStaff(platform="onebot", user_id=COUNTY_ID, name="王科长", added_by=SUPERUSER_ID)
        session.add(staff)
        await session.commit()
        async with client() as http:
            await _log_in(http, staff.id or 0)
            home = await http.get("/yinling/")
            assert home.status_code == 200 and "王科长（县级管理员）" in home.text
            for bid in (data.branch.id, data.other.id):
                page = await http.get(f"/yinling/b/{bid}/")
                assert page.status_code == 200 and "成员名册" not in page.text
                assert (await http.get(f"/yinling/b/{bid}/sessions")).status_code == 200
                assert (await http.get(f"/yinling/b/{bid}/roster")).status_code == 403
            imported = await http.post(f"/yinling/b/{data.branch.id}/roster/import", content=b"x",
                                       headers={"content-type": "multipart/form-data; boundary=x"})
            assert imported.status_code == 403
            await county_remove(staff.id or 0)
            assert (await http.get("/yinling/")).status_code == 401


async def county_remove(staff_id: int) -> None:
    """取消县级 as the domain does it, committed."""
    async with session_factory()() as db:
        await county.remove_staff(db, platform="onebot", user_id=COUNTY_ID)
        await db.commit()
