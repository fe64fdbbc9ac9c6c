"""How commands are declared: forgiving matchers, and the help entries every plugin publishes.

Each plugin lists its commands in `PluginMetadata(extra={"commands": [CommandDoc(...), ...]})`;
the help plugin and README are built from those entries. Who may use a command comes from the one
permission table (domain/permissions.py), for the matcher, the help and the README alike.
"""

from dataclasses import dataclass, field
from typing import Annotated, Any

from nonebot import get_driver, on_command
from nonebot.adapters import Bot, Event, Message
from nonebot.consts import CMD_KEY, PREFIX_KEY
from nonebot.matcher import Matcher
from nonebot.params import CommandArg
from nonebot.rule import CommandRule, Rule
from nonebot.typing import T_State

from core.roles import Role
from domain.permissions import Permission, permission

PRIORITY = 10
HOT_PRIORITY = PRIORITY - 1
"""Members' everyday commands (签到, 请假): checked before the others, and a message that is one of
them never reaches the ~70 other matchers (NoneBot stops at the first priority with a blocking match)."""


@dataclass(frozen=True)
class CommandDoc:
    """One chat command as the help shows it (who may use it: the permission table)."""

    name: str
    summary: str
    example: str
    usage: str = ""
    aliases: tuple[str, ...] = ()
    details: tuple[str, ...] = field(default_factory=tuple)

    @property
    def permission(self) -> Permission:
        """The permission table's row for this command."""
        return permission(self.name)

    @property
    def role(self) -> Role:
        """The least role that may use it."""
        return self.permission.role

    @property
    def private(self) -> bool:
        """Also works in private chat with the bot."""
        return self.permission.private


_COMMANDS: dict[type[Matcher], str] = {}


def command_of(matcher: type[Matcher]) -> str:
    """The command word this matcher was made for."""
    return _COMMANDS[matcher]


def find_permission(matcher: type[Matcher]) -> Permission | None:
    """The table's row for a command matcher; None for a matcher made another way (a notice)."""
    name = _COMMANDS.get(matcher)
    return None if name is None else permission(name)


def permission_of(matcher: type[Matcher]) -> Permission:
    """The permission table's row for the command this matcher was made for."""
    return permission(_COMMANDS[matcher])


async def _no_argument(arg: Annotated[Message, CommandArg()]) -> bool:
    # `签到表在哪` must not count as `签到`: bare commands fire only when nothing follows.
    return not arg.extract_plain_text().strip() and not any(not s.is_text() for s in arg)


class _CommandFirst(Rule):
    """The matcher's rule, after a plain check that the message starts with one of its commands.

    NoneBot checks every matcher of a priority on every message, each through its dependency
    injection (on_command's CommandRule has sync parameters, solved in worker threads). With ~100
    command matchers that, not the database, was most of a message's cost (≈120 ms → ≈10 ms per
    event in-process). The command word NoneBot has already parsed (state[PREFIX_KEY]) rules out
    all matchers but the right one with a dict lookup; the full rule then runs as before.
    """

    def __init__(self, rule: Rule, commands: set[tuple[str, ...]]) -> None:
        super().__init__(*rule.checkers)
        self.commands = commands

    async def __call__(self, bot: Bot, event: Event, state: T_State, *args: Any, **kwargs: Any
                       ) -> bool:
        prefix = state.get(PREFIX_KEY) or {}
        if prefix.get(CMD_KEY) not in self.commands:
            return False
        return await super().__call__(bot, event, state, *args, **kwargs)

    def __and__(self, other: Any) -> Rule:
        # `matcher.rule & extra` (a plugin narrowing a command) keeps the command check first.
        return _CommandFirst(Rule.__and__(self, other), self.commands)

    def __rand__(self, other: Any) -> Rule:
        return _CommandFirst(Rule.__rand__(self, other), self.commands)


def apply_command_defaults() -> None:
    """Members type commands without '/' and with a space before the argument: unless the deployer
    set COMMAND_START / COMMAND_SEP, make that so before the first command matcher is made (NoneBot
    reads them when a matcher is created), however the bot was started (`python -m bot`, `nb run`)."""
    config = get_driver().config
    if "command_start" not in config.model_fields_set:
        config.command_start = {"/", ""}
    if "command_sep" not in config.model_fields_set:
        config.command_sep = {" "}


def command(name: str, *aliases: str, bare: bool = False, hot: bool = False, **kwargs: Any
            ) -> type[Matcher]:
    """A command matcher: with or without '/', with or without a space before the argument.

    bare=True: the command takes no argument, and text after it means it was not a command.
    hot=True: a command members send in bursts (签到 at the start of a meeting). NoneBot checks
    every matcher of a priority on each message (≈0.07 ms each, ~70 of them); a hot command sits
    in its own earlier group, so its message is answered after a handful of checks, not ~70.
    Commands are told apart by their whole word (the longest match), so `签到情况` still reaches
    its own matcher after a hot `签到`.
    """
    permission(name)  # KeyError at import: every command needs a row in the permission table
    apply_command_defaults()
    rule = Rule(_no_argument) if bare else None
    matcher = on_command(
        name, rule=rule, aliases=set(aliases) or None,
        priority=HOT_PRIORITY if hot else PRIORITY, block=True, _depth=1, **kwargs,
    )
    commands = {cmd for checker in matcher.rule.checkers if isinstance(checker.call, CommandRule)
                for cmd in checker.call.cmds}
    if commands:
        matcher.rule = _CommandFirst(matcher.rule, commands)
    _COMMANDS[matcher] = name
    return matcher
