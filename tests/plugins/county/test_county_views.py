"""The county figures as county staff meet them: 全县情况 in chat, the county page and the
workbook 导出全县 links to; all three show the same numbers, and each is the sum of its branches."""

import re
from io import BytesIO

import pytest
import time_machine
from nonebot.adapters.onebot.v11 import Message, MessageSegment
from nonebug import App
from openpyxl import load_workbook

from db.models import CountyStaff
from domain import county, report
from domain.report import access
from plugins.report import web
from tests.domain.county.seed import COUNTY_ID, NOW, seed_county
from tests.events import onebot, plain_message
from tests.events import private_message as private
from tests.factories import SUPERUSER_ID
from tests.plugins.report.helpers import client, follow

SUMMARY = """【全县情况】2026年11月
支部3个，在册党员8人
会议3次，出勤率62.5%（实到5/应到8）
志愿服务：需求2项，认领3人次，4小时
建议2条：已答复2、已采纳1
通知1条，触达33.3%（1/3）
积分发放8分
各片区：
· 东区片区：1个支部，出勤率50.0%
· 城关片区：2个支部，出勤率66.7%
预警：
· 本月未开会：城关镇第二党支部
· 没有书记：城关镇第二党支部
· 出勤率下降：城关镇第一党支部
· 建议超30天未答复：城关镇第一党支部
详细请私聊发送“后台”，下载报表发送“导出全县”。"""


RAW = "fixedcountyexport"


@pytest.fixture
def fixed(monkeypatch: pytest.MonkeyPatch):
    """Stable login tokens; 2026-11-20 10:00 Beijing."""
    monkeypatch.setattr(access, "new_token", lambda: RAW)
    with time_machine.travel(NOW, tick=False):
        yield


def _text(text: str) -> Message:
    return Message(MessageSegment.text(text))


def _numbers(sheet, name: str) -> list[object]:  # noqa: ANN001
    """The figures of the row whose first cell is `name`."""
    for row in sheet.iter_rows(min_row=4, values_only=True):
        if row[0] == name:
            return list(row[3:])
    raise AssertionError(f"no row {name}")


async def test_chat_page_and_workbook_agree(app: App, chat_db, fixed):
    """全县情况 and 导出 全县 from county staff in private chat; the link logs in and downloads the
    workbook; the page, the workbook and the chat carry the same figures, 合计 = Σ branches."""
    await seed_county(chat_db)
    chat_db.add(CountyStaff(platform="onebot", user_id=COUNTY_ID, name="王科长", added_by=SUPERUSER_ID))
    await chat_db.commit()
    await county.score(chat_db, text="东区 +4 读报坚持得好", operator="王科长")
    await chat_db.commit()
    token = report.sign(RAW, web.config.report_secret)
    async with app.test_matcher() as ctx:
        bot = onebot(ctx)
        event = private("全县情况", user_id=COUNTY_ID)
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, plain_message(SUMMARY), result=None)
        event = private("全县情况 明年底", user_id=COUNTY_ID)
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, plain_message(
            "没看懂时间“明年底”。可写：本月、上月、本季度、今年、2026-11、2026Q4、2026-10-01~2026-11-15。"
            "\n例如：全县情况 本月"), result=None)
        event = private("导出 全县 本月", user_id=COUNTY_ID)
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, plain_message(
            "全县报表（2026年11月）下载链接（10分钟内有效，只能用一次）：\n"
            f"http://127.0.0.1:8080/yinling/login/{token}\n请勿转发给他人。"), result=None)
    async with client() as http:
        entered = await follow(http, token)
        assert entered.headers["location"] == "/yinling/county/export?period=2026-11-01~2026-11-30"
        download = await http.get(entered.headers["location"])
        page = (await http.get("/yinling/?period=本月")).text
    assert download.status_code == 200
    book = load_workbook(BytesIO(download.content))
    assert book.sheetnames == [*(g.title for g in county.GROUPS), "支部考评"]
    ranking = [r for r in book["支部考评"].iter_rows(min_row=4, values_only=True)]
    assert ranking == [(1, "东区街道党支部", "东区片区", 4, 4, 0)]
    meetings = book["会议与出勤"]
    assert meetings["A1"].value == "全县离退休干部党支部会议与出勤情况"
    assert str(meetings["A2"].value).startswith("统计时间：2026年11月（2026-11-01至2026-11-30）")
    assert meetings.page_setup.orientation == "landscape" and meetings.page_setup.fitToWidth == 1
    assert meetings.print_title_rows == "$3:$3"
    names = [r[0] for r in meetings.iter_rows(min_row=4, values_only=True)]
    assert names == ["东区街道党支部", "东区片区 小计", "城关镇第一党支部", "城关镇第二党支部",
                     "城关片区 小计", "全县合计"]
    for group in county.GROUPS:
        sheet = book[group.title]
        branches = [_numbers(sheet, n) for n in ("东区街道党支部", "城关镇第一党支部", "城关镇第二党支部")]
        whole = _numbers(sheet, "全县合计")
        for i, column in enumerate(group.columns):
            if not column.rate:
                assert whole[i] == sum(b[i] or 0 for b in branches), (group.title, column.title)
    header = [c.value for c in meetings[3]]
    whole = dict(zip(header[3:], _numbers(meetings, "全县合计"), strict=True))
    assert (whole["应到"], whole["实到"], whole["会议次数"]) == (8, 5, 3)  # the chat's 5/8, 3次
    assert whole["出勤率"] == 5 / 8
    cards = re.findall(r'<div class="num">([^<]+)</div>', page)
    assert cards == ["3个", "8人", "62.5%", "4小时", "2条", "33.3%"]
    assert "城关镇第二党支部：本月还没有开过会" in page and "王五" not in page and "李四" not in page
