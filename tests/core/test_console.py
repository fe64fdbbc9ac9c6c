"""The console adapter (`make console`): a local trial with the terminal user as a superuser."""

import warnings
from datetime import datetime

import nonebot
import pytest
from nonebug import App
from pydantic.warnings import PydanticDeprecationWarning
from sqlmodel import select

from bot import send
from bot.__main__ import CONSOLE_USER
from db.models import ChatAccount, GroupBinding

with warnings.catch_warnings():
    # nonebot-adapter-console 0.10 still uses a pydantic idiom deprecated in 2.12.
    warnings.simplefilter("ignore", PydanticDeprecationWarning)
    from nonebot.adapters.console import Bot as ConsoleBot
    from nonebot.adapters.console import Message as ConsoleMessage
    from nonebot.adapters.console import MessageSegment as ConsoleSegment
    from nonebot.adapters.console.event import PublicMessageEvent
    from nonechat.model import Channel, Robot, User

_ids = iter(range(1, 10_000))


def console_message(text: str) -> PublicMessageEvent:
    """What the console's default channel posts when the terminal user types `text`."""
    return PublicMessageEvent(
        time=datetime(2026, 11, 22, 9, 0), self_id="robot", post_type="message",
        user=User(id="console", nickname="User"), message_id=f"c{next(_ids)}",
        message=ConsoleMessage(text), channel=Channel("general", "通用"),
    )


@pytest.fixture
def console_superuser(monkeypatch: pytest.MonkeyPatch) -> None:
    """As bot/__main__.py does for YINLING_ADAPTER=console."""
    config = nonebot.get_driver().config
    monkeypatch.setattr(config, "superusers", {*config.superusers, CONSOLE_USER})


async def test_console_user_binds_and_registers(app: App, chat_db, console_superuser):
    """The console channel is a group: the terminal user binds it and 报到s under platform console."""
    async with app.test_matcher() as ctx:
        bot = ctx.create_bot(base=ConsoleBot, self_id=Robot("robot"))  # type: ignore[arg-type]
        event = console_message("绑定支部 测试支部")
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, ConsoleMessage(ConsoleSegment.text(
            "本群已绑定“测试支部”。\n请各位党员发送“报到 姓名”完成登记，例如：报到 张三")),
            result=None)
        event = console_message("报到 张三")
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, ConsoleMessage(ConsoleSegment.text(
            "张三 报到成功，已加入“测试支部”。发送“帮助”可查看能用的命令。")), result=None)
    binding = (await chat_db.exec(select(GroupBinding))).one()
    account = (await chat_db.exec(select(ChatAccount))).one()
    assert (binding.platform, binding.group_id) == ("console", "general")
    assert (account.platform, account.user_id) == ("console", "console")


class _FakeConsoleBot:
    """Records what bot/send.py hands to a console bot."""

    class adapter:  # noqa: N801
        @staticmethod
        def get_name() -> str:
            return "Console"

    def __init__(self) -> None:
        self.sent: list[tuple[str, str, str]] = []

    async def send_message(self, channel_id: str, message: str) -> None:
        self.sent.append(("channel", channel_id, message))

    async def send_private_message(self, user_id: str, message: str) -> None:
        self.sent.append(("private", user_id, message))


async def test_out_of_band_sending_on_console():
    """Reminders and notifications reach the console's channels too."""
    bot = _FakeConsoleBot()
    await send.send_group(bot, "general", "明天9点学习")  # type: ignore[arg-type]
    await send.send_private(bot, "console", "您有一条提醒")  # type: ignore[arg-type]
    assert bot.sent == [("channel", "general", "明天9点学习"), ("private", "console", "您有一条提醒")]
