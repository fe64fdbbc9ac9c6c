"""我的兑换 (a member's own orders) and the secretary's private notice of a proposal."""

from datetime import UTC, datetime
from decimal import Decimal as D

import time_machine
from nonebot.adapters.onebot.v11 import ActionFailed, Message, MessageSegment
from nonebug import App
from sqlmodel import select

from db.models import PointsProposal
from domain import points
from tests.events import group_message, onebot, private_message
from tests.factories import SECRETARY_ID
from tests.plugins.points.test_matchers import COMMITTEE_ID, _branch, _give, _talk

NOV = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)


def txt(text: str) -> Message:
    """A reply as plain text segments."""
    return Message(MessageSegment.text(text))


@time_machine.travel(NOV, tick=False)
async def test_my_orders_pending_delivered_cancelled(app: App, chat_db) -> None:
    """我的兑换 lists only the caller's orders, newest first, with their state; also in private."""
    _, _, _, zhang, li = await _branch(chat_db)
    await _give(chat_db, zhang, "20")
    await _give(chat_db, li, "20")
    await _talk(app, (private_message("我的兑换"), txt("张三 还没有兑换过。发送“兑换列表”看看能换什么。")))
    cup = await points.add_item(chat_db, branch_id=zhang.branch_id, name="保温杯", cost=D(5), stock=None)
    tea = await points.add_item(chat_db, branch_id=zhang.branch_id, name="茶叶", cost=D(3), stock=None)
    first, _, _ = await points.redeem(chat_db, member=zhang, item_id=cup.id)
    second, _, _ = await points.redeem(chat_db, member=zhang, item_id=tea.id)
    await points.redeem(chat_db, member=li, item_id=tea.id)
    await points.redeem(chat_db, member=zhang, item_id=cup.id)
    await points.deliver(chat_db, branch_id=zhang.branch_id, order_id=first.id, by="王书记")
    await points.reverse(chat_db, branch_id=zhang.branch_id, entry_id=second.entry_id,
                              reason="兑换错了", operator=None, operator_name="王书记")
    await chat_db.commit()
    mine = txt("【张三 的兑换】最近3单\n#4 保温杯 5分 11月20日 待发放\n"
               "#2 茶叶 3分 11月20日 已取消（积分已退回）\n#1 保温杯 5分 11月20日 已发放（11月20日）")
    await _talk(app, (private_message("我的兑换"), mine), (group_message("我的订单"), mine))


async def test_proposal_notice_that_cannot_be_delivered(app: App, chat_db) -> None:
    """QQ refuses a private message to a non-friend: the proposal stands and the committee is told."""
    await _branch(chat_db)
    async with app.test_matcher() as ctx:
        bot = onebot(ctx)
        event = group_message("加分 张三 2 帮忙", user_id=COMMITTEE_ID)
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, txt(  # the reply, then (after the commit) the notice
            "已提交申请#1：为 张三 加分2分（帮忙）。\n等待支部书记发送“批准 #1”或“驳回 #1 原因”。"), result=None)
        ctx.should_call_api("send_private_msg", {"user_id": int(SECRETARY_ID), "message": txt(
            "【待批积分申请#1】赵委员提议为 张三 加分2分（帮忙）。\n批准请发送：批准 #1\n驳回请发送：驳回 #1 原因")},
            result=None, exception=ActionFailed(retcode=100, msg="not a friend"))
    assert [p.status for p in (await chat_db.exec(select(PointsProposal))).all()] == ["pending"]


@time_machine.travel(NOV, tick=False)
async def test_commands_without_a_number_show_the_list(app: App, chat_db) -> None:
    """兑换 / 下架 alone show the catalogue, 发放 alone the pending orders (numbers to type back)."""
    _, _, _, zhang, _ = await _branch(chat_db)
    await _give(chat_db, zhang, "12")
    await points.add_item(chat_db, branch_id=zhang.branch_id, name="保温杯", cost=D(5), stock=2)
    await chat_db.commit()
    listing = "【兑换列表】\n#1 保温杯 5分（剩2件）"
    await _talk(
        app,
        (private_message("兑换"), txt(f"{listing}\n您本年度积分12分。兑换请发送：兑换 #3")),
        (group_message("下架", user_id=SECRETARY_ID), txt(f"{listing}\n下架请发送：下架 #3")),
        (group_message("发放", user_id=SECRETARY_ID), txt("目前没有待发放的兑换订单。")),
    )
    await points.add_item(chat_db, branch_id=zhang.branch_id, name="茶叶", cost=D(3), stock=1)
    await points.redeem(chat_db, member=zhang, item_id=2)
    await chat_db.commit()
    await _talk(app, (private_message("兑换列表"), txt(
        f"{listing}\n#2 茶叶 3分（已兑完）\n您本年度积分9分。兑换请发送：兑换 #3")))
