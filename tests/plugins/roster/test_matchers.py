"""Roster commands as members type them, through nonebug."""

from nonebot.adapters.onebot.v11 import Message, MessageSegment
from nonebug import App
from sqlmodel import select

from core.roles import Role
from db.models import Branch, ChatAccount, GroupBinding, HealthCategory, Member
from tests.events import (
    RecordingBot,
    group_increase,
    group_message,
    onebot,
    plain_message,
    private_message,
)
from tests.factories import (
    GROUP_ID,
    MEMBER_ID,
    SECRETARY_ID,
    SUPERUSER_ID,
    make_branch,
    make_member,
)


async def test_bind_group_as_superuser(app: App, chat_db):
    """绑定支部 creates the branch and binds this group."""
    async with app.test_matcher() as ctx:
        bot = onebot(ctx)
        event = group_message("/绑定支部 城关镇第一党支部", user_id=SUPERUSER_ID)
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, Message(MessageSegment.text(
            "本群已绑定“城关镇第一党支部”。\n请各位党员发送“报到 姓名”完成登记，例如：报到 张三")),
            result=None)
    binding = (await chat_db.exec(select(GroupBinding))).one()
    branch = await chat_db.get(Branch, binding.branch_id)
    assert (binding.group_id, branch.name) == (str(GROUP_ID), "城关镇第一党支部")


async def test_unbound_group_silent_for_members_hint_for_superuser(app: App, chat_db):
    """Unbound groups: ordinary members get no reply, superusers learn how to bind."""
    async with app.test_matcher() as ctx:
        bot = onebot(ctx)
        ctx.receive_event(bot, group_message("支部信息"))
        event = group_message("支部信息", user_id=SUPERUSER_ID)
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, plain_message("本群还没有绑定支部。管理员请在本群发送：绑定支部 支部名称\n"
                                                  "例如：绑定支部 城关镇离退休干部第一党支部"), result=None)


async def test_register_and_duplicate_delivery(app: App, chat_db):
    """报到 links the account; the same message id delivered again has no second effect."""
    branch = await make_branch(chat_db)
    async with app.test_matcher() as ctx:
        bot = onebot(ctx)
        event = group_message("报到 张三", message_id=777)
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, Message(MessageSegment.text(
            f"张三 报到成功，已加入“{branch.name}”。发送“帮助”可查看能用的命令。")), result=None)
        ctx.receive_event(bot, group_message("报到 张三", message_id=777))
    accounts = (await chat_db.exec(select(ChatAccount))).all()
    assert [(a.user_id, a.member_id) for a in accounts] == [(MEMBER_ID, 1)]


async def test_bare_register_says_who_a_registered_member_is(app: App, chat_db):
    """A registered member's bare 报到 (🌹 and all) names their record; a guest's asks for a name."""
    branch = await make_branch(chat_db)
    await make_member(chat_db, branch, "张三", user_id=MEMBER_ID)
    await chat_db.commit()
    async with app.test_matcher() as ctx:
        bot = onebot(ctx)
        event = group_message("报到🌹")
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, plain_message(
            f"您已报到，登记为“张三”（{branch.name}），无需重复报到。如登记有误，请联系支部书记。"),
            result=None)
        event = group_message("报到", user_id="10077")
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, plain_message("请写上您的姓名。\n例如：报到 张三"), result=None)
    assert len((await chat_db.exec(select(ChatAccount))).all()) == 1


async def test_sentence_is_not_a_command(app: App, chat_db):
    """'支部信息在哪看' is ordinary chat, not 支部信息."""
    await make_branch(chat_db)
    async with app.test_matcher() as ctx:
        bot = onebot(ctx)
        ctx.receive_event(bot, group_message("支部信息在哪看"))


async def test_member_cannot_add_members(app: App, chat_db):
    """A refused command names the role it needs; nothing is written."""
    branch = await make_branch(chat_db)
    await make_member(chat_db, branch, "张三", user_id=MEMBER_ID)
    async with app.test_matcher() as ctx:
        bot = onebot(ctx)
        event = group_message("添加成员 李四")
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, Message(MessageSegment.text(
            "这条命令需要支部书记或以上身份，您当前是党员。")), result=None)
    names = (await chat_db.exec(select(Member.name))).all()
    assert names == ["张三"]


