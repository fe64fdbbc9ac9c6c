"""Points commands as members type them, through nonebug: exact replies and resulting rows."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
import time_machine
from nonebot.adapters.onebot.v11 import Message, MessageSegment
from nonebug import App
from sqlmodel import select

from core.roles import Role
from db.models import (
    CatalogueItem,
    LedgerEntry,
    LedgerKind,
    PointsProposal,
    PointsRule,
    QuarterPublication,
    RedemptionOrder,
)
from domain import points
from tests.events import group_message, onebot, private_message
from tests.factories import MEMBER_ID, SECRETARY_ID, make_branch, make_member

D = Decimal
NOV = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
COMMITTEE_ID = "10003"


def txt(text: str) -> Message:
    """A reply as plain text segments."""
    return Message(MessageSegment.text(text))


async def _branch(db):  # noqa: ANN001, ANN202
    branch = await make_branch(db)
    secretary = await make_member(db, branch, "王书记", user_id=SECRETARY_ID, role=Role.SECRETARY)
    committee = await make_member(db, branch, "赵委员", user_id=COMMITTEE_ID, role=Role.COMMITTEE)
    zhang = await make_member(db, branch, "张三", user_id=MEMBER_ID)
    li = await make_member(db, branch, "李四")
    return branch, secretary, committee, zhang, li


async def _give(db, member, delta: str, kind=LedgerKind.STUDY, reason="学习签到") -> LedgerEntry:  # noqa: ANN001
    entry = await points.award(db, member=member, delta=D(delta), kind=kind, reason=reason)
    await db.commit()
    return entry


async def _talk(app: App, *pairs: tuple) -> None:
    """Send each event and expect its exact reply (None: no reply)."""
    async with app.test_matcher() as ctx:
        bot = onebot(ctx)
        for event, reply in pairs:
            ctx.receive_event(bot, event)
            if reply is not None:
                ctx.should_call_send(event, reply, result=None)


@time_machine.travel(NOV, tick=False)
async def test_my_points_breakdown_and_rank(app: App, chat_db) -> None:
    """积分: balance, breakdown by kind, 第N名/共M人; also 我的积分 and in private chat."""
    _, _, _, zhang, li = await _branch(chat_db)
    await _give(chat_db, zhang, "4")
    await _give(chat_db, zhang, "3", LedgerKind.VOLUNTEER, "志愿服务")
    await _give(chat_db, zhang, "-1", LedgerKind.PENALTY, "缺席")
    await _give(chat_db, li, "9")
    expected = txt("张三 2026年度积分：6分\n其中：学习+4，志愿+3，扣分-1\n支部排名：第2名/共4人")
    await _talk(app, (group_message("积分"), expected), (group_message("／我的积分"), expected),
                (private_message("积分"), expected), (group_message("积分表在哪里"), None))


@time_machine.travel(NOV, tick=False)
async def test_points_of_another_member_for_committee_and_up(app: App, chat_db) -> None:
    """积分 李四 (no QQ) / 查积分 @张三: a committee member is answered privately in a group and
    directly in private chat; a member is refused; a sentence glued to 积分 is nothing."""
    _, _, _, zhang, li = await _branch(chat_db)
    await _give(chat_db, li, "9")
    li_points = "李四 2026年度积分：9分\n其中：学习+9\n支部排名：第1名/共4人"
    async with app.test_matcher() as ctx:
        bot = onebot(ctx)
        event = group_message("积分 李四", user_id=COMMITTEE_ID)
        ctx.receive_event(bot, event)
        ctx.should_call_api("send_private_msg", {"user_id": int(COMMITTEE_ID), "message": txt(li_points)},
                            result=None)
        event = group_message(Message([MessageSegment.text("查积分 "), MessageSegment.at(MEMBER_ID)]),
                              user_id=SECRETARY_ID)
        ctx.receive_event(bot, event)
        ctx.should_call_api("send_private_msg", {"user_id": int(SECRETARY_ID), "message": txt(
            "张三 2026年度积分：0分\n支部排名：第2名/共4人")}, result=None)
    await _talk(app, (private_message("积分 李四", user_id=COMMITTEE_ID), txt(li_points)),
                (group_message("积分 李四"), txt("查看或处理别人的记录需要支委委员或以上身份。")),
                (group_message("积分 王五", user_id=SECRETARY_ID),
                 txt("本支部没有叫“王五”的成员。可发送“成员列表”查看。\n例如：积分 张三")),
                (group_message("积分高的人有奖励", user_id=SECRETARY_ID), None),
                (group_message("积分李四", user_id=SECRETARY_ID), None))


@time_machine.travel(NOV, tick=False)
async def test_history_and_ranking(app: App, chat_db) -> None:
    """积分明细 lists 流水号; 积分排行 shows the top and the quarter variant."""
    _, _, _, zhang, li = await _branch(chat_db)
    first = await _give(chat_db, zhang, "2")
    await _give(chat_db, li, "5", LedgerKind.BONUS, "协助清扫")
    await _talk(
        app,
        (private_message("积分明细"), txt(
            f"【张三 积分明细】最近1条\n#{first.id} 11月20日 +2 学习签到\n"
            "有疑问请找支部书记，说明流水号（如 #12）。")),
        (group_message("积分排行"), txt(
            "【积分排行·2026年】共4人\n1. 李四 5分\n2. 张三 2分\n3. 王书记 0分\n3. 赵委员 0分")),
        (group_message("积分排行 本季度"), txt(
            "【积分排行·2026Q4】共4人\n1. 李四 5分\n2. 张三 2分\n3. 王书记 0分\n3. 赵委员 0分")),
        (group_message("积分排行 去年"), txt("没看懂“去年”，可写“本季度”或“本年”。\n"
                                             "例如：积分排行 本季度")),
    )


@time_machine.travel(NOV, tick=False)
async def test_secretary_bonus_is_immediate(app: App, chat_db) -> None:
    """加分 by the secretary writes the entry now and confirms with the numbers (@ works too)."""
    _, _, _, zhang, _ = await _branch(chat_db)
    at = Message("扣分 ") + MessageSegment.at(int(MEMBER_ID)) + " 1.5 无故缺席"
    await _talk(
        app,
        (group_message("加分 张三 ５分 协助社区清扫", user_id=SECRETARY_ID), txt(
            "已为 张三 加分5分（协助社区清扫），流水号#1。张三 本年度积分5分。")),
        (group_message(at, user_id=SECRETARY_ID), txt(
            "已为 张三 扣分1.5分（无故缺席），流水号#2。张三 本年度积分3.5分。")),
    )
    rows = (await chat_db.exec(select(LedgerEntry).order_by(LedgerEntry.id))).all()
    assert [(e.delta, e.kind, e.operator_name, e.source) for e in rows] == [
        (D(5), LedgerKind.BONUS, "王书记", "manual"), (D("-1.5"), LedgerKind.PENALTY, "王书记", "manual")]


@pytest.mark.parametrize(("text", "reply"), [
    ("加分 张三 abc 协助", "分数“abc”不是数字。"),
    ("加分 张三 -5 协助", "分数要大于0。"),
    ("加分 张三 0 协助", "分数要大于0。"),
    ("加分 张三 1.25 协助", "分数最小单位是0.5分。"),
    ("加分 张三 100000000 协助", "每次分数须在1到20分之间。"),
    ("加分 张三 5", "请写上原因。"),
    ("加分", "请写上成员姓名（或@他）、分数和原因。"),
    ("加分 孙七 5 协助", "本支部没有叫“孙七”的成员。可发送“成员列表”查看。"),
    ("加分 周八 5 协助", "本支部没有叫“周八”的成员。可发送“成员列表”查看。"),
])
async def test_bad_adjustments_change_nothing(app: App, chat_db, text: str, reply: str) -> None:
    """Bad amounts, missing reasons, unknown members and other branches' members: nothing written."""
    branch, *_ = await _branch(chat_db)
    other = await make_branch(chat_db, "第二支部", group_id=None)
    await make_member(chat_db, other, "周八")
    del branch
    await _talk(app, (group_message(text, user_id=SECRETARY_ID),
                      txt(f"{reply}\n例如：加分 张三 5 协助社区清扫")))
    assert (await chat_db.exec(select(LedgerEntry))).all() == []


