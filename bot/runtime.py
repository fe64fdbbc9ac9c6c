"""Process plumbing as a NoneBot plugin: database start/stop, duplicate-event filter, error replies."""

import re
from datetime import timedelta

import nonebot
from nonebot import logger, require
from nonebot.adapters import Event
from nonebot.matcher import Matcher
from nonebot.message import event_postprocessor, event_preprocessor, run_postprocessor
from nonebot.plugin import PluginMetadata
from sqlalchemy import delete

require("nonebot_plugin_apscheduler")
from nonebot_plugin_apscheduler import scheduler  # noqa: E402

from bot import logprivacy, logsink, routing  # noqa: E402
from bot.chat import plain  # noqa: E402
from bot.commands import asked_words  # noqa: E402
from bot.config import Settings  # noqa: E402
from core import timeutil  # noqa: E402
from core.textparse import strip_decoration  # noqa: E402
from db import engine as db_engine  # noqa: E402
from db.models import ProcessedEvent  # noqa: E402

__plugin_meta__ = PluginMetadata(
    name="运行支撑",
    description="数据库连接、重复消息过滤、出错回复",
    usage="",
    config=Settings,
)

settings = nonebot.get_plugin_config(Settings)
driver = nonebot.get_driver()
if settings.yinling_adapter != "console":
    logsink.sink_at_configured_level()
routing.install()  # a message's dispatch checks only the matchers of its command word


@driver.on_startup
async def open_database() -> None:
    """Connect to the database named in settings (tests may have connected already)."""
    timeutil.configure(settings.timezone)
    try:
        db_engine.get_engine()
    except RuntimeError:
        db_engine.init_engine(settings.database_url)
        logger.info(f"database: {db_engine.get_engine().url.render_as_string(hide_password=True)}")


@driver.on_shutdown
async def close_database() -> None:
    """Release pooled connections."""
    await db_engine.dispose_engine()


_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
"""C0/C1 controls (newline and tab kept) and lone surrogates: PostgreSQL refuses NUL in text, and
none of them is anything a member meant to type."""


def strip_controls(event: Event) -> None:
    """Remove control characters from every text segment, before any matcher or log line."""
    for segment in event.get_message():
        if segment.is_text() and _CONTROLS.search(text := segment.data["text"]):
            segment.data["text"] = _CONTROLS.sub("", text)


_LEADING = str.maketrans({"／": "/", "\u3000": " "})
ORNAMENT_SEGMENTS = frozenset({"face", "mface", "bface", "sface"})
"""QQ faces and stickers: members put them around commands as they would emoji."""


def normalize_edges(event: Event) -> None:
    """The ornaments members add around a message go: `[表情]签到🌹。` is `签到`, `／签到` is
    `/签到`. Leading ones always; trailing ones only after a single short word, so an argument
    (a suggestion's text, a reply) keeps its final 。！ and emoji. A word inside a sentence still
    does not fire a command."""
    if event.get_type() != "message":
        return
    message = event.get_message()
    if not any(s.is_text() and strip_decoration(s.data["text"]) for s in message):
        return  # nothing but ornaments: leave it be, it is no command
    while message and message[0].type in ORNAMENT_SEGMENTS:
        del message[0]
    while message and message[-1].type in ORNAMENT_SEGMENTS:
        del message[-1]
    head, tail = message[0], message[-1]
    if head.is_text():
        head.data["text"] = strip_decoration(head.data["text"].translate(_LEADING), trailing=False)
    if tail.is_text() and len(message) == 1 and _single_word(head.data["text"]):
        word = strip_decoration(tail.data["text"], leading=False)
        asked = strip_decoration(word.rstrip("?？"), leading=False)
        tail.data["text"] = asked if asked in ASKED else word


WORD_MAX = 12
_NUMBERED = re.compile(r"\s(?:[#＃第]\s*)?(?:\d+|[０-９]+|[一二两三四五六七八九十]+)\s*号?$")
ASKED = asked_words()
"""Words of commands that only show something (积分, 积分多少, 怎么用): their question mark goes too."""


def _single_word(text: str) -> bool:
    """`签到🌹`, `认领3号。`, `报名 #3！`: one short word, or a word and a number, whose trailing
    ornaments go. Other text with a space is a command with its argument (a suggestion, a reply)
    and stays exactly as written, 。 and ！ too."""
    word = strip_decoration(text, leading=False)
    return len(word) <= WORD_MAX and (not any(ch.isspace() for ch in word)
                                      or _NUMBERED.search(word) is not None)


def prepare_message(event: Event) -> None:
    """The command layer's preprocessing of a message event (also what bot/logprivacy.py applies
    to a copy of each message, to know which command it is before NoneBot logs it)."""
    strip_controls(event)
    normalize_edges(event)


logprivacy.install(prepare_message)


@event_preprocessor
async def prepare_event(event: Event) -> None:
    """Before any matcher: control characters removed, the ornaments around a message dropped;
    a sealed command's sender and words kept out of the log while it is handled.

    (A redelivered message is recognised where its effect is committed: bot/pipeline.py.)
    One preprocessor, not two: NoneBot runs each through its dependency injection on every event.
    """
    if event.get_type() == "message":
        prepare_message(event)
    logprivacy.watch(event, prepared=True)


@event_postprocessor
async def event_done() -> None:
    """The event's handling is over: the next one decides for itself what the log may carry."""
    logprivacy.forget()


@scheduler.scheduled_job("interval", hours=6, id="runtime.prune_processed_events")
async def prune_processed_events() -> None:
    """Forget message ids older than the dedupe window."""
    cutoff = timeutil.now() - timedelta(hours=settings.yinling_dedupe_hours)
    async with db_engine.session_scope() as session:
        await session.exec(delete(ProcessedEvent).where(ProcessedEvent.seen_at < cutoff))  # type: ignore[call-overload]


@run_postprocessor
async def reply_on_crash(matcher: Matcher, event: Event, exception: Exception | None) -> None:
    """An unexpected error still gets a calm reply; nothing was committed, the bot keeps running."""
    if exception is None:
        return
    try:
        await matcher.send(plain(event, "抱歉，处理这条消息时出错了，没有做任何更改。请稍后再试，或联系管理员。"))
    except Exception as error:  # noqa: BLE001  (a failed apology must not raise)
        logger.warning(f"could not send the error reply: {error!r}")