async def test_secretary_adds_member_and_sets_category_fullwidth(app: App, chat_db):
    """添加成员 and 设置类别 with full-width spaces and an @mention."""
    branch = await make_branch(chat_db)
    await make_member(chat_db, branch, "王书记", user_id=SECRETARY_ID, role=Role.SECRETARY)
    await make_member(chat_db, branch, "赵六", user_id="10006")
    async with app.test_matcher() as ctx:
        bot = onebot(ctx)
        event = group_message("／添加成员　李四　适当参加", user_id=SECRETARY_ID)
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, Message(MessageSegment.text(
            "已添加成员 李四，共3人。类别已私聊告诉您。")), result=None)
        ctx.should_call_api("send_private_msg", {"user_id": int(SECRETARY_ID), "message": Message(
            MessageSegment.text("已添加成员 李四（适当参加活动），共3人。"))}, result=None)
        # sealed (a health category): privately; in the group it is withdrawn (tests/adversarial)
        event = private_message(Message("设置类别 ") + MessageSegment.at(10006) + " 不能参加",
                                user_id=SECRETARY_ID)
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, Message(MessageSegment.text(
            "已将 赵六 的类别设为“不能参加活动”。")), result=None)
    rows = (await chat_db.exec(select(Member.name, Member.category).order_by(Member.id))).all()
    assert [tuple(r) for r in rows] == [("王书记", "normal"), ("赵六", "unable"), ("李四", "limited")]


async def test_newcomer_is_welcomed(app: App, chat_db):
    """Joining the bound group gets the 报到 hint."""
    await make_branch(chat_db)
    async with app.test_matcher() as ctx:
        bot = onebot(ctx)
        event = group_increase("10009")
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, "欢迎新朋友！请发送“报到 您的姓名”完成登记，例如：报到 张三\n"
                                    "发送“帮助”查看能用的命令。", result=None)


async def test_branch_name_is_echoed_as_plain_text(app: App, chat_db):
    """A branch name that looks like a CQ code is repeated as text: it never @-mentions everyone."""
    async with app.test_matcher() as ctx:
        bot = onebot(ctx)
        event = group_message(Message(MessageSegment.text("绑定支部 [CQ:at,qq=all]")),
                              user_id=SUPERUSER_ID)
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, Message(MessageSegment.text(
            "本群已绑定“[CQ:at,qq=all]”。\n请各位党员发送“报到 姓名”完成登记，例如：报到 张三")),
            result=None)
        event = group_message("支部信息", user_id=SUPERUSER_ID)
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, Message(MessageSegment.text(
            "【[CQ:at,qq=all]】\n书记：未设置\n委员：未设置\n"
            "在册党员：0人（正常活动0人、适当参加活动0人、不能参加活动0人）")), result=None)


def _texts(bot: RecordingBot, chat: str) -> list[tuple[str, str]]:
    """(to whom, plain text) of every message the bot sent to a group or privately."""
    sent = []
    for api, data in bot.calls:
        if api in (f"send_{chat}_msg", "send_msg") and data.get("message_type", chat) == chat:
            to = str(data["group_id"] if chat == "group" else data["user_id"])
            sent.append((to, Message(data["message"]).extract_plain_text()))
    return sent


async def test_added_members_category_goes_to_the_secretary_not_the_group(app: App, chat_db):
    """添加成员 in the group: the group hears the name and the count, never the health category
    (the default 正常活动 neither); the secretary is told it privately. Privately the reply names it."""
    branch = await make_branch(chat_db)
    await make_member(chat_db, branch, "王书记", user_id=SECRETARY_ID, role=Role.SECRETARY)
    bot = RecordingBot.connect()
    async with app.test_matcher() as ctx:
        ctx.receive_event(bot, group_message("添加成员 李四 不能参加", user_id=SECRETARY_ID))
        ctx.receive_event(bot, group_message("新增成员 王五", user_id=SECRETARY_ID))
        ctx.receive_event(bot, private_message("添加成员 赵六 适当参加", user_id=SECRETARY_ID))
    group = _texts(bot, "group")
    assert group == [(str(GROUP_ID), "已添加成员 李四，共2人。类别已私聊告诉您。"),
                     (str(GROUP_ID), "已添加成员 王五，共3人。类别已私聊告诉您。")]
    assert not [text for _, text in group if any(c.label in text for c in HealthCategory)]
    assert _texts(bot, "private") == [(SECRETARY_ID, "已添加成员 李四（不能参加活动），共2人。"),
                                      (SECRETARY_ID, "已添加成员 王五（正常活动），共3人。"),
                                      (SECRETARY_ID, "已添加成员 赵六（适当参加活动），共4人。")]
