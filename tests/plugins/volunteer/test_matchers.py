"""Volunteer commands as members and secretaries type them, through nonebug."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from nonebot.adapters.onebot.v11 import Message, MessageSegment
from nonebug import App
from sqlmodel import col, select

from core.roles import Role
from db.models import Claim, HealthCategory, LedgerEntry, Member, Need, NeedStatus
from tests.events import group_message, onebot, private_message
from tests.factories import GROUP_ID, MEMBER_ID, SECRETARY_ID, make_branch, make_member

NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)  # Wednesday 10:00 Beijing
START = datetime(2026, 11, 28, 1, 0, tzinfo=UTC)  # Saturday 09:00 Beijing
POST = "发布需求 文明劝导 11月28日9:00-11:00 枣行社区 {}人 2分"
POSTED = ("已发布志愿服务需求 #1\n文明劝导\n时间：11月28日（周六）09:00-11:00\n地点：枣行社区\n"
          "名额：{}人，每人2分，适合正常活动\n认领请发送：认领 #1")
WHEN = "时间：11月28日（周六）09:00-11:00\n地点：枣行社区"


def text(value: str) -> Message:
    """A reply as the plugin sends it: one plain text segment."""
    return Message(MessageSegment.text(value))


def notice(value: str, *user_ids: str) -> Message:
    """A group notification as bot.send.send_group builds it: @s first, then the text."""
    message = Message()
    for user_id in user_ids:
        message += MessageSegment.at(user_id)
        message += MessageSegment.text(" ")
    return message + MessageSegment.text(value)


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


async def _branch(chat_db):
    """A bound branch with 王书记 (secretary), 张三 (member, MEMBER_ID)."""
    branch = await make_branch(chat_db)
    await make_member(chat_db, branch, "王书记", user_id=SECRETARY_ID, role=Role.SECRETARY)
    await make_member(chat_db, branch, "张三", user_id=MEMBER_ID)
    return branch


async def _post(app: App, capacity: int = 2) -> None:
    async with app.test_matcher() as ctx:
        bot = onebot(ctx)
        event = group_message(POST.format(capacity), user_id=SECRETARY_ID)
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, text(POSTED.format(capacity)), result=None)


async def _claim_all(app: App, people: list[tuple[str, str]], capacity: int) -> None:
    """(user id, name) claim #1 in turn; places first, then the waitlist."""
    async with app.test_matcher() as ctx:
        bot = onebot(ctx)
        for i, (user_id, name) in enumerate(people, 1):
            event = group_message("认领1", user_id=user_id)
            ctx.receive_event(bot, event)
            reply = (f"{name} 认领成功：#1 文明劝导（{i}/{capacity}）\n{WHEN}" if i <= capacity else
                     f"#1 文明劝导 名额已满（{capacity}/{capacity}），已为您登记候补第{i - capacity}位。"
                     "有人取消时会按顺序递补并@通知您。")
            ctx.should_call_send(event, text(reply), result=None)


async def _claims(chat_db) -> list[tuple[str, str]]:
    chat_db.expire_all()
    stmt = (select(Member.name, Claim.status).join(Claim, col(Claim.member_id) == col(Member.id))
            .order_by(col(Claim.queued_at), col(Claim.id)))
    rows = [(n, s) for n, s in (await chat_db.exec(stmt)).all()]
    await chat_db.commit()  # release SQLite's write lock (BEGIN IMMEDIATE) before the next command
    return rows


async def test_post_one_line(app: App, chat_db):
    """The issue's one-line example posts #1 and echoes what was understood."""
    branch = await _branch(chat_db)
    await _post(app)
    need = (await chat_db.exec(select(Need))).one()
    assert (need.branch_id, need.title, need.starts_at, need.capacity, need.points_per_person,
            need.created_by) == (branch.id, "文明劝导", START, 2, Decimal("2"), 1)