async def test_member_cannot_add_points(app: App, chat_db) -> None:
    """A plain member is refused with the role needed."""
    await _branch(chat_db)
    await _talk(app, (group_message("加分 李四 5 帮忙"),
                      txt("这条命令需要支委委员或以上身份，您当前是党员。")))
    assert (await chat_db.exec(select(PointsProposal))).all() == []


@time_machine.travel(NOV, tick=False)
async def test_committee_proposes_secretary_approves_or_rejects(app: App, chat_db) -> None:
    """委员 加分 → 申请, the secretary told privately; 批准 lists and approves; 驳回 needs a reason."""
    await _branch(chat_db)
    async with app.test_matcher() as ctx:
        bot = onebot(ctx)
        for i, (text, notice, reply) in enumerate([
            ("加分 张三 3 组织学习", "赵委员提议为 张三 加分3分（组织学习）",
             "已提交申请#1：为 张三 加分3分（组织学习）。"),
            ("扣分 李四 2 缺席", "赵委员提议为 李四 扣分2分（缺席）", "已提交申请#2：为 李四 扣分2分（缺席）。"),
        ], start=1):
            event = group_message(text, user_id=COMMITTEE_ID)
            ctx.receive_event(bot, event)
            ctx.should_call_send(event, txt(  # the reply, then (after the commit) the notice
                f"{reply}\n等待支部书记发送“批准 #{i}”或“驳回 #{i} 原因”。"), result=None)
            ctx.should_call_api("send_private_msg", {"user_id": int(SECRETARY_ID), "message": txt(
                f"【待批积分申请#{i}】{notice}。\n批准请发送：批准 #{i}\n驳回请发送：驳回 #{i} 原因")},
                result={"message_id": i})
    await _talk(
        app,
        (group_message("批准", user_id=SECRETARY_ID), txt(
            "【待批积分申请】共2条\n#1 张三 +3分 组织学习（赵委员提议）\n#2 李四 -2分 缺席（赵委员提议）\n"
            "批准：批准 #3　驳回：驳回 #3 已在上次计分")),
        (group_message("批准 1号", user_id=SECRETARY_ID), txt(
            "已批准申请#1：张三 加分3分（组织学习），流水号#1。张三 本年度积分3分。")),
        (group_message("批准 #1", user_id=SECRETARY_ID), txt("积分申请#1 已经批准过了。")),
        (group_message("驳回 #2", user_id=SECRETARY_ID), txt("请写上原因。\n例如：驳回 #3 已在上次计分")),
        (group_message("驳回 ＃２ 已请假", user_id=SECRETARY_ID), txt(
            "已驳回申请#2（李四 扣分2分）：已请假。")),
    )
    rows = (await chat_db.exec(select(LedgerEntry))).all()
    assert [(e.delta, e.reason, e.source) for e in rows] == [
        (D(3), "组织学习（赵委员提议，王书记批准）", "proposal:1")]


