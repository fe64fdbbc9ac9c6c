"""Every roster command through the real bot process, over a real OneBot V11 reverse WebSocket."""

import sqlite3

import pytest

from tests.e2e.conftest import SUPERUSER, BotProcess
from tests.onebot_peer import HandshakeRefused, OneBotPeer, at

pytestmark = pytest.mark.e2e

GROUP = 20001
ZHANG, LI, GUEST = 10002, 10004, 10005


def rows(bot: BotProcess, sql: str) -> list[tuple]:
    """Read the bot's SQLite database directly (the bot commits before it replies)."""
    path = bot.database_url.split("///", 1)[1]
    with sqlite3.connect(path) as conn:
        return conn.execute(sql).fetchall()


TOLD_PRIVATELY = {"添加成员 李四 适当参加": "已添加成员 李四（适当参加活动），共2人。",
                  "添加成员 王五": "已添加成员 王五（正常活动），共3人。"}
"""添加成员 said in the group: what the secretary is told privately (the health category)."""


async def test_roster_commands_end_to_end(bot_process: BotProcess, peer: OneBotPeer):
    """Bind (and rebind with confirmation), 报到, roles, categories, status, info, notices."""
    conversation = [
        (SUPERUSER, "绑定支部 第一支部",
         "本群已绑定“第一支部”。\n请各位党员发送“报到 姓名”完成登记，例如：报到 张三"),
        (SUPERUSER, "绑定支部 第一支部", "本群已经绑定“第一支部”，无需重复绑定。"),
        (SUPERUSER, "绑定支部 第二支部", "本群已绑定“第一支部”。改绑会让本群以后的命令都归到新支部。\n"
                                         "确认改绑请发送：绑定支部 第二支部 确认"),
        (SUPERUSER, "/绑定支部 第二支部 确认", "本群已改绑到“第二支部”（原为“第一支部”）。"),
        (ZHANG, "报到 张三", "张三 报到成功，已加入“第二支部”。发送“帮助”可查看能用的命令。"),
        (ZHANG, "/报到张三", "您已报到，登记为“张三”（第二支部），无需重复报到。如登记有误，请联系支部书记。"),
        (GUEST, "报到", "请写上您的姓名。\n例如：报到 张三"),
        (ZHANG, "添加成员 李四", "这条命令需要支部书记或以上身份，您当前是党员。"),
        (SUPERUSER, ["设置书记 ", at(ZHANG)], "已将 张三 设为支部书记。"),
        (ZHANG, "添加成员 李四 适当参加", "已添加成员 李四，共2人。类别已私聊告诉您。"),
        (ZHANG, "添加成员 王五", "已添加成员 王五，共3人。类别已私聊告诉您。"),
        (LI, "报到 李四", "“李四”已在支部名册里。为防止别人冒名，要书记确认是您本人。\n"
                          "已经告诉书记了，确认后就报到成功，您不用再发。\n"
                          "书记也可以给您一个6位报到码，您再发送：报到 李四 报到码（例如：报到 李四 123456）"),
        (ZHANG, "确认报到 李四", "李四 报到成功（已确认是本人）。发送“帮助”可查看能用的命令。"),
        (ZHANG, "设置类别 王五 不能参加", "已将 王五 的类别设为“不能参加活动”。"),
        (ZHANG, ["设置委员 ", at(LI)], "已将 李四 设为支委委员。"),
        (ZHANG, "设置委员 王五", "已将 王五 设为支委委员。"),
        (ZHANG, "取消委员 王五", "已取消 王五 的支委委员职务。"),
        (ZHANG, "停用成员 王五 已迁居外地", "已停用 王五（已迁居外地）。历史记录保留，今后不再计入应到人数。"),
        (ZHANG, "支部信息", "【第二支部】\n书记：张三\n委员：李四\n"
                            "在册党员：2人（正常活动1人、适当参加活动1人、不能参加活动0人）\n已停用：1人"),
        (LI, "成员列表", "【成员列表】共3人（✔已报到 ○无QQ）\n1. 张三 支部书记 正常活动 ✔\n"
                        "2. 李四 支委委员 适当参加活动 ✔\n3. 王五 不能参加活动 ○（已停用）"),
        (ZHANG, "启用成员 王五", "已启用 王五，今后计入应到人数。"),
        (GUEST, "成员列表", "这条命令需要支委委员或以上身份，您当前是未报到人员。"),
    ]
    for user_id, message, expected in conversation:
        if expected.startswith(("【成员列表】", "已将 王五 的类别")):  # health categories: answered privately
            event = await peer.say(user_id, message, group_id=GROUP)
            await peer.wait_for_sent(lambda m, u=user_id, x=expected: m.chat == ("private", u) and m.text == x)
            assert await peer.settle(event) == []
            continue
        assert await peer.ask(user_id, message, group_id=GROUP) == expected, message
        if isinstance(message, str) and message in TOLD_PRIVATELY:  # the category: privately
            told = await peer.wait_for_sent(lambda m, u=user_id: m.chat == ("private", u))
            assert told.text == TOLD_PRIVATELY[message]

    # Private chat works for a 报到'd member and acts on their own branch.
    assert await peer.ask(ZHANG, "支部信息") == (
        "【第二支部】\n书记：张三\n委员：李四\n在册党员：3人（正常活动1人、适当参加活动1人、不能参加活动1人）")

    welcome = await peer.wait_for_reply(await peer.join(10006, group_id=GROUP))
    assert welcome.text == ("欢迎新朋友！请发送“报到 您的姓名”完成登记，例如：报到 张三\n"
                            "发送“帮助”查看能用的命令。")
    assert await peer.settle(await peer.leave(LI, group_id=GROUP)) == []
    assert rows(bot_process, "SELECT user_id, in_group FROM chat_account ORDER BY id") == [
        (str(ZHANG), 1), (str(LI), 0)]
    back = await peer.wait_for_reply(await peer.join(LI, group_id=GROUP))
    assert back.text == "欢迎回来！您之前已报到，无需重复登记。"

    assert rows(bot_process, "SELECT b.name, g.group_id FROM group_binding g "
                             "JOIN branch b ON b.id = g.branch_id") == [("第二支部", str(GROUP))]
    assert rows(bot_process, "SELECT name, category, role, status, status_reason FROM member "
                             "ORDER BY id") == [
        ("张三", "normal", 3, "active", None),
        ("李四", "limited", 2, "active", None),
        ("王五", "unable", 1, "active", None),
    ]
    assert rows(bot_process, "SELECT user_id, in_group FROM chat_account ORDER BY id") == [
        (str(ZHANG), 1), (str(LI), 1)]


