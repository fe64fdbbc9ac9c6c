"""Property-based fuzzing of the whole command layer, on SQLite and PostgreSQL.

Every command word (and alias), followed by random Unicode, control characters, CQ-looking text and
huge numbers, from every kind of sender, in the group and privately, through NoneBot's real event
handling with every plugin loaded. The only fake is the QQ side: a OneBot bot whose API calls are
recorded. For every message:
- no unhandled error (no apology reply, no ERROR log line);
- a command refused by the permission table writes nothing;
- the anonymous author is named in no outgoing message, and no log line ties their QQ number to
  an anonymous suggestion (匿名建议 / 实名 / its text);
- a sealed command (permission table `sealed=True`), whoever sends it and however it is written
  (`／`, `@bot`, ornaments), leaves neither its sender's QQ number nor its words in any log line,
  at any level down to TRACE.
Events go through the OneBot adapter's own handling (which removes an @-mention of the bot).

CI runs FUZZ_EXAMPLES (default 60) examples per backend; `make fuzz` runs thousands.
"""

import os
from collections.abc import AsyncIterator, Iterator
from typing import Any

import nonebot
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import example as known
from hypothesis import strategies as st
from nonebot.adapters.onebot.v11 import Message, MessageSegment
from nonebot.log import logger
from sqlalchemy import func, select
from sqlmodel import SQLModel

from core.roles import Role
from db import engine as db_engine
from domain.permissions import COMMANDS
from tests.events import RecordingBot, group_message, private_message
from tests.factories import (
    GROUP_ID,
    OTHER_GROUP_ID,
    SECRETARY_ID,
    SUPERUSER_ID,
    make_branch,
    make_member,
)

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "60"))
AUTHOR_ID = "10009"
ANON_TEXT = "请把活动室的暖气修一修"
APOLOGY = "抱歉，处理这条消息时出错了"
REFUSALS = ("这条命令需要", "您还没有报到", "请在支部群里发送", "只在私聊中使用", "请先在支部群里")
SENDERS = {
    "guest": "10077", "member": "10002", "committee": "10003", "secretary": SECRETARY_ID,
    "superuser": SUPERUSER_ID, "author": AUTHOR_ID, "other_secretary": "10088",
}


def published_aliases() -> dict[str, tuple[str, ...]]:
    """Every command's aliases, as the loaded plugins publish them."""
    aliases: dict[str, tuple[str, ...]] = {}
    for plugin in nonebot.get_loaded_plugins():
        for doc in ((plugin.metadata.extra or {}).get("commands", ()) if plugin.metadata else ()):
            aliases[doc.name] = tuple(doc.aliases)
    return aliases


ALIASES_OF = published_aliases()


def command_words() -> list[str]:
    """Every command word and alias the loaded plugins publish."""
    return sorted(set(COMMANDS).union(*ALIASES_OF.values()))


WORDS = command_words()
SEALED = {word: COMMANDS[name].sealed for name in COMMANDS for word in (name, *ALIASES_OF.get(name, ()))}
garbage = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=20),
    st.sampled_from(["\x00", "\x07\x1b[2J", "[CQ:at,qq=all]", "&#91;CQ:face,id=1&#93;", "#99999999999999999999",
                     "-1", "0", "1e309", "９９９", "二十", "#1", "1号", "@全体成员", "\u202e", "\ud800x",
                     " ", "\n\n", "张三 5 协助", "2026-02-30 25:61", "明天下午3点 学习 党员活动室"]),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
)
JOINTS = ["", " ", "　", "/", "／", "@bot ", "🌹"]
"""How the word is put: glued, spaced, after / or ／, after an @-mention of the bot, an emoji."""
messages = st.tuples(st.sampled_from(WORDS), st.sampled_from(JOINTS), garbage,
                     st.sampled_from(list(SENDERS)), st.booleans())


class _Lines(list[str]):
    """The captured lines; printed short (hypothesis prints every argument of a failing example,
    and a 50 kB repr is refused with a warning that hides the failure itself)."""

    def __repr__(self) -> str:
        return f"<{len(self)} log lines>"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(repr(self))