async def test_post_multi_line_form_and_missing_field(app: App, chat_db):
    """The multi-line form with full-width colons; a missing line is named with an example."""
    await _branch(chat_db)
    form = ("发布需求\n标题：社区文明劝导\n时间：11月28日 9:00-11:00\n地点：枣行社区\n名额：5\n"
            "积分：每小时1分\n适合：不限\n说明：穿红马甲")
    async with app.test_matcher() as ctx:
        bot = onebot(ctx)
        event = group_message(form, user_id=SECRETARY_ID)
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, text(
            "已发布志愿服务需求 #1\n社区文明劝导\n时间：11月28日（周六）09:00-11:00\n地点：枣行社区\n"
            "名额：5人，每小时1分，适合不限\n说明：穿红马甲\n认领请发送：认领 #1"), result=None)
        event = group_message("发布需求\n标题：清扫\n时间：11月29日 9:00-10:00\n名额：3",
                              user_id=SECRETARY_ID)
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, text("缺少“地点”，请补上这一行。\n例如：地点：枣行社区"),
                             result=None)
    needs = (await chat_db.exec(select(Need.title, Need.suits, Need.points_per_hour))).all()
    assert [tuple(n) for n in needs] == [("社区文明劝导", "any", Decimal("1"))]


async def test_member_cannot_post(app: App, chat_db):
    """发布需求 needs a committee member or the secretary."""
    await _branch(chat_db)
    async with app.test_matcher() as ctx:
        bot = onebot(ctx)
        event = group_message(POST)
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, text("这条命令需要支委委员或以上身份，您当前是党员。"), result=None)
    assert (await chat_db.exec(select(Need))).all() == []


async def test_claim_forms_waitlist_and_chat_sentence(app: App, chat_db):
    """认领#1 / 认领 1号 / 认领三号 all claim; when full the reply gives the waitlist position."""
    branch = await _branch(chat_db)
    await make_member(chat_db, branch, "李四", user_id="10004")
    await make_member(chat_db, branch, "赵六", user_id="10006")
    await _post(app)
    async with app.test_matcher() as ctx:
        bot = onebot(ctx)
        ctx.receive_event(bot, group_message("认领的人多吗"))  # chat, no reply
        for wrong in ("认领 abc", "认领　张三"):  # set apart by a space: meant as a command
            event = group_message(wrong)
            ctx.receive_event(bot, event)
            ctx.should_call_send(event, text("请写上需求编号。\n例如：认领 #3"), result=None)
        event = group_message("认领#1")
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, text(
            "张三 认领成功：#1 文明劝导（1/2）\n时间：11月28日（周六）09:00-11:00\n地点：枣行社区"),
            result=None)
        event = group_message("／认领　１号")
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, text("张三 已经认领了#1 文明劝导，无需重复认领（1/2）。"),
                             result=None)
        event = group_message("认领 1号", user_id="10004")
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, text(
            "李四 认领成功：#1 文明劝导（2/2）\n时间：11月28日（周六）09:00-11:00\n地点：枣行社区"),
            result=None)
        event = group_message("认领一号", user_id="10006")
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, text(
            "#1 文明劝导 名额已满（2/2），已为您登记候补第1位。有人取消时会按顺序递补并@通知您。"),
            result=None)
    assert await _claims(chat_db) == [("张三", "claimed"), ("李四", "claimed"), ("赵六", "waitlist")]


async def test_list_marks_suitable_and_category_refusal(app: App, chat_db):
    """需求列表 stars what suits a 适当参加 member; claiming a 正常活动 need is refused with why."""
    branch = await _branch(chat_db)
    await make_member(chat_db, branch, "李四", user_id="10004", category=HealthCategory.LIMITED)
    await _post(app)
    async with app.test_matcher() as ctx:
        bot = onebot(ctx)
        event = group_message("发布需求 电话回访 11月29日14:00-15:00 活动室 3人 适合适当参加",
                              user_id=SECRETARY_ID)
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, text(
            "已发布志愿服务需求 #2\n电话回访\n时间：11月29日（周日）14:00-15:00\n地点：活动室\n"
            "名额：3人，每人2分，适合适当参加\n认领请发送：认领 #2"), result=None)
        event = private_message("需求列表", user_id="10004")  # the stars privately only
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, text(
            "【志愿服务需求】★为适合您的\n"
            "#1 文明劝导\n  11月28日（周六）09:00-11:00，枣行社区\n  已认领0/2人，适合正常活动，每人2分\n"
            "#2 电话回访 ★\n  11月29日（周日）14:00-15:00，活动室\n  已认领0/3人，适合适当参加，每人2分\n"
            "认领请发送：认领 #1"), result=None)
        event = group_message("认领 #1", user_id="10004")
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, text(
            "#1 文明劝导 适合“正常活动”的同志，按您登记的身体情况，这次就不安排了。"
            "可发送“需求列表”看看其他需求。"), result=None)
    assert await _claims(chat_db) == []


