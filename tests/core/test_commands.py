"""bot.commands: the command-word check runs before a matcher's full rule, and survives narrowing."""

from pathlib import Path

from nonebot.consts import CMD_KEY, PREFIX_KEY
from nonebot.rule import Rule

from bot.commands import _CommandFirst
from core.textparse import is_question
from domain.permissions import ALIASES, COMMANDS
from plugins.roster import info_cmd, register_cmd


async def _never_called() -> bool:
    raise AssertionError("the full rule ran for another command")


async def test_other_command_words_stop_before_the_full_rule():
    """A message starting with 报到 never reaches 支部信息's own checkers."""
    rule = _CommandFirst(Rule(_never_called), {("支部信息",)})
    state = {PREFIX_KEY: {CMD_KEY: ("报到",)}}
    assert await rule(None, None, state) is False  # type: ignore[arg-type]
    assert await rule(None, None, {PREFIX_KEY: {CMD_KEY: None}}) is False  # type: ignore[arg-type]


def test_command_matchers_carry_their_words_and_narrowing_keeps_them():
    """command() registers name and aliases; `rule & extra` stays a command-first rule."""
    assert isinstance(info_cmd.rule, _CommandFirst)
    assert register_cmd.rule.commands == {("报到",), ("注册",), ("登记",)}
    narrowed = register_cmd.rule & Rule(_never_called)
    assert isinstance(narrowed, _CommandFirst) and narrowed.commands == register_cmd.rule.commands
    assert len(narrowed.checkers) == len(register_cmd.rule.checkers) + 1


def test_aliases_name_commands_and_never_each_other():
    """Each alias row is a command's; an alias is no command's name and belongs to one command only."""
    words = [w for row in ALIASES.values() for w in row]
    assert sorted(set(ALIASES) - set(COMMANDS)) == []
    assert sorted(set(words) & set(COMMANDS)) == []
    assert len(words) == len(set(words))


def test_question_words():
    """A question mark, a question word or a final particle make a question; a reason does not."""
    assert [is_question(t) for t in ("要找谁？", "的话怎么办", "可以吗", "会扣分不", "?")] == [True] * 5
    assert [is_question(t) for t in ("住院", "身体不适，在家休息", "家里有事", "")] == [False] * 4


def test_readme_lists_every_alias():
    """Each alias in the table is in README.md's chat-command reference (listed per command)."""
    text = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    reference = text.split("## Chat commands", 1)[1].split("\n## Development", 1)[0]
    assert sorted(w for row in ALIASES.values() for w in row if w not in reference) == []
