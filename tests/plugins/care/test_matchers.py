"""Care commands as secretaries and members type them, through nonebug."""

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
import time_machine
from nonebot.adapters.onebot.v11 import Message, MessageSegment
from nonebug import App
from sqlmodel import select

from core.roles import Role
from db.models import Member
from db.models.care import CareSetting, CareVisit
from tests.events import RecordingBot, group_message, onebot, private_message
from tests.factories import MEMBER_ID, SECRETARY_ID, make_branch, make_member

NOW = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)  # Thursday 10:00 Beijing
COMMITTEE_ID = "10003"


def text(value: str) -> Message:
    """A reply as the plugin sends it: one plain text segment."""
    return Message(MessageSegment.text(value))


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


async def _branch(chat_db):
    """王书记 (secretary), 李委员 (committee), 张三 (member, MEMBER_ID), 王建国 (no QQ)."""
    branch = await make_branch(chat_db)
    await make_member(chat_db, branch, "王书记", user_id=SECRETARY_ID, role=Role.SECRETARY)
    await make_member(chat_db, branch, "李委员", user_id=COMMITTEE_ID, role=Role.COMMITTEE)
    await make_member(chat_db, branch, "张三", user_id=MEMBER_ID)
    await make_member(chat_db, branch, "王建国")
    return branch


async def _member(chat_db, name: str) -> Member:
    chat_db.expire_all()
    member = (await chat_db.exec(select(Member).where(Member.name == name))).one()
    await chat_db.commit()
    return member


async def _say(app: App, event: Any, reply: str) -> None:
    async with app.test_matcher() as ctx:
        ctx.receive_event(onebot(ctx), event)
        ctx.should_call_send(event, text(reply), result=None)


@pytest.mark.parametrize("typed", ["1970-12-3", "1970年12月3日", "1970.12.03", "１９７０－１２－０３"])
async def test_party_date_forms(app: App, chat_db, typed: str) -> None:
    """设置入党日期 takes every form; the reply confirms with the Party age; the row is written."""
    await _branch(chat_db)
    await _say(app, group_message(f"设置入党日期 王建国 {typed}", user_id=SECRETARY_ID),
               "已登记：王建国 入党日期 1970年12月3日（党龄56年）。\n每年12月3日上午在群里祝贺政治生日。")
    assert (await _member(chat_db, "王建国")).joined_party_on == date(1970, 12, 3)


@pytest.mark.parametrize(("typed", "reply"), [
    ("1965-13-01", "没有这一天：1965年13月1日。"),
    ("2027-01-01", "入党日期2027年1月1日还没到，请核对。"),
])
async def test_bad_party_dates(app: App, chat_db, typed: str, reply: str) -> None:
    """A bad date is refused with the reason and one example; nothing is written."""
    await _branch(chat_db)
    await _say(app, group_message(f"设置入党日期 王建国 {typed}", user_id=SECRETARY_ID),
               f"{reply}\n例如：设置入党日期 张三 1965-07-01")
    assert (await _member(chat_db, "王建国")).joined_party_on is None


async def test_lunar_birthday_and_greetings_switch(app: App, chat_db) -> None:
    """设置生日 农历 shows the next solar day; 生日祝福 开 turns greetings on for the branch."""
    branch_id = (await _branch(chat_db)).id
    await _say(app, private_message("设置生日 张三 农历八月十五", user_id=SECRETARY_ID),
               "已登记：张三 生日 农历八月十五（下一次是2027年9月15日）。\n"
               "本支部还没有开启生日祝福，需要时书记发送：生日祝福 开")
    await _say(app, group_message("生日祝福 开", user_id=SECRETARY_ID),
               "已开启生日祝福：成员生日当天上午在群里祝福。\n成员本人不想要可发送：不要生日祝福")
    member = await _member(chat_db, "张三")
    assert (member.birth_lunar, member.birth_month, member.birth_day) == (True, 8, 15)
    setting = await chat_db.get(CareSetting, branch_id)
    await chat_db.commit()  # release SQLite's one connection before the next command
    assert setting is not None and setting.birthday_greetings
    await _say(app, group_message("不要生日祝福"),
               "好的，以后不在群里为您祝贺生日。想恢复请发送：恢复生日祝福")
    assert not (await _member(chat_db, "张三")).birthday_greeting


