"""What 帮助 shows is exactly what is allowed: every published command, every kind of caller,
in the group and in private chat, through the real matchers. 帮助 fits one phone screen (the
everyday commands, then 功能 names); a command is "shown" when it is on the menu or on the page
of a 功能 the menu names (帮助 <功能>).

The permission table (domain/permissions.py) is the one source: each command's CommandDoc, its
matcher and its row must exist together, and a command is refused by the permission layer exactly
when the 帮助 menu that caller gets does not list it.
"""

from dataclasses import dataclass
from typing import Any

import nonebot
import pytest
from nonebot.adapters import Event
from nonebot.adapters.onebot.v11 import Adapter, Bot, Message
from nonebot.matcher import current_event
from nonebug import App

from bot.chat import ChatContext
from bot.commands import _COMMANDS, CommandDoc
from bot.deps import BIND_HINT, Caller
from core.errors import DomainError
from core.roles import Role
from db.models import CountyStaff
from domain.permissions import COMMANDS, Permission
from plugins.help import sections
from plugins.help.catalog import identity
from tests.events import group_message, private_message
from tests.factories import (
    MEMBER_ID,
    OTHER_GROUP_ID,
    SECRETARY_ID,
    SELF_ID,
    SUPERUSER_ID,
    make_branch,
    make_member,
)

COMMITTEE_ID, OTHER_SECRETARY_ID, GUEST_ID, COUNTY_ID = "10003", "10008", "10077", "10090"


@dataclass(frozen=True)
class Who:
    """One kind of caller: their account, role in the group's branch, and whether they have a record
    (and so a branch) there and in private chat."""

    label: str
    user_id: str
    group_role: Role
    group_member: bool
    private_role: Role
    private_member: bool
    county: bool = False
    """County staff (县级管理员): no branch role, the table's county grant."""


CALLERS = [
    Who("guest", GUEST_ID, Role.GUEST, False, Role.GUEST, False),
    Who("member", MEMBER_ID, Role.MEMBER, True, Role.MEMBER, True),
    Who("committee", COMMITTEE_ID, Role.COMMITTEE, True, Role.COMMITTEE, True),
    Who("secretary", SECRETARY_ID, Role.SECRETARY, True, Role.SECRETARY, True),
    Who("superuser", SUPERUSER_ID, Role.SUPERUSER, False, Role.SUPERUSER, False),
    # In this group another branch's secretary is nobody; privately they act on their own branch.
    Who("other branch's secretary", OTHER_SECRETARY_ID, Role.GUEST, False, Role.SECRETARY, True),
    # County staff belong to no branch: they read across branches and act inside none.
    Who("county staff", COUNTY_ID, Role.GUEST, False, Role.GUEST, False, county=True),
]


class RecordingBot(Bot):
    """A OneBot V11 bot that records every API call (sends, withdrawals) and answers each one."""

    def __init__(self) -> None:
        super().__init__(nonebot.get_adapter(Adapter), SELF_ID)
        self.sent: dict[int, list[str]] = {}

    async def call_api(self, api: str, **data: Any) -> Any:
        message = data.get("message")
        if message is not None:
            text = message.extract_plain_text() if isinstance(message, Message) else str(message)
            self.sent.setdefault(_message_id(current_event.get()), []).append(text)
        return {"message_id": 1}


def _message_id(event: Event) -> int:
    return int(getattr(event, "message_id", 0))


def _docs() -> list[CommandDoc]:
    return [doc for section in sections() for doc in section.commands]


def _no_branch_refusal() -> str:
    """What the caller dependency says in private chat to someone without a branch."""
    nobody = Caller(ctx=ChatContext("onebot", GUEST_ID, SELF_ID, None, None), branch=None,
                    member=None, role=Role.GUEST)
    with pytest.raises(DomainError) as refused:
        nobody.branch_id  # noqa: B018
    return refused.value.reply


def _refusal(name: str, rule: Permission, role: Role, *, private: bool, member: bool,
             county: bool = False) -> str | None:
    """The permission layer's answer for this caller (None: the command is theirs to use)."""
    if rule.branch and private and not member:
        return _no_branch_refusal()
    try:
        rule.check(name, role, private=private, registered=member, county=county)
    except DomainError as error:
        return error.reply
    return None


