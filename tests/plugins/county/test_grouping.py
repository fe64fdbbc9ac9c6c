"""片区 and 行业 as a superuser sets them: in chat, and on the county page; the page filters by them."""

import time_machine
from nonebug import App
from sqlmodel import select

from db.models import Branch
from tests.domain.county.seed import NOW, seed_county
from tests.events import group_message, onebot, plain_message
from tests.events import private_message as private
from tests.factories import SUPERUSER_ID
from tests.plugins.report.helpers import client, csrf_of, follow, make_token


async def test_area_and_sector_in_chat(app: App, chat_db):
    """设置片区 by part of a name, 设置行业, a bad one refused with one example."""
    await seed_county(chat_db)
    async with app.test_matcher() as ctx:
        bot = onebot(ctx)
        event = private("设置片区 第二 东区片区", user_id=SUPERUSER_ID)
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, plain_message("“城关镇第二党支部”的片区：东区片区。"), result=None)
        event = group_message("设置行业 东区街道 无", user_id=SUPERUSER_ID, group_id=20013)
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, plain_message("“东区街道党支部”的行业：未分行业。"), result=None)
        event = private("设置片区 城关镇 西区", user_id=SUPERUSER_ID)
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, plain_message(
            "名字里有“城关镇”的支部不止一个，请写全名。\n例如：设置片区 第一支部 城关片区"), result=None)
    rows = {b.name: (b.area, b.sector) for b in (await chat_db.exec(select(Branch))).all()}
    assert rows["城关镇第二党支部"] == ("东区片区", "教育系统")
    assert rows["东区街道党支部"] == ("东区片区", None)


async def test_superuser_sets_grouping_on_the_page_and_filters(session):
    """The page's form (CSRF) moves a branch to another 片区; the 行业 filter keeps its branches."""
    with time_machine.travel(NOW, tick=False):
        seeded = await seed_county(session)
        async with client() as http:
            assert (await follow(http, await make_token(branch_id=None, user_id=SUPERUSER_ID))
                    ).status_code == 303
            page = await http.get("/yinling/")
            assert "设置支部的片区和行业" in page.text
            saved = await http.post("/yinling/county/group", data={
                "csrf": csrf_of(page.text), "branch": str(seeded.b.id), "area": "西区片区", "sector": ""})
            assert saved.status_code == 303
            refused = await http.post("/yinling/county/group", data={
                "csrf": "wrong", "branch": str(seeded.a.id), "area": "西区片区"})
            assert refused.status_code == 403
            filtered = (await http.get("/yinling/", params={"sector": "机关"})).text
    await session.refresh(seeded.b)
    await session.refresh(seeded.a)
    assert (seeded.b.area, seeded.b.sector, seeded.a.area) == ("西区片区", "教育系统", "城关片区")
    assert "城关镇第一党支部" in filtered and "东区街道党支部" in filtered
    assert "城关镇第二党支部" not in filtered and "机关，2026年11月" in filtered