async def test_this_months_party_birthdays(app: App, chat_db) -> None:
    """政治生日 本月, by any member: day, name, years, the 50-year honour."""
    await _branch(chat_db)
    await _say(app, group_message("设置入党日期 王建国 1970-12-03", user_id=SECRETARY_ID),
               "已登记：王建国 入党日期 1970年12月3日（党龄56年）。\n每年12月3日上午在群里祝贺政治生日。")
    await _say(app, group_message("政治生日 本月"),
               "【12月政治生日】共1位：\n1. 12月3日 王建国 入党56周年（光荣在党50年）")
    await _say(app, group_message("政治生日 3月"),
               "3月没有成员过政治生日。\n还没登记入党日期的，书记可发送：设置入党日期 张三 1965-07-01")


def _group_sends(bot: RecordingBot) -> list[str]:
    """Every message the bot said in a group."""
    return [str(data.get("message")) for api, data in bot.calls
            if api == "send_group_msg" or (api == "send_msg" and data.get("message_type") == "group")
            or (api == "send_msg" and data.get("group_id"))]


def _private_sends(bot: RecordingBot) -> list[tuple[int, str]]:
    return [(int(data["user_id"]), Message(data["message"]).extract_plain_text())
            for api, data in bot.calls
            if api == "send_private_msg" or (api == "send_msg" and data.get("message_type") == "private")]


CARE_COMMANDS = ["设置关爱 王建国 独居 体弱", "走访 王建国 上门 血压偏高需复查", "走访记录 王建国", "关爱名单"]
REFUSAL = "这条命令需要{}或以上身份，您当前是党员。"


@pytest.mark.parametrize("private", [False, True], ids=["group", "private"])
async def test_care_replies_never_reach_the_group_or_a_member(app: App, chat_db, private: bool) -> None:
    """Every care reply goes privately; in the group the message is withdrawn first; an ordinary
    member is refused (privately); tags and notes appear in no group message."""
    await _branch(chat_db)
    bot = RecordingBot.connect()
    events = []
    for user_id in (SECRETARY_ID, COMMITTEE_ID, MEMBER_ID):
        for words in CARE_COMMANDS:
            make = private_message if private else group_message
            events.append((user_id, words, make(words, user_id=user_id)))
    async with app.test_matcher() as ctx:
        for _, _, event in events:
            ctx.receive_event(bot, event)
    assert _group_sends(bot) == []
    sends = _private_sends(bot)
    assert len(sends) == len(events)  # one private answer to every command
    to_member = [words for user, words in sends if user == int(MEMBER_ID)]
    assert to_member == [REFUSAL.format("支部书记"), *[REFUSAL.format("支委委员")] * 3]
    to_committee = [words for user, words in sends if user == int(COMMITTEE_ID)]
    assert to_committee[0] == REFUSAL.format("支部书记").replace("党员。", "支委委员。")
    assert to_committee[1].startswith("已记录走访：王建国 上门（12月3日，走访人 李委员）")
    assert "血压偏高需复查" in to_committee[2] and "独居、体弱" in to_committee[3]
    deleted = [data["message_id"] for api, data in bot.calls if api == "delete_msg"]
    assert len(deleted) == (0 if private else len(events))
    visits = (await chat_db.exec(select(CareVisit))).all()
    assert [(v.visitor_name, v.note) for v in visits] == [("王书记", "血压偏高需复查"),
                                                           ("李委员", "血压偏高需复查")]


async def test_care_list_as_the_secretary_sees_it(app: App, chat_db) -> None:
    """关爱名单 privately: overdue first with ⚠, last visit and days since."""
    await _branch(chat_db)
    await _say(app, private_message("设置关爱 王建国 独居", user_id=SECRETARY_ID),
               "已设置：王建国 关爱类别 独居（每30天至少走访一次）。")
    await _say(app, private_message("设置关爱 张三 困难", user_id=SECRETARY_ID),
               "已设置：张三 关爱类别 困难（每60天至少走访一次）。")
    await _say(app, private_message("走访 张三 电话 家里暖气不热，已联系社区", user_id=SECRETARY_ID),
               "已记录走访：张三 电话（12月3日，走访人 王书记）")
    await _say(app, private_message("关爱名单", user_id=SECRETARY_ID),
               "【关爱名单】共2人，⚠该走访了1人：\n1. ⚠王建国（独居）还没有走访记录\n"
               "2. 张三（困难）上次走访12月3日（0天前）")
    await _say(app, private_message("设置关爱 王建国 高血压", user_id=SECRETARY_ID),
               "不认识的关爱类别：高血压。可写：独居、孤寡、体弱、住院、失能、困难。\n"
               "例如：设置关爱 张三 独居 体弱")