@time_machine.travel(NOV, tick=False)
async def test_reverse_and_rules(app: App, chat_db) -> None:
    """冲正 adds a reversing entry; 积分规则 / 设置积分规则 show and change the branch's rules."""
    _, _, _, zhang, _ = await _branch(chat_db)
    entry = await _give(chat_db, zhang, "2")
    await _talk(
        app,
        (group_message(f"冲正 #{entry.id} 重复录入", user_id=SECRETARY_ID), txt(
            "已冲正#1（张三 +2 学习签到），新流水号#2 -2，记入2026Q4。张三 本年度积分0分。")),
        (group_message("冲正 #1", user_id=SECRETARY_ID), txt("请写上原因。\n例如：冲正 #12 重复录入")),
        (group_message("设置积分规则 按时签到 3 迟到 0", user_id=SECRETARY_ID), txt(
            "已修改积分规则：学习按时签到 3分，学习迟到签到 0分（不再计分）。")),
        (group_message("积分规则"), txt(
            "【本支部积分规则】\n学习按时签到：3分（已调整）\n学习迟到签到：0分（已调整）\n"
            "志愿服务每项：2分\n志愿服务每小时：1分\n建议被采纳：3分\n"
            "书记可修改，例如：设置积分规则 按时签到 3 迟到 1")),
        (group_message("设置积分规则 按时签到 3", user_id=MEMBER_ID), txt(
            "这条命令需要支部书记或以上身份，您当前是党员。")),
    )
    rules = (await chat_db.exec(select(PointsRule.key, PointsRule.value))).all()
    assert sorted((k, D(str(v))) for k, v in rules) == [("signin_late", D(0)), ("signin_on_time", D(3))]


async def test_quarterly_publication_and_closing(app: App, chat_db) -> None:
    """积分公示 posts the sorted list and deadline; after it the quarter is shown as settled."""
    _, _, _, zhang, li = await _branch(chat_db)
    with time_machine.travel(datetime(2026, 9, 1, 2, tzinfo=UTC), tick=False):
        await _give(chat_db, zhang, "4")
        await _give(chat_db, li, "6")
    listing = "【2026Q3 积分公示】城关镇离退休干部第一党支部\n1. 李四 6分\n2. 张三 4分\n3. 王书记 0分\n3. 赵委员 0分\n"
    with time_machine.travel(datetime(2026, 10, 8, 2, tzinfo=UTC), tick=False):
        await _talk(app, (group_message("积分公示", user_id=SECRETARY_ID), txt(
            listing + "如有异议，请于10月15日24时前向支部书记提出；逾期本季度结算，不再更改。")),
            (private_message("积分公示", user_id=SECRETARY_ID), txt(
                "“积分公示”请在支部群里发送，让大家都能看到。")))
    with time_machine.travel(datetime(2026, 10, 20, 2, tzinfo=UTC), tick=False):
        await _talk(app, (group_message("积分公示 2026Q3", user_id=SECRETARY_ID), txt(
            listing + "异议期已于10月15日结束，本季度已结算，结果不再更改。")),
            (group_message("积分公示 2027Q1", user_id=SECRETARY_ID), txt(
                "2027Q1 还没到，不能公示。\n例如：积分公示 2026Q4")))
    row = (await chat_db.exec(select(QuarterPublication))).one()
    assert row.closes_at == datetime(2026, 10, 15, 16, tzinfo=UTC)


