"""报到 of a name already on the roster, through NoneBot's real event handling (SQLite and PostgreSQL).

The issue's sequence: `添加成员 刘新书记`, `设置书记 刘新书记`, then anyone's `报到 刘新书记` made them
the secretary (加分, 添加成员, a 后台 link). Now it waits for a 管理员's 确认报到, and the refusal says
how; a member on the roster 报到s with the secretary's 报到码 or confirmation; a new name as before.
"""

import re
from collections.abc import AsyncIterator

import pytest
from sqlmodel import select

from db import engine as db_engine
from db.models import ChatAccount, Member
from domain.permissions import permission
from tests.events import RecordingBot, group_message, private_message
from tests.factories import GROUP_ID, SECRETARY_ID, SUPERUSER_ID, make_branch

STRANGER, OWNER, NEWCOMER = "40077", "40005", "40006"


@pytest.fixture
async def bot(db_url: str) -> AsyncIterator[RecordingBot]:
    """A bound branch (the superuser binds it) and the QQ side, recording."""
    async with db_engine.session_factory()() as db:
        await make_branch(db)
    yield RecordingBot.connect()


async def say(bot: RecordingBot, user_id: str, text: str, *, private: bool = False) -> list[tuple[str, str]]:
    """Send one message; what the bot said, as (to whom, text)."""
    bot.calls.clear()
    event = private_message(text, user_id=user_id) if private else group_message(text, user_id=user_id)
    await bot.handle_event(event)
    said = []
    for api, data in bot.calls:
        if api.startswith("send_"):
            to = f"user {data['user_id']}" if data.get("message_type") == "private" or api == "send_private_msg" \
                else f"group {data.get('group_id', GROUP_ID)}"
            said.append((to, "".join(s.data.get("text", "") for s in data["message"])))
    return said


async def linked(name: str) -> list[str]:
    async with db_engine.session_factory()() as db:
        rows = (await db.exec(select(ChatAccount.user_id).join(Member, Member.id == ChatAccount.member_id)
                              .where(Member.name == name))).all()
        await db.commit()
        return list(rows)


async def test_a_name_made_secretary_is_not_taken_by_a_stranger(bot: RecordingBot) -> None:
    """The issue's sequence: the stranger's 报到 links nothing and says a 管理员 must confirm (the
    管理员 is told privately who asked); the stranger is no secretary; 确认报到 by the 管理员 links."""
    await say(bot, SUPERUSER_ID, "添加成员 刘新书记")
    assert (await say(bot, SUPERUSER_ID, "设置书记 刘新书记"))[0][1] == "已将 刘新书记 设为支部书记。"
    said = await say(bot, STRANGER, "报到 刘新书记")
    assert said[0] == ("group 20001", (
        "“刘新书记”（支部书记）已在支部名册里。为防止别人冒名，要管理员确认是您本人。\n"
        "已经告诉管理员了，确认后就报到成功，您不用再发。\n"
        "管理员也可以给您一个6位报到码，您再发送：报到 刘新书记 报到码（例如：报到 刘新书记 123456）"))
    assert said[1][0] == f"user {SUPERUSER_ID}"
    assert said[1][1].startswith(f"有人在“城关镇离退休干部第一党支部”群里报到为“刘新书记”（支部书记）：QQ昵称“老张”，QQ {STRANGER}。\n"
                                 "是本人请回复：确认报到 刘新书记")
    assert await linked("刘新书记") == []
    assert (await say(bot, STRANGER, "添加成员 王五"))[0][1].startswith("这条命令需要支部书记或以上身份，您当前是未报到人员")
    assert await say(bot, SUPERUSER_ID, "确认报到 刘新书记") == [
        ("group 20001", "刘新书记 报到成功（已确认是本人）。发送“帮助”可查看能用的命令。")]
    assert await linked("刘新书记") == [STRANGER]


