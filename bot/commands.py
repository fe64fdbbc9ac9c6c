"""How commands are declared: forgiving matchers, and the help entries every plugin publishes.

Each plugin lists its commands in `PluginMetadata(extra={"commands": [CommandDoc(...), ...]})`;
the help plugin and README are built from those entries. Who may use a command comes from the one
permission table (domain/permissions.py), for the matcher, the help and the README alike.
"""

import re
from dataclasses import dataclass, field
from typing import Annotated, Any

from nonebot import get_driver, on_command
from nonebot.adapters import Bot, Event, Message
from nonebot.consts import CMD_ARG_KEY, CMD_KEY, CMD_WHITESPACE_KEY, PREFIX_KEY
from nonebot.matcher import Matcher
from nonebot.params import CommandArg, CommandWhitespace
from nonebot.rule import CommandRule, Rule
from nonebot.typing import T_State

from core.roles import Role
from core.textparse import is_question, normalize, strip_decoration
from domain.permissions import Permission, permission
from domain.permissions import aliases as aliases_of

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

    def __post_init__(self) -> None:
        # The aliases are the table's (domain/permissions.py ALIASES), after any written here.
        object.__setattr__(self, "aliases", tuple(dict.fromkeys((*self.aliases, *aliases_of(self.name)))))

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
_NAMES: dict[tuple[str, ...], str] = {}
"""Each command word a matcher answers to (its name and aliases, as NoneBot parses them) → name."""


def command_named(words: tuple[str, ...]) -> str | None:
    """The table's command for a word NoneBot parsed (state[PREFIX_KEY][CMD_KEY]); None if none."""
    return _NAMES.get(words)


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


ASKABLE = frozenset({"报到", "请假", "认领", "取消认领", "积分", "签到情况", "兑换", "查看建议"})
"""Members' commands that people also talk and ask about. After their word (or an alias), a
question (`请假要找谁？`, `请假的话怎么办`, `认领 3号几点集合`) or a sentence going on from the
word (`请假的人真多`, `请假了`, `报到表`) is not the command: nothing happens, nothing is said.
Commands whose argument is free text someone writes (建议, 回复建议, 提醒) may hold questions."""

SHOWS = frozenset({"积分", "积分明细", "积分排行", "积分规则", "需求列表", "我的认领", "学习记录", "帮助",
                   "兑换列表", "我的兑换", "主题党日", "签到情况", "我的建议", "支部信息"})
"""Commands that only show something. A question mark after one of their words, alone, asks for
it (`积分？`, `积分多少？`, `怎么用？`); after a command that writes (`签到？`) it stays a question."""


def asked_words() -> frozenset[str]:
    """The words (names and aliases) of the SHOWS commands."""
    return frozenset(w for name in SHOWS for w in (name, *aliases_of(name)))


SELF_NAMED = frozenset({"签到"})
"""Commands whose only argument may be a member's name, as members answer a roll call (`签到 张三`,
`签到：张三`): one short word of Chinese characters set apart from the command word; the handler
decides whose name it is (its own: signed in; another member's: that is 代签; else nothing)."""
_NAME = re.compile(r"^[:,、]?\s*[\u4e00-\u9fff·]{2,5}$")

_GLUE = frozenset("的了条表过着得地吗呢吧啊呀哦嘛么是都也还就人制规流")
"""First characters that, right after a command word with no space, continue a sentence."""


_ARG_CHECKERS: dict[Any, bool] = {}
"""Rule checkers of the form `(arg, space) -> bool` (or `(event, arg, space)`, True here) that
_CommandFirst calls directly."""


def argument_rule(check: Any, *, event: bool = False) -> Rule:
    """A plugin's narrowing of a command by its argument: `check(arg, space) -> bool` with NoneBot's
    CommandArg / CommandWhitespace annotations (with `event`: `check(event, arg, space)`, the event
    annotated Event), used as `matcher.rule & argument_rule(check)`. _CommandFirst calls it
    directly with the parsed argument, as NoneBot would solve it, without a dependency-injection
    round (task groups) per message."""
    _ARG_CHECKERS[check] = event
    return Rule(check)


def _sentence_rule(name: str) -> Rule | None:
    """ASKABLE commands, and those that may name another member (the table's `others`: 积分 张三,
    学习记录 张三): a question is not the command. Glued to the word, a name is not either
    (`积分高的人多`, `学习记录很重要`): there a name needs a space or an @, only a number may touch."""
    names = permission(name).others is not None
    own = name in SELF_NAMED
    if name not in ASKABLE and not names and not own:
        return None

    async def not_a_sentence(arg: Annotated[Message, CommandArg()],
                             space: Annotated[str | None, CommandWhitespace()]) -> bool:
        text = normalize(arg.extract_plain_text())
        if own and not all(s.is_text() for s in arg):
            return False  # 签到 @李四 is 代签's, not this
        if not text:
            return True
        if is_question(text):
            return False
        if own:  # set apart (签到 张三, 签到：张三): 签到开始了 is a sentence
            word = strip_decoration(text)  # 签到 张三🌹
            return ((bool(space) or text[0] in ":,、") and _NAME.match(word) is not None
                    and word.lstrip(":,、 ")[0] not in _GLUE)
        if space:
            return True
        return text[0] in "#" or text[0].isdigit() if names else text[0] not in _GLUE

    _ARG_CHECKERS[not_a_sentence] = False
    return Rule(not_a_sentence)