@time_machine.travel(NOV, tick=False)
async def test_catalogue_redeem_and_deliver(app: App, chat_db) -> None:
    """上架, 兑换列表, 兑换 (also in private), 积分不足, 兑换记录, 发放, 下架."""
    _, _, _, zhang, _ = await _branch(chat_db)
    await _give(chat_db, zhang, "12")
    await _talk(
        app,
        (group_message("上架 保温杯 5 1", user_id=SECRETARY_ID), txt("已上架 #1 保温杯 5分（剩1件）。")),
        (group_message("上架 理发服务 10", user_id=SECRETARY_ID), txt("已上架 #2 理发服务 10分（不限量）。")),
        (private_message("兑换列表"), txt(
            "【兑换列表】\n#1 保温杯 5分（剩1件）\n#2 理发服务 10分（不限量）\n"
            "您本年度积分12分。兑换请发送：兑换 #3")),
        (private_message("兑换 1号"), txt(
            "兑换成功：保温杯（5分），订单#1。\n本年度剩余积分7分。请等支部书记发放。")),
        (group_message("兑换 #1"), txt("#1 保温杯 已经兑完了。")),
        (group_message("兑换 #2"), txt("积分不足：理发服务 需要10分，您本年度积分7分。")),
        (group_message("兑换 茶叶"), txt("没看懂物品编号“茶叶”，请写数字编号。\n例如：兑换 #3")),
        (group_message("兑换记录", user_id=SECRETARY_ID), txt(
            "【待发放订单】共1单\n#1 张三 保温杯 5分 11月20日\n发放后请发送：发放 #5")),
        (group_message("发放 #1", user_id=SECRETARY_ID), txt("订单#1 已发放：张三 保温杯。")),
        (group_message("发放 #1", user_id=SECRETARY_ID), txt("订单#1 已经发放过了。")),
        (group_message("下架 #2", user_id=SECRETARY_ID), txt("已下架 #2 理发服务。已兑换的订单照常发放。")),
        (group_message("兑换记录", user_id=SECRETARY_ID), txt("目前没有待发放的兑换订单。")),
    )
    items = (await chat_db.exec(select(CatalogueItem.stock, CatalogueItem.active))).all()
    assert [tuple(i) for i in items] == [(0, True), (None, False)]
    orders = (await chat_db.exec(select(RedemptionOrder.status))).all()
    assert orders == ["delivered"]
    assert await points.balance(chat_db, zhang.id) == D(7)


async def test_new_year_in_beijing(app: App, chat_db) -> None:
    """At 2026-12-31 16:00 UTC it is 1 January 2027 in Beijing: 积分 shows the new, empty cycle."""
    _, _, _, zhang, _ = await _branch(chat_db)
    with time_machine.travel(datetime(2026, 12, 31, 15, 59, tzinfo=UTC), tick=False):
        await _give(chat_db, zhang, "8")
        await _talk(app, (group_message("积分"), txt(
            "张三 2026年度积分：8分\n其中：学习+8\n支部排名：第1名/共4人")))
    with time_machine.travel(datetime(2026, 12, 31, 16, 0, tzinfo=UTC), tick=False):
        await _talk(app, (group_message("积分"), txt("张三 2027年度积分：0分\n支部排名：第1名/共4人")),
                    (group_message("兑换 列表"), txt("兑换列表还是空的。书记可以上架物品，例如：上架 保温杯 30 5")))


async def test_guests_and_roles_are_refused(app: App, chat_db) -> None:
    """Not yet 报到: asked to 报到; a member cannot 冲正; two @ in one 加分 are refused."""
    await _branch(chat_db)
    two = Message("加分 ") + MessageSegment.at(int(MEMBER_ID)) + MessageSegment.at(int(COMMITTEE_ID)) + " 2 帮忙"
    await _talk(
        app,
        (group_message("积分", user_id="10999"), txt("您还没有报到。请先发送：报到 您的姓名\n例如：报到 张三")),
        (private_message("兑换 #1", user_id="10999"), txt(
            "请先在支部群里发送“报到 姓名”，之后才能私聊使用。\n例如：报到 张三")),
        (group_message("冲正 #1 错了"), txt("这条命令需要支部书记或以上身份，您当前是党员。")),
        (group_message(two, user_id=SECRETARY_ID), txt(
            "一次只能给一位成员加分或扣分，请分开发送。\n例如：加分 张三 5 协助社区清扫")),
    )
    assert (await chat_db.exec(select(LedgerEntry))).all() == []
