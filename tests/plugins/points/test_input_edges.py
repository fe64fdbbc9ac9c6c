"""Bad or unusual input found in review: each gets a clear reply and changes nothing."""

from decimal import Decimal

import pytest
from nonebot.adapters.onebot.v11 import Message, MessageSegment
from nonebug import App
from sqlmodel import select

from core.errors import InvalidInput
from db.models import CatalogueItem, LedgerEntry
from plugins.points.parse import parse_amount_reason, parse_listing
from tests.events import group_message, private_message
from tests.factories import SECRETARY_ID
from tests.plugins.points.test_matchers import _branch, _talk

D = Decimal


def txt(text: str) -> Message:
    """A reply as plain text segments."""
    return Message(MessageSegment.text(text))


@pytest.mark.parametrize("text", ["茶杯 5 1.5", "茶杯 5 0", "茶杯 5 -1"])
def test_listing_with_a_bad_stock_is_refused_not_misread(text: str) -> None:
    """A stock that is not a whole number is refused, never read as the cost with the cost in the name."""
    with pytest.raises(InvalidInput) as refused:
        parse_listing(text)
    assert refused.value.reply.startswith("库存须是1到100000之间的整数")


def test_listing_forms() -> None:
    """Full-width digits, a unit after the stock, a name with spaces, no stock."""
    assert parse_listing("茶杯 ５ １") == ("茶杯", D(5), 1)
    assert parse_listing("茶杯 5分 2件") == ("茶杯", D(5), 2)
    assert parse_listing("理发 服务 10") == ("理发 服务", D(10), None)
    assert parse_listing("保温杯 30") == ("保温杯", D(30), None)
    assert parse_listing("保温杯 30 五") == ("保温杯", D(30), 5)


def test_amount_with_a_separate_fen() -> None:
    """'5 分 原因' (分 typed apart): the 分 is not part of the reason; '5 分享经验' keeps its reason."""
    low, high = D(1), D(20)
    assert parse_amount_reason("5 分 协助清扫", low=low, high=high, example="x") == (
        D(5), "协助清扫")
    assert parse_amount_reason("5 分享经验", low=low, high=high, example="x") == (
        D(5), "分享经验")
    with pytest.raises(InvalidInput):
        parse_amount_reason("5 分", low=low, high=high, example="x")


@pytest.mark.parametrize(("text", "reply"), [
    ("兑换 #99999999999999999999", "兑换列表里没有#99999999999999999999。发送“兑换列表”查看可兑换的物品。\n例如：兑换 #3"),
    ("兑换 #abc", "没看懂物品编号“#abc”，请写数字编号。\n例如：兑换 #3"),
])
async def test_redeem_unknown_or_huge_number(app: App, chat_db, text: str, reply: str) -> None:
    """A number past any id (past the database's integer range too) is simply not found."""
    await _branch(chat_db)
    await _talk(app, (private_message(text), txt(reply)))


@pytest.mark.parametrize(("text", "reply"), [
    ("发放 #99999999999999999999", "没有订单#99999999999999999999。发送“兑换记录”查看待发放的订单。\n例如：发放 #5"),
    ("发放 #999", "没有订单#999。发送“兑换记录”查看待发放的订单。\n例如：发放 #5"),
    ("冲正 #99999999999999999999 错了", "本支部没有流水号#99999999999999999999。可让成员发送“积分明细”查看流水号。\n"
                           "例如：冲正 #12 重复录入"),
    ("批准 #99999999999999999999", "没有待批的积分申请#99999999999999999999。发送“批准”可查看待批列表。\n例如：批准 #3"),
    ("下架 #99999999999999999999", "兑换列表里没有#99999999999999999999。发送“兑换列表”查看可兑换的物品。\n例如：兑换 #3"),
    ("上架 茶杯 -5", "分数要大于0。\n例如：上架 保温杯 30 5"),
])
async def test_secretary_bad_numbers(app: App, chat_db, text: str, reply: str) -> None:
    """Unknown and out-of-range numbers in secretary commands: a clear reply, nothing written."""
    await _branch(chat_db)
    await _talk(app, (group_message(text, user_id=SECRETARY_ID), txt(reply)))
    assert (await chat_db.exec(select(LedgerEntry))).all() == []
    assert (await chat_db.exec(select(CatalogueItem))).all() == []