async def test_proxy_claim_and_my_claims_in_private(app: App, chat_db):
    """代认领 for a member without QQ counts against capacity; 我的认领 works in private chat."""
    branch = await _branch(chat_db)
    await make_member(chat_db, branch, "李四")
    await _post(app)
    async with app.test_matcher() as ctx:
        bot = onebot(ctx)
        event = group_message("代认领 #1 李四", user_id=SECRETARY_ID)
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, text(
            "已为 李四 认领#1 文明劝导（1/2）\n时间：11月28日（周六）09:00-11:00\n地点：枣行社区"),
            result=None)
        event = group_message("认领 1")
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, text(
            "张三 认领成功：#1 文明劝导（2/2）\n时间：11月28日（周六）09:00-11:00\n地点：枣行社区"),
            result=None)
        event = private_message("我的认领")
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, text(
            "【张三的认领】\n#1 文明劝导（已认领）\n  11月28日（周六）09:00-11:00，枣行社区"), result=None)
    rows = (await chat_db.exec(select(Claim.member_id, Claim.proxy_by).order_by(Claim.id))).all()
    assert [tuple(r) for r in rows] == [(3, 1), (2, None)]


async def test_unclaim_promotes_first_waitlisted_with_at(app: App, chat_db):
    """取消认领 frees the place; the first on the waitlist is @'d in the group."""
    branch = await _branch(chat_db)
    await make_member(chat_db, branch, "李四", user_id="10004")
    await make_member(chat_db, branch, "赵六", user_id="10006")
    await _post(app, 1)
    await _claim_all(app, [(MEMBER_ID, "张三"), ("10004", "李四"), ("10006", "赵六")], 1)
    async with app.test_matcher() as ctx:
        bot = onebot(ctx)
        event = group_message("取消认领 #1")
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, text("已取消 张三 对#1 文明劝导的认领（现1/1）。"), result=None)
        ctx.should_call_api("send_group_msg", {"group_id": GROUP_ID, "message": notice(
            "#1 文明劝导 有空位了，已从候补转为认领。\n时间：11月28日（周六）09:00-11:00\n"
            "地点：枣行社区", "10004")}, result=None)
    assert await _claims(chat_db) == [
        ("张三", "cancelled"), ("李四", "claimed"), ("赵六", "waitlist")]


async def test_capacity_lowered_then_need_cancelled(app: App, chat_db):
    """修改名额 moves the latest claim back to the waitlist; 取消需求 @s everyone on it."""
    branch = await _branch(chat_db)
    await make_member(chat_db, branch, "李四", user_id="10004")
    await _post(app)
    await _claim_all(app, [(MEMBER_ID, "张三"), ("10004", "李四")], 2)
    async with app.test_matcher() as ctx:
        bot = onebot(ctx)
        event = group_message("修改名额 #1 1人", user_id=SECRETARY_ID)
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, text(
            "已将#1 文明劝导的名额从2人改为1人（现1/1）。\n超出名额的1人转为候补：李四（候补第1位）"),
            result=None)
        ctx.should_call_api("send_group_msg", {"group_id": GROUP_ID, "message": notice(
            "#1 文明劝导 名额减为1人，您转为候补第1位。有空位时按顺序递补并通知。", "10004")},
            result=None)
    assert await _claims(chat_db) == [("张三", "claimed"), ("李四", "waitlist")]
    async with app.test_matcher() as ctx:
        bot = onebot(ctx)
        event = group_message("取消需求 #1 下雨", user_id=SECRETARY_ID)
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, text("已取消需求#1 文明劝导。已通知认领的1人、候补1人。"),
                             result=None)
        ctx.should_call_api("send_group_msg", {"group_id": GROUP_ID, "message": notice(
            "通知：#1 文明劝导（11月28日（周六）09:00-11:00）已取消。原因：下雨。"
            "已认领和候补的同志不用前往了，谢谢大家！", MEMBER_ID, "10004")}, result=None)
        event = group_message("认领1")
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, text("#1 文明劝导 已取消。"), result=None)
    need = (await chat_db.exec(select(Need))).one()
    assert (need.status, need.status_reason, need.capacity, need.claimed) == (
        NeedStatus.CANCELLED, "下雨", 1, 1)