async def test_a_member_on_the_roster_reports_with_the_secretarys_code(bot: RecordingBot) -> None:
    """报到码 privately (refused in the group); the member's 报到 with it links at once; a wrong code
    is counted; the used code opens nothing for anyone else."""
    await say(bot, SECRETARY_ID, "报到 王书记书")
    await say(bot, SUPERUSER_ID, "设置书记 王书记书")
    await say(bot, SECRETARY_ID, "添加成员 李四")
    assert permission("报到码").private and not permission("报到码").group
    refused = await say(bot, SECRETARY_ID, "报到码 李四")
    assert refused[0][1].startswith("为保护支部数据，“报到码”只在私聊中使用")
    (to, text), = await say(bot, SECRETARY_ID, "报到码 李四", private=True)
    code = re.search(r"报到码：(\d{6})", text)
    assert to == f"user {SECRETARY_ID}" and code is not None
    assert text.endswith("不要发到群里。再发一次“报到码 李四”会换一个新码，旧码作废。")
    wrong = f"{(int(code[1]) + 1) % 10**6:06d}"
    assert (await say(bot, STRANGER, f"报到 李四 {wrong}"))[0][1] == (
        "报到码不对（还可以再试4次）。请核对书记给您的6位数字。\n例如：报到 李四 123456")
    assert (await say(bot, OWNER, f"报到 李四 {code[1]}"))[0][1].startswith("李四 报到成功")
    assert await linked("李四") == [OWNER]
    again = await say(bot, STRANGER, f"报到 李四{code[1]}")
    assert again[0][1] == "“李四”已由另一个账号报到。如有同名或登记错误，请联系支部书记。"


async def test_the_secretary_is_told_and_confirms_privately(bot: RecordingBot) -> None:
    """A member added by the secretary 报到s: the secretary gets a private message, answers
    确认报到 privately, and the group is told (the member @-mentioned)."""
    await say(bot, SECRETARY_ID, "报到 王书记书")
    await say(bot, SUPERUSER_ID, "设置书记 王书记书")
    await say(bot, SECRETARY_ID, "添加成员 李四")
    said = await say(bot, OWNER, "报到 李四")
    assert said[0][1].startswith("“李四”已在支部名册里。为防止别人冒名，要书记确认是您本人。")
    assert said[1][0] == f"user {SECRETARY_ID}"
    confirmed = await say(bot, SECRETARY_ID, "确认报到 李四", private=True)
    assert confirmed == [(f"user {SECRETARY_ID}", "已确认：李四 报到成功（QQ昵称“老张”），已在群里告诉他。"),
                         ("group 20001", " 李四 报到成功（已确认是本人）。发送“帮助”可查看能用的命令。")]
    assert await linked("李四") == [OWNER]
    assert (await say(bot, SECRETARY_ID, "确认报到 李四"))[0][1].startswith("李四 已经报到了")


async def test_members_joining_by_themselves_register_at_once(bot: RecordingBot) -> None:
    """A name not on the roster: created and linked as before."""
    assert (await say(bot, NEWCOMER, "报到 赵六"))[0][1] == (
        "赵六 报到成功，已加入“城关镇离退休干部第一党支部”。发送“帮助”可查看能用的命令。")
    assert await linked("赵六") == [NEWCOMER]


async def test_a_code_with_emoji_after_a_long_name_links_and_is_never_echoed(bot: RecordingBot) -> None:
    """Members add emoji after their messages. `报到 欧阳建国华 123456🌹` is too long for the
    trailing ornaments to go before the matchers (an argument is kept as written): the name and
    code are still read, and no reply in the group carries the six digits."""
    await say(bot, SECRETARY_ID, "报到 王书记书")
    await say(bot, SUPERUSER_ID, "设置书记 王书记书")
    await say(bot, SECRETARY_ID, "添加成员 欧阳建国华")
    (_, text), = await say(bot, SECRETARY_ID, "报到码 欧阳建国华", private=True)
    code = re.search(r"报到码：(\d{6})", text)
    assert code is not None
    wrong = f"{(int(code[1]) + 1) % 10**6:06d}"
    refused = await say(bot, STRANGER, f"报到 欧阳建国华 {wrong}🌹🌹")
    assert refused[0][1].startswith("报到码不对") and wrong not in refused[0][1]
    said = await say(bot, OWNER, f"／报到 欧阳建国华 {code[1]}👍")
    assert said[0][1].startswith("欧阳建国华 报到成功")
    assert all(code[1] not in text for _, text in said)
    assert await linked("欧阳建国华") == [OWNER]
