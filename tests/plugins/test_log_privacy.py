"""No log line, at any level, carries a sealed command's words or ties its sender to it.

Sealed commands (permission table `sealed=True`: 匿名建议, 实名) are driven through the OneBot
adapter's own event handling (the @-mention of the bot is removed there, as with NapCat), in every
shape a member types them, in the group and privately, while every loguru record down to TRACE is
captured. A plain command from the same sender is logged with their QQ number (the capture works).
"""

import re
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from nonebot.adapters.onebot.v11 import Message, MessageSegment
from nonebot.log import logger

from bot import logprivacy
from core.roles import Role
from db import engine as db_engine
from domain import roster
from domain.permissions import COMMANDS
from tests.events import RecordingBot, group_message, private_message
from tests.factories import SECRETARY_ID, SELF_ID, make_branch, make_member

AUTHOR = "10009"
WORDS = "请把活动室的暖气修一修"
SHAPES = [
    "实名 #3", "/实名 #3", "／实名 #3", "实名#3", "／实名＃３", " 实名 #3", "实名 #3🌹", "🌹实名 #3",
    "实名3号。",
    f"匿名建议 {WORDS}", f"／匿名建议 {WORDS}", f"/匿名建议{WORDS}", f"匿名建议：{WORDS}",
    f"👍匿名建议 {WORDS}👍", f"\u3000匿名建议 {WORDS}", f"【匿名建议】{WORDS}",
]
"""Each is the command: it is answered (privately)."""
LOOKALIKES = ["【实名】#3", "实名制 #3"]
"""Not the command (nothing answers), but starting with its word: kept out of the log all the same."""


def _private(api: str, data: dict[str, Any]) -> bool:
    """A private message (send_private_msg, or send_msg answering a private message)."""
    return api == "send_private_msg" or (api == "send_msg" and data.get("message_type") == "private")


class _FailingPrivate(RecordingBot):
    """The author has not added the bot as a friend: every private send fails."""

    async def call_api(self, api: str, **data: Any) -> Any:
        if _private(api, data):
            self.calls.append((api, data))
            raise RuntimeError(f"ActionFailed: user {data.get('user_id')} is not a friend")
        return await super().call_api(api, **data)


@pytest.fixture
def trace() -> Iterator[list[str]]:
    """Every log record, TRACE and up, as its sink would print it (time, level, origin, text)."""
    lines: list[str] = []
    sink = logger.add(lambda message: lines.append(str(message)), level="TRACE",
                      format="{level} | {name}:{function} | {message} | {extra}")
    yield lines
    logger.remove(sink)


@pytest.fixture
async def branch(db_url: str) -> AsyncIterator[None]:
    """A bound branch with the author (a member) and a secretary."""
    async with db_engine.session_factory()() as db:
        first = await make_branch(db)
        await make_member(db, first, "王书记", user_id=SECRETARY_ID, role=Role.SECRETARY)
        await make_member(db, first, "李匿名", user_id=AUTHOR)
    yield


def _shapes(text: str) -> list[tuple[str, Any]]:
    """The message in the group, privately, and after an @-mention of the bot in the group."""
    mention = Message([MessageSegment.at(SELF_ID), MessageSegment.text(f" {text}")])
    return [("group", group_message(text, user_id=AUTHOR)),
            ("private", private_message(text, user_id=AUTHOR)),
            ("@bot", group_message(mention, user_id=AUTHOR))]


@pytest.mark.parametrize("bot_class", [RecordingBot, _FailingPrivate], ids=["delivered", "undelivered"])
async def test_sealed_commands_leave_no_trace_in_the_log(branch: None, trace: list[str],
                                                         bot_class: type[RecordingBot]) -> None:
    """Every shape of 实名 / 匿名建议, group, private and @bot: handled (an answer is sent to the
    author), and no log line names the author's QQ or carries the words."""
    bot = bot_class.connect()
    for text in SHAPES + LOOKALIKES:
        for where, event in _shapes(text):
            bot.calls.clear()
            trace.clear()
            await bot.handle_event(event)
            answered = [data for api, data in bot.calls if _private(api, data)]
            assert all(str(d["user_id"]) == AUTHOR for d in answered), (text, where, bot.calls)
            assert bool(answered) is (text in SHAPES), (text, where, bot.calls)
            leaked = [line for line in trace if AUTHOR in line or WORDS in line or "#3" in line
                      or "＃３" in line or "3号" in line]
            assert leaked == [], (text, where, leaked)
            assert any(logprivacy.REDACTED in line for line in trace), (text, where, trace)


async def test_a_plain_command_is_logged_as_before(branch: None, trace: list[str]) -> None:
    """The capture sees the sender of an ordinary command (so the test above could fail), and the
    words of 建议 — not a sealed command — stay in the log."""
    bot = RecordingBot.connect()
    await bot.handle_event(group_message(f"建议 {WORDS}", user_id=AUTHOR))
    assert any(AUTHOR in line and WORDS in line and "SUCCESS" in line for line in trace), trace
    trace.clear()
    await bot.handle_event(group_message("实名制挺好，我们支部也该搞", user_id=AUTHOR))
    assert not any(AUTHOR in line for line in trace)  # starts with 实名: kept out, to be safe