async def test_unbound_group_hint_for_superuser_silence_for_others(
        bot_process: BotProcess, peer: OneBotPeer):
    """In a group that is not bound, only a superuser gets an answer: how to bind it."""
    assert await peer.settle(await peer.say(ZHANG, "报到 张三", group_id=GROUP)) == []
    assert await peer.ask(SUPERUSER, "支部信息", group_id=GROUP) == (
        "本群还没有绑定支部。管理员请在本群发送：绑定支部 支部名称\n"
        "例如：绑定支部 城关镇离退休干部第一党支部")
    assert await peer.ask(ZHANG, "支部信息") == ("请先在支部群里发送“报到 姓名”，之后才能私聊使用。\n"
                                                "例如：报到 张三")
    assert rows(bot_process, "SELECT count(*) FROM member") == [(0,)]


async def test_duplicate_delivery_has_one_effect(bot_process: BotProcess, peer: OneBotPeer):
    """The same message id delivered twice (a reconnecting implementation) is handled once."""
    await peer.ask(SUPERUSER, "绑定支部 第一支部", group_id=GROUP)
    first = await peer.say(ZHANG, "报到 张三", group_id=GROUP)
    assert (await peer.wait_for_reply(first)).text.startswith("张三 报到成功")
    await peer.ask(SUPERUSER, ["设置书记 ", at(ZHANG)], group_id=GROUP)
    added = await peer.say(ZHANG, "添加成员 李四", group_id=GROUP)
    await peer.wait_for_reply(added)
    # Re-delivered: neither 报到 nor 添加成员 answers or writes again.
    again = [await peer.resend(first), await peer.resend(added)]
    for event in again:
        assert await peer.settle(event) == []
    assert rows(bot_process, "SELECT name FROM member ORDER BY id") == [("张三",), ("李四",)]
    assert rows(bot_process, "SELECT count(*) FROM chat_account") == [(1,)]
    # The same id in another group is a different message.
    other = await peer.say(ZHANG, "支部信息", group_id=GROUP + 1, message_id=first.message_id)
    assert await peer.settle(other) == []  # unbound group, not a superuser: silence, not dedupe
    assert rows(bot_process, "SELECT count(*) FROM processed_event")[0][0] >= 4


async def test_wrong_or_missing_token_is_refused(bot_process: BotProcess, peer_factory):
    """The handshake needs the access token; the right one is accepted."""
    for token in ("wrong-token", None):
        with pytest.raises(HandshakeRefused) as refused:
            await peer_factory(token=token).connect()
        assert refused.value.status == 403
    async with peer_factory() as peer:
        reply = await peer.ask(SUPERUSER, "支部信息", group_id=GROUP)
    assert reply.startswith("本群还没有绑定支部")