async def test_absent_and_complete_award_points(app: App, chat_db):
    """完成需求 is refused before the start; after it, points go to everyone not marked 缺勤."""
    branch = await _branch(chat_db)
    await make_member(chat_db, branch, "李四", user_id="10004")
    await _post(app)
    await _claim_all(app, [(MEMBER_ID, "张三"), ("10004", "李四")], 2)
    async with app.test_matcher() as ctx:
        bot = onebot(ctx)
        event = group_message("完成需求 #1", user_id=SECRETARY_ID)
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, text(
            "#1 文明劝导 还没开始（11月28日 09:00），开始后才能完成。"), result=None)
    with time_machine.travel(START + timedelta(hours=3), tick=False):
        async with app.test_matcher() as ctx:
            bot = onebot(ctx)
            event = group_message(Message("缺勤 #1 ") + MessageSegment.at(10004), user_id=SECRETARY_ID)
            ctx.receive_event(bot, event)
            ctx.should_call_send(event, text(
                "已登记 李四 在#1 文明劝导缺勤，完成时不计积分（现1/2）。"), result=None)
            event = group_message("完成需求 #1 2.5小时", user_id=SECRETARY_ID)
            ctx.receive_event(bot, event)
            ctx.should_call_send(event, text(
                "#1 文明劝导 已完成。\n参加1人，时长2.5小时，每人2分，共2分。\n参加：张三\n"
                "缺勤（不计分）：李四"), result=None)
    entries = (await chat_db.exec(select(LedgerEntry))).all()
    assert [(e.member_id, e.delta, e.source, e.operator_name) for e in entries] == [
        (2, Decimal("2"), "volunteer:1", "王书记")]
    need = (await chat_db.exec(select(Need))).one()
    assert (need.status, need.hours) == (NeedStatus.COMPLETED, Decimal("2.5"))


async def test_beijing_day_boundary_and_claims_close_at_start(app: App, chat_db):
    """At 00:30 Beijing 今天 is the new day; at the start minute 认领 is refused; bare 认领 asks for #."""
    await _branch(chat_db)
    just_after_midnight = datetime(2026, 11, 27, 16, 30, tzinfo=UTC)  # 11月28日 00:30 Beijing
    with time_machine.travel(just_after_midnight, tick=False):
        async with app.test_matcher() as ctx:
            bot = onebot(ctx)
            event = group_message("发布需求 文明劝导 今天9:00-11:00 枣行社区 2人 2分",
                                  user_id=SECRETARY_ID)
            ctx.receive_event(bot, event)
            ctx.should_call_send(event, text(POSTED.format(2)), result=None)
            event = group_message("认领")
            ctx.receive_event(bot, event)
            ctx.should_call_send(event, text("请写上需求编号。\n例如：认领 #3"), result=None)
            event = group_message("认领 9号")
            ctx.receive_event(bot, event)
            ctx.should_call_send(event, text("没有#9号需求。可发送“需求列表”查看。\n例如：认领 #3"),
                                 result=None)
    with time_machine.travel(START, tick=False):
        async with app.test_matcher() as ctx:
            bot = onebot(ctx)
            event = group_message("认领 #1")
            ctx.receive_event(bot, event)
            ctx.should_call_send(event, text(
                "#1 文明劝导 已经开始（11月28日 09:00），认领已截止。"), result=None)
            event = group_message("需求列表")
            ctx.receive_event(bot, event)
            ctx.should_call_send(event, text(
                "【志愿服务需求】\n#1 文明劝导（已开始，停止认领）\n"
                "  11月28日（周六）09:00-11:00，枣行社区\n  已认领0/2人，适合正常活动，每人2分\n"
                "认领请发送：认领 #1"), result=None)
    assert await _claims(chat_db) == []