def test_the_decision_is_the_permission_table() -> None:
    """Exactly the table's sealed rows are kept out of the log, whichever they are."""
    sealed = {name for name, row in COMMANDS.items() if row.sealed}
    assert {"匿名建议", "实名"} <= sealed
    for name, row in COMMANDS.items():
        event = private_message(f"{name} 1", user_id=AUTHOR)
        assert (logprivacy.sealed_command(event) == name) is row.sealed, name


def _carries(line: str, code: str) -> bool:
    """The six digits stand in the line (ASCII or full-width), not as part of a longer number."""
    wide = code.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    return any(re.search(rf"(?<![0-9０-９]){form}(?![0-9０-９])", line) for form in (code, wide))


async def test_a_registration_code_is_masked_in_the_log(db_url: str, trace: list[str]) -> None:
    """报到 <姓名> <报到码>: the log still says who sent 报到 for which name, but not the six digits —
    a wrong code (one digit mistyped is nearly the right one) or the right one, in any shape, in
    the group or privately (refused there); and the code that linked the member."""
    async with db_engine.session_factory()() as db:
        first = await make_branch(db)
        secretary = await make_member(db, first, "王书记", user_id=SECRETARY_ID, role=Role.SECRETARY)
        zhang = await make_member(db, first, "张三")
        code = await roster.issue_code(db, member=zhang, platform="onebot", by=secretary)
        await db.commit()
    wrong = [f"{(int(code) + n) % 10 ** 6:06d}" for n in (1, 2, 3)]
    mention = Message([MessageSegment.at(SELF_ID), MessageSegment.text(f" 报到 张三 {wrong[2]}")])
    shapes = [
        ("group", group_message(f"报到 张三 {wrong[0]}", user_id=AUTHOR)),
        ("private", private_message(f"报到 张三 {code}", user_id=AUTHOR)),
        ("alias, full-width, no space", group_message(
            "登记张三" + wrong[1].translate(str.maketrans("0123456789", "０１２３４５６７８９")),
            user_id=AUTHOR)),
        ("@bot", group_message(mention, user_id=AUTHOR)),
        ("an ornament after it", group_message(f"／报到 张三 {wrong[0]}🌹", user_id=AUTHOR)),
        ("right code", group_message(f"／报到 张三 {code}", user_id=AUTHOR)),
    ]
    bot = RecordingBot.connect()
    for where, event in shapes:
        bot.calls.clear()
        trace.clear()
        await bot.handle_event(event)
        assert bot.sent(), (where, bot.calls)  # answered: refused privately, a wrong code, linked
        leaked = [line for line in trace for digits in (code, *wrong) if _carries(line, digits)]
        assert leaked == [], (where, leaked)
        incoming = [line for line in trace if "SUCCESS" in line and "handle_event" in line]
        assert len(incoming) == 1 and AUTHOR in incoming[0] and "张三" in incoming[0], (where, trace)
        assert logprivacy.CODE_MASK in incoming[0], (where, incoming)
    assert bot.sent()[-1].startswith("张三 报到成功"), bot.sent()


async def test_a_name_without_a_code_is_logged_as_before(db_url: str, trace: list[str]) -> None:
    """报到 with a name alone, or with a number that is no 报到码, is logged as it was typed."""
    async with db_engine.session_factory()() as db:
        await make_branch(db)
    bot = RecordingBot.connect()
    for text in ("报到 张三", "报到 1234567"):
        trace.clear()
        await bot.handle_event(group_message(text, user_id=AUTHOR))
        assert any("SUCCESS" in line and text in line for line in trace), (text, trace)


async def test_a_registration_code_stays_out_of_an_error_and_of_a_failed_answer(
        db_url: str, trace: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """The code is in the handler's locals and in 报到码's answer: an error while 报到 <姓名> <码> is
    handled is logged without its traceback (this capture prints locals, as a sink with diagnose
    would), and so is 报到码's answer the secretary could not be sent."""
    async with db_engine.session_factory()() as db:
        first = await make_branch(db)
        await make_member(db, first, "王书记", user_id=SECRETARY_ID, role=Role.SECRETARY)
        await make_member(db, first, "张三")
    bot = _FailingPrivate.connect()
    await bot.handle_event(private_message("报到码 张三", user_id=SECRETARY_ID))
    issued = Message(bot.calls[0][1]["message"]).extract_plain_text()
    code = re.search(r"报到码：(\d{6})", issued)[1]  # type: ignore[index]
    assert [line for line in trace if _carries(line, code)] == []
    assert any("RuntimeError" in line for line in trace)  # the failed answer is logged

    async def broken(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError(f"register failed for {code}")

    monkeypatch.setattr(roster, "register", broken)
    trace.clear()
    await RecordingBot.connect().handle_event(group_message(f"报到 张三 {code}", user_id=AUTHOR))
    errors = [line for line in trace if line.startswith("ERROR")]
    assert len(errors) == 1 and "RuntimeError" in errors[0], trace
    assert [line for line in trace if _carries(line, code)] == []