class _CommandFirst(Rule):
    """The matcher's rule, after a plain check that the message starts with one of its commands.

    NoneBot checks every matcher of a priority on every message, each through its dependency
    injection (on_command's CommandRule has sync parameters, solved in worker threads). With ~100
    command matchers that, not the database, was most of a message's cost (≈120 ms → ≈10 ms per
    event in-process). The command word NoneBot has already parsed (state[PREFIX_KEY]) rules out
    all matchers but the right one with a dict lookup. The matching one's CommandRule and bare
    check are then called directly with that parsed state, not through the dependency injection
    (a task group per checker and four worker-thread hops, for a 签到, in bench_signin's profile);
    any other checker (a plugin's narrowing) runs as NoneBot runs it.
    """

    def __init__(self, rule: Rule, commands: set[tuple[str, ...]]) -> None:
        super().__init__(*rule.checkers)
        self.commands = commands
        self._direct: tuple[Any, ...] = tuple(c.call for c in self.checkers if _is_direct(c.call))
        self._rest = Rule(*(c for c in self.checkers if not _is_direct(c.call)))

    async def __call__(self, bot: Bot, event: Event, state: T_State, *args: Any, **kwargs: Any
                       ) -> bool:
        prefix = state.get(PREFIX_KEY) or {}
        if prefix.get(CMD_KEY) not in self.commands:
            return False
        arg, space = prefix.get(CMD_ARG_KEY), prefix.get(CMD_WHITESPACE_KEY)
        for call in self._direct:
            if isinstance(call, CommandRule):
                passed = await call(prefix.get(CMD_KEY), arg, space)
            else:
                passed = await (_no_argument(arg) if call is _no_argument
                                else call(event, arg, space) if _ARG_CHECKERS[call] else call(arg, space))
            if not passed:
                return False
        return await self._rest(bot, event, state, *args, **kwargs)

    def __and__(self, other: Any) -> Rule:
        # `matcher.rule & extra` (a plugin narrowing a command) keeps the command check first.
        return _CommandFirst(Rule.__and__(self, other), self.commands)

    def __rand__(self, other: Any) -> Rule:
        return _CommandFirst(Rule.__rand__(self, other), self.commands)


def _is_direct(call: Any) -> bool:
    """A checker _CommandFirst calls itself with the parsed command (see there)."""
    return isinstance(call, CommandRule) or call is _no_argument or call in _ARG_CHECKERS


def apply_command_defaults() -> None:
    """Members type commands without '/' and with a space before the argument: unless the deployer
    set COMMAND_START / COMMAND_SEP, make that so before the first command matcher is made (NoneBot
    reads them when a matcher is created), however the bot was started (`python -m bot`, `nb run`)."""
    config = get_driver().config
    if "command_start" not in config.model_fields_set:
        config.command_start = {"/", ""}
    if "command_sep" not in config.model_fields_set:
        config.command_sep = {" "}


def command(name: str, *extra: str, bare: bool = False, hot: bool = False, **kwargs: Any
            ) -> type[Matcher]:
    """A command matcher: with or without '/', with or without a space before the argument.

    bare=True: the command takes no argument, and text after it means it was not a command.
    hot=True: a command members send in bursts (签到 at the start of a meeting). NoneBot checks
    every matcher of a priority on each message (≈0.07 ms each, ~70 of them); a hot command sits
    in its own earlier group, so its message is answered after a handful of checks, not ~70.
    Commands are told apart by their whole word (the longest match), so `签到情况` still reaches
    its own matcher after a hot `签到`. The other words for a command come from the alias table
    (domain/permissions.py ALIASES); `extra` adds more for a plugin not yet listed there.
    """
    permission(name)  # KeyError at import: every command needs a row in the permission table
    apply_command_defaults()
    words = set(extra) | set(aliases_of(name))
    rule = Rule(_no_argument) if bare else _sentence_rule(name)
    matcher = on_command(
        name, rule=rule, aliases=words or None,
        priority=HOT_PRIORITY if hot else PRIORITY, block=True, _depth=1, **kwargs,
    )
    commands = {cmd for checker in matcher.rule.checkers if isinstance(checker.call, CommandRule)
                for cmd in checker.call.cmds}
    if commands:
        matcher.rule = _CommandFirst(matcher.rule, commands)
    _COMMANDS[matcher] = name
    _NAMES.update(dict.fromkeys(commands, name))
    return matcher