async def test_private_unclaim_notifies_the_group(app: App, chat_db):
    """取消认领 in private chat still @s the promoted member in the branch's group."""
    branch = await _branch(chat_db)
    await make_member(chat_db, branch, "李四", user_id="10004")
    await make_member(chat_db, branch, "赵六")  # no QQ: named, not @'d
    await _post(app, 1)
    await _claim_all(app, [(MEMBER_ID, "张三")], 1)
    async with app.test_matcher() as ctx:
        bot = onebot(ctx)
        event = group_message("代认领 #1 赵六", user_id=SECRETARY_ID)
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, text(
            "#1 文明劝导 名额已满（1/1），已为 赵六 登记候补第1位。有人取消时会按顺序递补。"),
            result=None)
        event = private_message("取消认领 1")
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, text("已取消 张三 对#1 文明劝导的认领（现1/1）。"), result=None)
        ctx.should_call_api("send_group_msg", {"group_id": GROUP_ID, "message": notice(
            f"赵六：#1 文明劝导 有空位了，已从候补转为认领。\n{WHEN}")}, result=None)
    assert await _claims(chat_db) == [("张三", "cancelled"), ("赵六", "claimed")]


async def test_raising_capacity_promotes_waitlist_with_at(app: App, chat_db):
    """修改名额 upward gives the new places to the waitlist in order and @s them."""
    branch = await _branch(chat_db)
    await make_member(chat_db, branch, "李四", user_id="10004")
    await make_member(chat_db, branch, "赵六", user_id="10006")
    await _post(app, 1)
    await _claim_all(app, [(MEMBER_ID, "张三"), ("10004", "李四"), ("10006", "赵六")], 1)
    async with app.test_matcher() as ctx:
        bot = onebot(ctx)
        event = group_message("调整名额 1号 ３", user_id=SECRETARY_ID)
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, text(
            "已将#1 文明劝导的名额从1人改为3人（现3/3）。\n候补递补2人：李四、赵六"), result=None)
        ctx.should_call_api("send_group_msg", {"group_id": GROUP_ID, "message": notice(
            f"#1 文明劝导 有空位了，已从候补转为认领。\n{WHEN}", "10004", "10006")},
            result=None)
        event = group_message("修改名额 #1 很多", user_id=SECRETARY_ID)
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, text("请写1到200之间的人数。\n例如：修改名额 #3 8"), result=None)
    assert await _claims(chat_db) == [("张三", "claimed"), ("李四", "claimed"), ("赵六", "claimed")]


async def test_notice_ats_members_with_accounts_and_names_the_others(app: App, chat_db):
    """A promotion @s 李四 (no name repeated after the @) and names 赵六, who has no chat account."""
    branch = await _branch(chat_db)
    await make_member(chat_db, branch, "李四", user_id="10004")
    await make_member(chat_db, branch, "赵六")  # no QQ
    await _post(app, 1)
    await _claim_all(app, [(MEMBER_ID, "张三"), ("10004", "李四")], 1)
    async with app.test_matcher() as ctx:
        bot = onebot(ctx)
        event = group_message("代认领 #1 赵六", user_id=SECRETARY_ID)
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, text(
            "#1 文明劝导 名额已满（1/1），已为 赵六 登记候补第2位。有人取消时会按顺序递补。"),
            result=None)
        event = group_message("修改名额 #1 3", user_id=SECRETARY_ID)
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, text(
            "已将#1 文明劝导的名额从1人改为3人（现3/3）。\n候补递补2人：李四、赵六"), result=None)
        ctx.should_call_api("send_group_msg", {"group_id": GROUP_ID, "message": notice(
            f"赵六：#1 文明劝导 有空位了，已从候补转为认领。\n{WHEN}", "10004")}, result=None)
    assert await _claims(chat_db) == [("张三", "claimed"), ("李四", "claimed"), ("赵六", "claimed")]
