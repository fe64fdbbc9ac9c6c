"""帮助 / 菜单: the menu per role and per chat, one command in detail, aliases, suggestions."""

import pytest
from nonebot.adapters.onebot.v11 import Message, MessageSegment
from nonebug import App

from bot.commands import CommandDoc
from core.roles import Role
from plugins.help import catalog, sections
from tests.events import group_message, onebot, plain_message, private_message
from tests.factories import MEMBER_ID, SECRETARY_ID, make_branch, make_member

FAKE = [
    catalog.Section("signin", "学习签到", (
        CommandDoc("签到", "学习时签到", "签到"),
        CommandDoc("代签", "替成员签到", "代签 张三"),
    )),
    catalog.Section("roster", "支部与成员", (
        CommandDoc("报到", "登记", "报到 张三", "报到 <姓名>", aliases=("注册",)),
    )),
    catalog.Section("help", "帮助", (CommandDoc("帮助", "帮助", "帮助"),)),
]


def test_menu_lists_everyday_commands_then_the_rest_by_function():
    """The everyday commands first; the 功能 holding the rest by name, in plugin order; commands
    above the caller's role are left out; a 功能 page lists its commands; help has no section."""
    assert catalog.menu(FAKE, Role.MEMBER, private=False) == (
        "【可用命令】您的身份：党员\n· 签到　学习时签到\n更多功能请发送“帮助 功能名”：\n支部与成员\n"
        "看命令说明请发送“帮助 命令名”，例如：帮助 报到")
    assert catalog.menu(FAKE, Role.COMMITTEE, private=False).splitlines()[3] == "支部与成员、学习签到"
    assert catalog.page(FAKE[0], Role.COMMITTEE, private=False) == (
        "【学习签到】\n· 签到　学习时签到\n· 代签 张三　替成员签到\n看命令说明请发送“帮助 命令名”，例如：帮助 签到")
    assert catalog.page(FAKE[0], Role.GUEST, private=False, registered=False) == (
        "【学习签到】这里没有您能用的命令。发送“帮助”查看您能用的。")
    assert catalog.menu(FAKE, Role.GUEST, private=False, registered=False).splitlines()[2] == (
        "· 报到 张三　登记")  # before one has 报到'd, it is an everyday command


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("private", [False, True])
def test_every_menu_fits_one_phone_screen(role: Role, private: bool):
    """Whoever asks, wherever, 帮助 is at most 15 lines."""
    for registered in (False, True):
        for county in (False, True):
            text = catalog.menu(sections(), role, private=private, registered=registered, county=county)
            assert len(text.splitlines()) <= 15, text


def test_find_a_function_by_title_or_its_beginning():
    """帮助 学习签到 / 帮助 学习: the 功能; a word two titles begin with is no 功能."""
    assert catalog.find_section(FAKE, "学习签到") is FAKE[0]
    assert catalog.find_section(FAKE, "学习") is None
    assert catalog.find_section(FAKE, "学习", prefix=True) is FAKE[0]
    assert catalog.find_section(FAKE, "帮助") is None


def test_private_menu_lists_private_commands_only():
    """In private chat only commands that work there are listed, with a pointer to the group."""
    assert catalog.menu(FAKE, Role.MEMBER, private=True) == (
        "【可用命令】您的身份：党员\n· 签到　学习时签到\n其余命令请在支部群里发送。\n"
        "看命令说明请发送“帮助 命令名”，例如：帮助 报到")


def test_find_by_name_alias_and_slash():
    """A command is found by its name, an alias, or with a leading slash."""
    assert [catalog.find(FAKE, w).name for w in ("报到", "注册", "/报到", "／报到")] == ["报到"] * 4
    assert catalog.find(FAKE, "报道") is None
    assert catalog.suggest(FAKE, "报道") == ["报到"]
    assert catalog.suggest(FAKE, "天气") == []


async def test_help_menu_for_a_member(app: App, chat_db):
    """A member sees member commands (with examples), not the secretary's."""
    branch = await make_branch(chat_db)
    await make_member(chat_db, branch, "张三", user_id=MEMBER_ID)
    expected = catalog.menu(sections(), Role.MEMBER, private=False)
    assert "· 签到　学习时在群里签到" in expected and "添加成员" not in expected
    assert "报到 张三" not in expected  # done already
    async with app.test_matcher() as ctx:
        bot = onebot(ctx)
        event = group_message("帮助")
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, plain_message(expected), result=None)


