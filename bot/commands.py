"""How commands are declared: forgiving matchers, and the help entries every plugin publishes.

Each plugin lists its commands in `PluginMetadata(extra={"commands": [CommandDoc(...), ...]})`;
the help plugin and README are built from those entries, so help never drifts from the code.
"""

from dataclasses import dataclass, field
from typing import Annotated, Any

from nonebot import on_command
from nonebot.adapters import Message
from nonebot.matcher import Matcher
from nonebot.params import CommandArg
from nonebot.rule import Rule

from core.roles import Role

PRIORITY = 10


@dataclass(frozen=True)
class CommandDoc:
    """One chat command as the help shows it."""

    name: str
    summary: str
    example: str
    role: Role = Role.MEMBER
    usage: str = ""
    aliases: tuple[str, ...] = ()
    private: bool = False
    """Also works in private chat with the bot."""
    details: tuple[str, ...] = field(default_factory=tuple)


async def _no_argument(arg: Annotated[Message, CommandArg()]) -> bool:
    # `签到表在哪` must not count as `签到`: bare commands fire only when nothing follows.
    return not arg.extract_plain_text().strip() and not any(not s.is_text() for s in arg)


def command(name: str, *aliases: str, bare: bool = False, **kwargs: Any) -> type[Matcher]:
    """A command matcher: with or without '/', with or without a space before the argument.

    bare=True: the command takes no argument, and text after it means it was not a command.
    """
    rule = Rule(_no_argument) if bare else None
    return on_command(
        name, rule=rule, aliases=set(aliases) or None, priority=PRIORITY, block=True, _depth=1,
        **kwargs,
    )
