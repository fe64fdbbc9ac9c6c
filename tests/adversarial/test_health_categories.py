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
