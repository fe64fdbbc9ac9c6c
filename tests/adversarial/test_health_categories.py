"""Each member's health category (正常活动 / 适当参加活动 / 不能参加活动) never reaches the group.

Probed as a committee member would use the bot: 成员列表 typed in the branch group lists every
member with their category, so it is answered privately (as 学习记录 <姓名> and 积分 <姓名> are),
and the group hears nothing of it.
"""

from nonebot.adapters.onebot.v11 import Message
from nonebug import App

from core.roles import Role
from db.models import HealthCategory
from tests.events import RecordingBot, group_message
from tests.factories import MEMBER_ID, SECRETARY_ID, make_branch, make_member

COMMITTEE_ID = "10003"
LABELS = [c.label for c in HealthCategory]


def _group_texts(bot: RecordingBot) -> list[str]:
    return [Message(data["message"]).extract_plain_text() for api, data in bot.calls
            if api == "send_group_msg" or (api == "send_msg" and data.get("message_type") == "group")]


def _private_texts(bot: RecordingBot, user_id: str) -> list[str]:
    return [Message(data["message"]).extract_plain_text() for api, data in bot.calls
            if (api == "send_private_msg" or (api == "send_msg" and data.get("message_type") == "private"))
            and str(data["user_id"]) == user_id]


async def test_member_list_in_the_group_is_answered_privately(app: App, chat_db) -> None:
    branch = await make_branch(chat_db)
    await make_member(chat_db, branch, "王书记", user_id=SECRETARY_ID, role=Role.SECRETARY)
    await make_member(chat_db, branch, "李委员", user_id=COMMITTEE_ID, role=Role.COMMITTEE)
    await make_member(chat_db, branch, "张三", user_id=MEMBER_ID, category=HealthCategory.LIMITED)
    await make_member(chat_db, branch, "王建国", category=HealthCategory.UNABLE)
    bot = RecordingBot.connect()
    async with app.test_matcher() as ctx:
        for words in ("成员列表", "名册"):
            ctx.receive_event(bot, group_message(words, user_id=COMMITTEE_ID))
    group = _group_texts(bot)
    assert not [t for t in group if any(label in t for label in LABELS)], group
    private = _private_texts(bot, COMMITTEE_ID)
    assert len(private) == 2
    assert all("张三 适当参加活动" in t and "王建国 不能参加活动" in t for t in private)


NEED = "发布需求 文明劝导 11月28日9:00-11:00 枣行社区 2人 2分"
LIMITED_NEED = "发布需求 电话回访 11月29日14:00-15:00 活动室 3人 适合适当参加"


async def test_need_list_in_the_group_does_not_depend_on_the_senders_category(app: App, chat_db) -> None:
    """需求列表's ★ marks the needs that suit the sender: said in the group, the stars would tell
    everyone which category the sender is in. Two members of different categories get the same
    group answer."""
    branch = await make_branch(chat_db)
    await make_member(chat_db, branch, "王书记", user_id=SECRETARY_ID, role=Role.SECRETARY)
    await make_member(chat_db, branch, "张三", user_id=MEMBER_ID)
    await make_member(chat_db, branch, "李四", user_id="10004", category=HealthCategory.LIMITED)
    bot = RecordingBot.connect()
    async with app.test_matcher() as ctx:
        for words in (NEED, LIMITED_NEED):
            ctx.receive_event(bot, group_message(words, user_id=SECRETARY_ID))
        for user_id in (MEMBER_ID, "10004"):
            ctx.receive_event(bot, group_message("需求列表", user_id=user_id))
    normal, limited = [t for t in _group_texts(bot) if t.startswith("【志愿服务需求】")]
    assert "#2 电话回访" in normal
    assert normal == limited


async def test_an_unsuitable_claim_is_refused_without_naming_the_category(app: App, chat_db) -> None:
    """认领 by a member, or 代认领 for one, of a need that does not suit their category is refused
    in the group — without saying which category the member is registered in."""
    branch = await make_branch(chat_db)
    await make_member(chat_db, branch, "王书记", user_id=SECRETARY_ID, role=Role.SECRETARY)
    await make_member(chat_db, branch, "李四", user_id="10004", category=HealthCategory.LIMITED)
    await make_member(chat_db, branch, "王建国", category=HealthCategory.UNABLE)
    bot = RecordingBot.connect()
    async with app.test_matcher() as ctx:
        ctx.receive_event(bot, group_message(NEED, user_id=SECRETARY_ID))
        ctx.receive_event(bot, group_message(LIMITED_NEED, user_id=SECRETARY_ID))
        ctx.receive_event(bot, group_message("认领 #1", user_id="10004"))
        ctx.receive_event(bot, group_message("代认领 #2 王建国", user_id=SECRETARY_ID))
    refusals = [t for t in _group_texts(bot) if "不安排" in t]
    assert len(refusals) == 2
    assert [label for t in refusals for label in ("适当参加活动", "不能参加活动") if label in t] == []


async def test_setting_a_category_in_the_group_is_withdrawn_and_answered_privately(app: App, chat_db) -> None:
    """设置类别 names a member's health category: like 设置关爱 it is sealed — said in the group the
    message is withdrawn first and the answer (or refusal) goes privately; the group hears nothing."""
    branch = await make_branch(chat_db)
    await make_member(chat_db, branch, "王书记", user_id=SECRETARY_ID, role=Role.SECRETARY)
    await make_member(chat_db, branch, "王建国")
    bot = RecordingBot.connect()
    async with app.test_matcher() as ctx:
        ctx.receive_event(bot, group_message("设置类别 王建国 不能参加", user_id=SECRETARY_ID))
        ctx.receive_event(bot, group_message("设置类别 王建国 适当参加", user_id=MEMBER_ID))
    assert _group_texts(bot) == []
    assert len([api for api, _ in bot.calls if api == "delete_msg"]) == 2
    assert _private_texts(bot, SECRETARY_ID) == ["已将 王建国 的类别设为“不能参加活动”。"]
    assert len(_private_texts(bot, MEMBER_ID)) == 1