@pytest.fixture
def log_lines() -> Iterator[list[str]]:
    """Every log line NoneBot and the bot write while the test runs."""
    lines: list[str] = _Lines()
    sink = logger.add(lambda message: lines.append(str(message)), level="TRACE")
    yield lines
    logger.remove(sink)


async def _row_counts() -> dict[str, int]:
    async with db_engine.session_factory()() as db:
        counts = {}
        for table in SQLModel.metadata.sorted_tables:
            if table.name in ("processed_event", "alembic_version"):
                continue
            counts[table.name] = (await db.exec(select(func.count()).select_from(table))).one()
        return counts


@pytest.fixture
async def world(db_url: str) -> AsyncIterator[RecordingBot]:
    """Two bound branches with every role, and one anonymous suggestion sent the real way."""
    async with db_engine.session_factory()() as db:
        first = await make_branch(db)
        other = await make_branch(db, "第二支部", group_id=OTHER_GROUP_ID)
        await make_member(db, first, "王书记", user_id=SECRETARY_ID, role=Role.SECRETARY)
        await make_member(db, first, "赵委员", user_id="10003", role=Role.COMMITTEE)
        await make_member(db, first, "张三", user_id="10002")
        await make_member(db, first, "李匿名", user_id=AUTHOR_ID)
        await make_member(db, other, "钱书记", user_id="10088", role=Role.SECRETARY)
    bot = RecordingBot.connect()
    await bot.handle_event(private_message(f"匿名建议 {ANON_TEXT}", user_id=AUTHOR_ID))
    sent = [data for api, data in bot.calls if api.startswith("send_")]
    assert sent, "the anonymous suggestion was not acknowledged"
    yield bot


def _text(data: dict[str, Any]) -> str:
    message = data.get("message")
    if isinstance(message, Message | MessageSegment):
        return str(Message(message).extract_plain_text())
    return str(message)


@settings(max_examples=EXAMPLES, deadline=None, derandomize=os.environ.get("FUZZ_RANDOM") != "1",
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(example=messages)
@known(example=("收到", " ", "#2147483648", "member", True))  # found by make fuzz on PostgreSQL
async def test_no_command_misbehaves(world: RecordingBot, log_lines: list[str], example):
    """No crash, no write when refused, no anonymous author revealed — whatever is typed."""
    word, joint, tail, sender, in_group = example
    user_id = SENDERS[sender]
    prefix, space = (joint, "") if joint in ("/", "／", "🌹") else ("", " " if joint == "@bot " else joint)
    text = f"{prefix}{word}{space}{tail}" if joint != "@bot " else f"{word}{space}{tail}"
    message = (Message([MessageSegment.at(world.self_id), MessageSegment.text(f" {text}")])
               if joint == "@bot " else Message(text))
    group = OTHER_GROUP_ID if sender == "other_secretary" else GROUP_ID
    event = (group_message(message, user_id=user_id, group_id=group) if in_group
             else private_message(message, user_id=user_id))
    world.calls.clear()
    log_lines.clear()
    before = await _row_counts()
    await world.handle_event(event)
    replies = [_text(data) for api, data in world.calls if api.startswith("send_")]
    assert not any(APOLOGY in reply for reply in replies), (text, replies)
    assert not any("| ERROR |" in line or "[ERROR]" in line for line in log_lines), (text, log_lines)
    if any(reply.startswith(REFUSALS) for reply in replies):
        assert await _row_counts() == before, (text, replies)
    for api, data in world.calls:
        said = _text(data)
        assert AUTHOR_ID not in said and not ("李匿名" in said and ANON_TEXT in said), (text, api, said)
    revealing = [line for line in log_lines
                 if AUTHOR_ID in line and any(w in line for w in ("匿名", "实名", ANON_TEXT))]
    assert not revealing, (text, revealing)
    if SEALED.get(word):
        words = tail.strip()
        named = [line for line in log_lines if user_id in line or (len(words) >= 4 and words in line)]
        assert not named, (text, named)
