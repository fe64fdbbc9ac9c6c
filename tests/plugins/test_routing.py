"""Dispatch by the command word (bot/routing.py): a message's dispatch sees every matcher that could
match it — each command's own matcher for every word and alias, and every matcher that is not a
command — and none of the other commands' matchers."""

import contextvars
from collections.abc import Callable
from typing import Any

from nonebot.matcher import Matcher, matchers

from bot import commands, routing
from tests.events import group_message, private_message


def _routed(event: Any) -> Callable[[int], list[type[Matcher]]]:
    """The matchers of a priority as the routed storage shows them while `event` is dispatched."""
    provider = routing.RoutedProvider(matchers.provider)
    context = contextvars.copy_context()
    context.run(routing.dispatching, event)
    return lambda priority: list(context.run(provider.__getitem__, priority))


def _all() -> list[type[Matcher]]:
    return [m for priority in matchers.provider for m in matchers.provider[priority]]


def _words() -> dict[type[Matcher], set[tuple[str, ...]]]:
    return {m: set(m.rule.commands) for m in _all() if hasattr(m.rule, "commands")}


def test_every_command_word_reaches_its_matcher_and_only_it() -> None:
    words = _words()
    assert len(words) > 100  # the table's commands, all declared through bot.commands.command()
    others = [m for m in _all() if m not in words]
    for matcher, cmds in words.items():
        for cmd in cmds:
            for event in (group_message("".join(cmd) + " 试试"), private_message("".join(cmd))):
                shown = _routed(event)(matcher.priority)
                assert matcher in shown, (cmd, matcher)
                assert all(m in shown for m in others if m.priority == matcher.priority)
                assert all(cmd in words[m] for m in shown if m in words), cmd


def test_a_sentence_sees_no_command_matcher_and_every_other() -> None:
    shown = _routed(group_message("今天天气很好，大家注意保暖"))
    words = _words()
    for priority in matchers.provider:
        assert [m for m in shown(priority) if m in words] == []
        assert [m for m in shown(priority) if m not in words] == [
            m for m in matchers.provider[priority] if m not in words]


def test_an_event_nobody_named_sees_every_matcher() -> None:
    provider = routing.RoutedProvider(matchers.provider)
    for priority in matchers.provider:
        assert list(contextvars.copy_context().run(provider.__getitem__, priority)) == list(
            matchers.provider[priority])


def test_a_matcher_added_during_dispatch_is_kept() -> None:
    """A conversation's temporary matcher (Matcher.new appends, destroy removes) lands in the
    storage itself, not in the routed view."""
    full: list[type[Matcher]] = []
    provider = routing.RoutedProvider({1: full})
    context = contextvars.copy_context()
    context.run(routing.dispatching, group_message("签到"))
    temp = type("Temp", (Matcher,), {})
    context.run(lambda: provider[1].append(temp))
    assert full == [temp]
    context.run(lambda: provider[1].remove(temp))
    assert full == []


def test_the_hot_priority_keeps_its_commands() -> None:
    """签到 and 请假 sit in the earlier group; the routed view of it holds them for their words."""
    signin = [m for m, cmds in _words().items() if ("签到",) in cmds]
    assert signin and all(m.priority == commands.HOT_PRIORITY for m in signin)
    assert set(signin) <= set(_routed(group_message("签到🌹"))(commands.HOT_PRIORITY))