async def test_menu_alias_for_a_secretary(app: App, chat_db):
    """菜单 is 帮助; a secretary also sees roster management, not the superuser's 绑定支部."""
    branch = await make_branch(chat_db)
    await make_member(chat_db, branch, "张三", user_id=SECRETARY_ID, role=Role.SECRETARY)
    expected = catalog.menu(sections(), Role.SECRETARY, private=False)
    assert "支部与成员" in expected and "添加成员" not in expected  # on 帮助 支部与成员
    async with app.test_matcher() as ctx:
        bot = onebot(ctx)
        event = group_message("/菜单", user_id=SECRETARY_ID)
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, plain_message(expected), result=None)


async def test_help_in_private_chat_before_registering(app: App, chat_db):
    """Someone who has not 报到'd can still ask for help privately."""
    async with app.test_matcher() as ctx:
        bot = onebot(ctx)
        event = private_message("帮助", user_id="10077")
        ctx.receive_event(bot, event)
        expected = catalog.menu(sections(), Role.GUEST, private=True, registered=False,
                                 branch=False)
        assert expected.startswith("【可用命令】您的身份：未报到人员\n您还没有报到：请先在支部群里发送“报到 您的姓名”。")
        ctx.should_call_send(event, plain_message(expected), result=None)


async def test_help_for_one_command_by_alias(app: App, chat_db):
    """帮助 登记 explains 报到: usage, example, who may use it, details."""
    await make_branch(chat_db)
    async with app.test_matcher() as ctx:
        bot = onebot(ctx)
        event = group_message("帮助 登记")
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, plain_message(
            "【报到】把您的QQ登记到本支部名册\n用法：报到 <姓名> [报到码]\n例如：报到 张三\n谁能用：所有人\n"
            "也可以说：注册、登记\n请在支部群里发送。名册里没有您的名字时新建。\n"
            "名册里已有的名字要书记确认是本人（书记会收到通知），或带上书记给的报到码：报到 张三 123456"),
            result=None)


async def test_help_for_a_function(app: App, chat_db):
    """帮助 支部与成员 lists what this caller may use there; 帮助 志愿 is 志愿服务's page; 帮助 提醒
    is the 提醒 功能 (its title), 帮助 报到 the command."""
    branch = await make_branch(chat_db)
    await make_member(chat_db, branch, "王书记", user_id=SECRETARY_ID, role=Role.SECRETARY)
    known = sections()
    page = catalog.page(catalog.find_section(known, "支部与成员"), Role.SECRETARY, private=False)
    assert "· 添加成员 李四 适当参加　登记没有QQ的成员（由他人代签）" in page
    async with app.test_matcher() as ctx:
        bot = onebot(ctx)
        for text, first in [("帮助 支部与成员", "【支部与成员】"), ("帮助 志愿", "【志愿服务】"),
                            ("帮助 提醒", "【提醒】"), ("功能 积分管理", "【积分管理】")]:
            event = group_message(text, user_id=SECRETARY_ID)
            ctx.receive_event(bot, event)
            section = catalog.find_section(known, first.strip("【】"))
            ctx.should_call_send(event, plain_message(
                catalog.page(section, Role.SECRETARY, private=False)), result=None)


async def test_help_unknown_command_suggests(app: App, chat_db):
    """A misspelt command gets the closest names; an unknown word gets a pointer to 帮助."""
    await make_branch(chat_db)
    async with app.test_matcher() as ctx:
        bot = onebot(ctx)
        event = group_message("帮助 报道")
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, Message(MessageSegment.text(
            "没有“报道”这个命令。您要找的是不是：报到、报到码？\n例如：帮助 报到")), result=None)
        event = group_message("帮助 天气预报")
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, Message(MessageSegment.text(
            "没有“天气预报”这个命令。发送“帮助”查看全部命令。")), result=None)


async def test_help_inside_a_sentence_is_not_a_command(app: App, chat_db):
    """'帮助我看看这个' is chat: no reply."""
    await make_branch(chat_db)
    async with app.test_matcher() as ctx:
        bot = onebot(ctx)
        ctx.receive_event(bot, group_message("帮助我看看这个"))
