"""支部评分, 支部评分冲正 and 支部排名 as county staff type them privately; a secretary is refused."""

import time_machine
from nonebug import App

from db.models import CountyStaff
from tests.domain.county.seed import COUNTY_ID, NOW, seed_county
from tests.events import onebot, plain_message
from tests.events import private_message as private
from tests.factories import SUPERUSER_ID


async def test_score_reverse_and_rank(app: App, chat_db):
    """Scores with their entry number and the quarter's total; a reversal; the ranking."""
    await seed_county(chat_db)
    chat_db.add(CountyStaff(platform="onebot", user_id=COUNTY_ID, name="王科长", added_by=SUPERUSER_ID))
    await chat_db.commit()
    with time_machine.travel(NOW, tick=False):
        async with app.test_matcher() as ctx:
            bot = onebot(ctx)
            for text, reply in [
                ("支部评分 城关镇第一 +5 主题党日有特色",
                 "已记录#1：城关镇第一党支部 +5分（主题党日有特色），2026Q4合计5分。"),
                ("支部评分 东区 -2 会议记录不全", "已记录#2：东区街道党支部 -2分（会议记录不全），2026Q4合计-2分。"),
                ("支部评分冲正 #2", "已记录#3：东区街道党支部 +2分（冲正#2：会议记录不全），2026Q4合计0分。"),
                ("支部排名", "【支部评分排名】2026年第四季度\n1. 城关镇第一党支部 5分（加5，减0）\n"
                            "2. 东区街道党支部 0分（加2，减2）"),
            ]:
                event = private(text, user_id=COUNTY_ID)
                ctx.receive_event(bot, event)
                ctx.should_call_send(event, plain_message(reply), result=None)
            event = private("支部评分 东区 +9 好", user_id="10101")  # a branch secretary
            ctx.receive_event(bot, event)
            ctx.should_call_send(event, plain_message(
                "这条命令需要管理员或县级管理员身份，您当前是支部书记。"), result=None)
