"""The help text, built from every plugin's CommandDoc entries; who may use what: the permission table."""

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

from bot.commands import CommandDoc
from core.roles import Role
from core.textparse import normalize
from domain.permissions import COUNTY_LABEL, Chat, Permission

# Plugins are listed in the order a member meets them; unknown plugins follow, by name.
ORDER = ("roster", "signin", "meetings", "notice", "volunteer", "suggestion", "points", "partyday", "care",
         "reminder", "report", "county", "help")


@dataclass(frozen=True)
class Section:
    """One plugin's commands under its Chinese name."""

    key: str
    title: str
    commands: tuple[CommandDoc, ...]


def ordered(sections: Iterable[Section]) -> list[Section]:
    """Sections in ORDER, the rest after by key."""
    rank = {key: i for i, key in enumerate(ORDER)}
    return sorted(sections, key=lambda s: (rank.get(s.key, len(ORDER)), s.key))


def who(role: Role) -> str:
    """Who may use a command, in words."""
    return "所有人" if role == Role.GUEST else f"{role.label}及以上"


_README_ROLE = {Role.GUEST: "所有人", Role.MEMBER: "党员", Role.COMMITTEE: "委员以上",
                Role.SECRETARY: "书记", Role.SUPERUSER: "管理员"}


def readme_who(rule: Permission) -> str:
    """The README's 谁 column for a command, from its permission table row."""
    words = _README_ROLE[rule.role] + (f"、{COUNTY_LABEL}" if rule.county else "")
    if rule.chat is Chat.ANY:
        words += "（可私聊；群里发的会先撤回）" if rule.sealed else "（可私聊）"
    elif rule.chat is Chat.PRIVATE:
        words += "（只在私聊）"
    if rule.others is not None:
        words += f"；别人的记录：{_README_ROLE[rule.others]}"
    return words


def usable(doc: CommandDoc, role: Role, *, private: bool, registered: bool, branch: bool,
           county: bool = False) -> bool:
    """Whether this caller may use the command: the table's row, and a branch when it needs one
    (in private chat the caller's own, so someone who has not 报到'd has none)."""
    if doc.permission.branch and not branch:
        return False
    return doc.permission.allows(role, private=private, registered=registered, county=county)


def identity(role: Role, *, county: bool) -> str:
    """您的身份 in words: the branch role, and 县级管理员 for county staff."""
    if not county or role == Role.SUPERUSER:
        return role.label
    return COUNTY_LABEL if role == Role.GUEST else f"{role.label}、{COUNTY_LABEL}"


EVERYDAY = ("报到", "签到", "请假", "需求列表", "认领", "积分")
"""The commands 帮助 lists first, the five a member uses most (报到 only before one has)."""
EVERYDAY_MAX = 5
TITLES_PER_LINE = 3


def _line(doc: CommandDoc) -> str:
    return f"· {doc.example}　{doc.summary}"


def menu(sections: Iterable[Section], role: Role, *, private: bool, registered: bool = True,
         branch: bool = True, county: bool = False) -> str:
    """帮助: one phone screen. The everyday commands this caller may use, one example each, then
    the names of the 功能 (plugins) holding the rest, for “帮助 功能名”."""
    def ok(doc: CommandDoc) -> bool:
        return usable(doc, role, private=private, registered=registered, branch=branch,
                      county=county)

    lines = [f"【可用命令】您的身份：{identity(role, county=county)}"]
    if not registered and role < Role.SUPERUSER and not county:
        lines.append("您还没有报到：请先在支部群里发送“报到 您的姓名”。")
    listed = [s for s in ordered(sections) if s.key != "help"]
    docs = {doc.name: doc for s in listed for doc in s.commands}
    everyday = [docs[name] for name in EVERYDAY if name in docs and ok(docs[name])
                and not (name == "报到" and registered)][:EVERYDAY_MAX]
    lines.extend(_line(doc) for doc in everyday)
    shown = {doc.name for doc in everyday}
    more = [s.title for s in listed if any(ok(c) and c.name not in shown for c in s.commands)]
    if more:
        lines.append("更多功能请发送“帮助 功能名”：")
        lines.extend("、".join(more[i:i + TITLES_PER_LINE])
                     for i in range(0, len(more), TITLES_PER_LINE))
    if private:
        lines.append("其余命令请在支部群里发送。")
    lines.append("看命令说明请发送“帮助 命令名”，例如：帮助 报到")
    return "\n".join(lines)


def find_section(sections: Iterable[Section], word: str, *, prefix: bool = False) -> Section | None:
    """The 功能 titled `word`; with prefix=True, the one title that begins with it (帮助 志愿)."""
    word = normalize(word).lstrip("/")
    named = [s for s in sections if s.key != "help" and word
             and (s.title == word or (prefix and s.title.startswith(word)))]
    return named[0] if len(named) == 1 else None


def page(section: Section, role: Role, *, private: bool, registered: bool = True,
         branch: bool = True, county: bool = False) -> str:
    """帮助 <功能>: that plugin's commands this caller may use, one example each."""
    docs = [c for c in section.commands
            if usable(c, role, private=private, registered=registered, branch=branch, county=county)]
    if not docs:
        return f"【{section.title}】这里没有您能用的命令。发送“帮助”查看您能用的。"
    return "\n".join([f"【{section.title}】", *map(_line, docs),
                      f"看命令说明请发送“帮助 命令名”，例如：帮助 {docs[0].name}"])


def find(sections: Iterable[Section], word: str) -> CommandDoc | None:
    """The command named (or aliased) `word`, ignoring a leading '/'."""
    word = normalize(word).lstrip("/")
    for section in sections:
        for doc in section.commands:
            if word == doc.name or word in doc.aliases:
                return doc
    return None


def suggest(sections: Iterable[Section], word: str) -> list[str]:
    """Command names close to `word`: sharing characters in order, or containing it."""
    word = normalize(word).lstrip("/")
    # Names only: the many everyday aliases (报名, 查分) would crowd out the close name (报道 → 报到).
    names = {doc.name: doc.name for s in sections for doc in s.commands}
    def score(name: str) -> float:
        # Same first character first: members mistype the second word more often (报道 → 报到).
        ratio = difflib.SequenceMatcher(None, word, name).ratio()
        return ratio + (0.25 if name[:1] == word[:1] else 0) + (0.5 if word and word in name else 0)

    close = sorted((n for n in names if score(n) >= 0.5), key=score, reverse=True)
    return list(dict.fromkeys(names[n] for n in close))[:3]


def detail(doc: CommandDoc) -> str:
    """帮助 <命令>: usage, example, who may use it, details."""
    lines = [f"【{doc.name}】{doc.summary}", f"用法：{doc.usage or doc.name}", f"例如：{doc.example}",
             f"谁能用：{who(doc.role)}"]
    if doc.aliases:
        lines.append(f"也可以说：{'、'.join(doc.aliases)}")
    if doc.private:
        lines.append("群里、私聊都可以用。")
    lines.extend(doc.details)
    return "\n".join(lines)


def unknown(word: str, suggestions: list[str]) -> str:
    """Reply for 帮助 <something that is not a command>."""
    if suggestions:
        return f"没有“{word}”这个命令。您要找的是不是：{'、'.join(suggestions)}？\n例如：帮助 {suggestions[0]}"
    return f"没有“{word}”这个命令。发送“帮助”查看全部命令。"
