"""帮助 / 菜单: the commands this caller may use, built from every plugin's CommandDoc entries."""

import nonebot
from nonebot.adapters import Event
from nonebot.plugin import PluginMetadata

from bot.commands import CommandDoc, command
from bot.deps import Arg, CallerDep, RawWord
from bot.pipeline import handle
from core.textparse import normalize
from plugins.help import catalog

__plugin_meta__ = PluginMetadata(
    name="帮助",
    description="列出您能用的命令，每条带一个例子",
    usage="帮助",
    type="application",
    homepage="https://github.com/yinling/yinling",
    supported_adapters={"~onebot.v11", "~console"},
    extra={"commands": [
        CommandDoc("帮助", "常用命令和功能名；加功能名看这一类命令，加命令名看详细说明", "帮助 报到", "帮助 [功能名或命令名]"),
    ]},
)


def sections() -> list[catalog.Section]:
    """Every loaded plugin that publishes commands."""
    found = []
    for plugin in nonebot.get_loaded_plugins():
        meta = plugin.metadata
        docs = tuple((meta.extra or {}).get("commands", ())) if meta else ()
        if docs:
            found.append(catalog.Section(plugin.name, meta.name, docs))
    return found


help_cmd = command("帮助")


@handle(help_cmd)
async def handle_help(event: Event, caller: CallerDep, arg: Arg,
                      raw: RawWord) -> str | None:
    """帮助: the menu for this caller; 帮助 <命令>: one command in detail."""
    word = normalize(arg.extract_plain_text())
    known = sections()
    viewer = {"private": caller.ctx.is_private, "registered": caller.member is not None,
              "branch": caller.branch is not None, "county": caller.county}
    if not word:
        return catalog.menu(known, caller.role, **viewer)
    # A 功能's title first (帮助 提醒, 帮助 主题党日 list the whole 功能), then a command or alias,
    # then a 功能 the word begins (帮助 志愿).
    if (section := catalog.find_section(known, word)) is not None:
        return catalog.page(section, caller.role, **viewer)
    if (doc := catalog.find(known, word)) is not None:
        return catalog.detail(doc)
    if (section := catalog.find_section(known, word, prefix=True)) is not None:
        return catalog.page(section, caller.role, **viewer)
    spaced = event.get_plaintext().strip().lstrip("/").removeprefix(raw.lstrip("/"))[:1].isspace()
    if not spaced:
        return None  # `帮助我看看`, `功能很多`, `说明书呢` are sentences, not requests for a command
    return catalog.unknown(word, catalog.suggest(known, word))