def _refusals(name: str, rule: Permission) -> set[str]:
    """Every text the permission layer can answer this command with."""
    texts = {_no_branch_refusal(), BIND_HINT}
    for role in Role:
        for private in (False, True):
            for member in (False, True):
                for county in (False, True):
                    texts.add(_refusal(name, rule, role, private=private, member=member,
                                       county=county) or "")
    return texts - {""}


def test_every_command_has_one_doc_one_row_and_one_matcher():
    """CommandDoc entries, permission table rows and command matchers name the same commands."""
    names = [doc.name for doc in _docs()]
    assert len(names) == len(set(names))
    assert sorted(set(names)) == sorted(COMMANDS)
    assert sorted(set(_COMMANDS.values())) == sorted(COMMANDS)


async def _arrange(db: Any) -> None:
    """The group's branch with a member, a committee member and a secretary; another branch with
    its own secretary; a guest, county staff and the superuser have no record anywhere."""
    branch = await make_branch(db)
    other = await make_branch(db, "城关镇离退休干部第二党支部", group_id=OTHER_GROUP_ID)
    await make_member(db, branch, "张三", user_id=MEMBER_ID)
    await make_member(db, branch, "李委员", user_id=COMMITTEE_ID, role=Role.COMMITTEE)
    await make_member(db, branch, "王书记", user_id=SECRETARY_ID, role=Role.SECRETARY)
    await make_member(db, other, "赵书记", user_id=OTHER_SECRETARY_ID, role=Role.SECRETARY)
    db.add(CountyStaff(platform="onebot", user_id=COUNTY_ID, name="王科长", added_by=SUPERUSER_ID))
    await db.commit()


MENU_LINES = 15
"""One phone screen."""


def _titles(menu: str) -> list[str]:
    """The 功能 names the menu lists for “帮助 功能名” (between that line and the footer)."""
    lines = menu.splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith("更多功能")), len(lines))
    return [title for line in lines[start + 1:] if not line.startswith(("看命令", "其余"))
            for title in line.split("、")]


def _event(text: str, who: Who, private: bool) -> Event:
    if private:
        return private_message(text, user_id=who.user_id)
    return group_message(text, user_id=who.user_id)


@pytest.mark.parametrize("private", [False, True], ids=["group", "private"])
@pytest.mark.parametrize("who", CALLERS, ids=[w.label for w in CALLERS])
async def test_help_shows_exactly_what_is_allowed(app: App, chat_db, who: Who, private: bool):
    """Each published command is refused by the permission layer exactly when 帮助 leaves it out;
    a refusal is the table's own text."""
    await _arrange(chat_db)
    role = who.private_role if private else who.group_role
    member = who.private_member if private else who.group_member
    bot = RecordingBot()
    help_event = _event("帮助", who, private)
    events = {doc.name: _event(doc.name, who, private) for doc in _docs() if doc.name != "帮助"}
    async with app.test_matcher() as ctx:
        for event in (help_event, *events.values()):
            ctx.receive_event(bot, event)
    menu = bot.sent.get(_message_id(help_event), [])
    label = identity(role, county=who.county)
    assert len(menu) == 1 and menu[0].startswith(f"【可用命令】您的身份：{label}"), menu
    assert len(menu[0].splitlines()) <= MENU_LINES, menu[0]
    pages = [_event(f"帮助 {title}", who, private) for title in _titles(menu[0])]
    async with app.test_matcher() as ctx:
        for event in pages:
            ctx.receive_event(bot, event)
    shown = "\n".join([menu[0], *(text for e in pages for text in bot.sent.get(_message_id(e), []))])
    wrong: list[str] = []
    for doc in _docs():
        if doc.name == "帮助":
            continue  # the menu's footer, not a line: answered above
        listed = f"· {doc.example}　{doc.summary}" in shown
        sent = bot.sent.get(_message_id(events[doc.name]), [])
        refused = [text for text in sent if text in _refusals(doc.name, doc.permission)]
        expected = _refusal(doc.name, doc.permission, role, private=private, member=member,
                            county=who.county)
        if listed and refused:
            wrong.append(f"{doc.name}: listed in 帮助 but refused: {refused}")
        if not listed and sent != [expected]:
            wrong.append(f"{doc.name}: not in 帮助, expected the refusal {expected!r}, got {sent}")
    assert wrong == []
