"""Suggestions (建言献策, 线上议事厅): 建议, 匿名建议, 我的建议, 建议列表, 查看建议, 回复/采纳/转交建议, 实名.

匿名建议 and 实名 are sealed in the permission table: in a group the message is withdrawn before
anything else and every answer, a refusal included, goes to the sender privately; no log line
carries their sender or words (bot/logprivacy.py).
"""

from collections.abc import Callable
from decimal import Decimal
from typing import Annotated

from nonebot import get_plugin_config
from nonebot.adapters import Bot, Event, Message
from nonebot.consts import PREFIX_KEY, RAW_CMD_KEY
from nonebot.matcher import Matcher
from nonebot.params import CommandArg
from nonebot.plugin import PluginMetadata
from nonebot.rule import Rule
from nonebot.typing import T_State

from bot.chat import arg_text
from bot.commands import CommandDoc, command
from bot.deps import Arg, CallerDep, SessionDep
from bot.logprivacy import hidden_recipient
from bot.pipeline import Reply, deliver, handle
from bot.send import DeliveryError, send_private
from core.textparse import normalize, parse_points, split_id
from domain import suggestion
from plugins.suggestion import parsing
from plugins.suggestion import texts as t
from plugins.suggestion.config import Config

__plugin_meta__ = PluginMetadata(
    name="建言献策",
    description="线上议事厅：提建议（可匿名）、书记答复、采纳加分、转交",
    usage=t.EX_SUBMIT,
    type="application",
    homepage="https://github.com/yinling/yinling",
    supported_adapters={"~onebot.v11", "~console"},
    config=Config,
    extra={"commands": [
        CommandDoc("建议", "提一条建议，书记答复后私信告诉您", t.EX_SUBMIT, "建议 <内容>"),
        CommandDoc("匿名建议", "匿名提建议，谁也看不到是谁提的（请私聊机器人发送）", t.EX_ANON, "匿名建议 <内容>"),
        CommandDoc("我的建议", "我提的建议、处理状态和答复", "我的建议"),
        CommandDoc("实名", "匿名建议被采纳后，实名领取积分", t.EX_CLAIM, "实名 #编号"),
        CommandDoc("查看建议", "建议全文和处理经过", t.EX_VIEW, "查看建议 #编号"),
        CommandDoc("建议列表", "本支部的建议，最新在前，可按状态筛选", t.EX_LIST, "建议列表 [待处理|已答复|已采纳|已转交]"),
        CommandDoc("回复建议", "答复一条建议，建议人私信收到", t.EX_REPLY, "回复建议 #编号 <答复>"),
        CommandDoc("采纳建议", "采纳并给建议人加分（不写分数按积分规则）", t.EX_ADOPT, "采纳建议 #编号 [积分]"),
        CommandDoc("转交建议", "把建议转交有关单位，并告知建议人", t.EX_FORWARD, "转交建议 #编号 <去向>"),
    ]},
)

config = get_plugin_config(Config)


async def _deliberate(event: Event, state: T_State) -> bool:
    # In a group, "建议大家早点到" is conversation: there the words must be set apart (建议 … / 建议：…).
    if getattr(event, "group_id", None) is None:
        return True
    raw = state[PREFIX_KEY][RAW_CMD_KEY]
    rest = event.get_plaintext().lstrip()[len(raw):]
    return raw.startswith("/") or not rest or rest[0] in " \t\n:：,，"


def _narrowed(matcher: type[Matcher], extra: Rule) -> type[Matcher]:
    # bot.commands.command() sets the rule itself; tighten it here rather than change its signature.
    matcher.rule = matcher.rule & extra
    return matcher


async def _tell(bot: Bot, recipient: suggestion.Recipient | None, text: str) -> bool:
    """Send privately; False when there is nobody to send to or the platform refused."""
    if recipient is None:
        return False
    try:
        with hidden_recipient(recipient.user_id if recipient.sealed else None):
            await send_private(bot, recipient.user_id, text)
    except DeliveryError:
        return False
    return True


def _tell_then_confirm(bot: Bot, recipient: suggestion.Recipient | None, notice: str,
                       confirm: Callable[[bool], str]) -> Reply:
    """After the commit: tell the author privately, then confirm to the secretary whether it reached them."""

    async def work() -> None:
        await deliver(confirm(await _tell(bot, recipient, notice)))

    return Reply(after=[work])


submit_cmd = _narrowed(command("建议"), Rule(_deliberate))


@handle(submit_cmd)
async def handle_submit(db: SessionDep, caller: CallerDep, arg: Arg) -> str:
    """A member's suggestion, stored as written."""
    stored = await suggestion.submit(
        db, member=caller.me, content=arg_text(arg), anonymous=False,
        platform=caller.ctx.platform, user_id=caller.ctx.user_id,
        max_length=config.suggestion_max_length, daily_limit=config.suggestion_daily_limit)
    return t.submitted(suggestion.id_of(stored), anonymous=False)


anon_cmd = command("匿名建议")


@handle(anon_cmd)
async def handle_anonymous(db: SessionDep, caller: CallerDep, arg: Arg) -> Reply:
    """Anonymous: in a group (message already withdrawn) the member is answered privately only."""
    stored = await suggestion.submit(
        db, member=caller.me, content=arg_text(arg), anonymous=True, platform=caller.ctx.platform,
        user_id=caller.ctx.user_id, max_length=config.suggestion_max_length,
        daily_limit=config.suggestion_daily_limit)
    suggestion_id = suggestion.id_of(stored)
    if caller.ctx.is_private:
        return Reply(t.submitted(suggestion_id, anonymous=True))
    return Reply(t.anon_from_group(suggestion_id, caller.withdrawn), private=True)


mine_cmd = command("我的建议", bare=True)


@handle(mine_cmd)
async def handle_mine(db: SessionDep, caller: CallerDep) -> str:
    """The member's suggestions; anonymous ones only in private chat."""
    private = caller.ctx.is_private
    items = await suggestion.mine(db, member=caller.me, limit=config.suggestion_list_size,
                                  include_anonymous=private)
    text = t.my_list(items, config.suggestion_list_size)
    return text if private else f"{text}\n{t.MINE_IN_GROUP}"


list_cmd = command("建议列表")


@handle(list_cmd)
async def handle_list(db: SessionDep, caller: CallerDep, arg: Arg) -> str:
    """Committee: the branch's suggestions, newest first, optionally one status."""
    word = normalize(arg.extract_plain_text())
    status = parsing.parse_status(word) if word else None
    items = await suggestion.list_for_branch(db, branch_id=caller.branch_id, status=status,
                                             limit=config.suggestion_list_size)
    total = await suggestion.count_for_branch(db, branch_id=caller.branch_id, status=status)
    return t.branch_list(items, total, status)


view_cmd = command("查看建议")


@handle(view_cmd)
async def handle_view(db: SessionDep, caller: CallerDep, arg: Arg) -> str:
    """Full text and history: the named author their own, committee any (the permission table)."""
    suggestion_id = parsing.parse_suggestion_id(arg.extract_plain_text(), t.EX_VIEW)
    view = await suggestion.view_for(db, branch_id=caller.branch_id, suggestion_id=suggestion_id,
                                     viewer=caller.member, role=caller.role)
    return t.detail(view)


reply_cmd = command("回复建议")


@handle(reply_cmd)
async def handle_reply(bot: Bot, db: SessionDep, caller: CallerDep, arg: Arg) -> Reply:
    """Secretary: answer; the author (anonymous too) hears it privately."""
    suggestion_id, text = parsing.split_id_raw(arg_text(arg), t.EX_REPLY)
    outcome = await suggestion.reply(
        db, branch_id=caller.branch_id, suggestion_id=suggestion_id, text=text,
        operator=caller.member, operator_name=caller.operator_name,
        max_length=config.suggestion_max_length)
    notice = t.notify_reply(outcome.suggestion, text, caller.operator_name)
    return _tell_then_confirm(bot, outcome.recipient, notice,
                              lambda delivered: t.replied(suggestion_id, delivered))


adopt_cmd = command("采纳建议")


@handle(adopt_cmd)
async def handle_adopt(bot: Bot, db: SessionDep, caller: CallerDep, arg: Arg) -> Reply:
    """Secretary: adopt; points to a named author now, an anonymous one is asked privately."""
    suggestion_id, rest = split_id(arg.extract_plain_text(), "建议编号", t.EX_ADOPT)
    amount = parse_points(rest, low=Decimal("0.5"), high=config.suggestion_max_points,
                          example=t.EX_ADOPT) if rest else None
    outcome = await suggestion.adopt(
        db, branch_id=caller.branch_id, suggestion_id=suggestion_id, points_given=amount,
        operator=caller.member, operator_name=caller.operator_name)
    view, awarded = outcome.suggestion, outcome.awarded is not None
    awarded_to = view.author_name if awarded else None
    return _tell_then_confirm(bot, outcome.recipient, t.notify_adopted(view, view.points, awarded),
                              lambda delivered: t.adopted(view, awarded_to, delivered))


forward_cmd = command("转交建议")


@handle(forward_cmd)
async def handle_forward(bot: Bot, db: SessionDep, caller: CallerDep, arg: Arg) -> Reply:
    """Secretary: note where it went; the author is told."""
    suggestion_id, to = parsing.split_id_raw(arg_text(arg), t.EX_FORWARD)
    outcome = await suggestion.forward(
        db, branch_id=caller.branch_id, suggestion_id=suggestion_id, to=to,
        operator=caller.member, operator_name=caller.operator_name)
    return _tell_then_confirm(bot, outcome.recipient, t.notify_forwarded(outcome.suggestion, to),
                              lambda delivered: t.forwarded(suggestion_id, to, delivered))


async def _id_or_nothing(arg: Annotated[Message, CommandArg()]) -> bool:
    # "实名制挺好" is conversation; only "实名", "实名 #3", "实名3号" are the command.
    # (A rule: the plain CommandArg, not Arg, whose length check needs a matcher.)
    text = arg.extract_plain_text().strip()
    return not text or parsing.LOOKS_LIKE_ID.fullmatch(normalize(text)) is not None


claim_cmd = _narrowed(command("实名"), Rule(_id_or_nothing))


@handle(claim_cmd)
async def handle_claim(db: SessionDep, caller: CallerDep, arg: Arg) -> Reply:
    """The anonymous author of an adopted suggestion takes its points under their name.

    In a group (message already withdrawn) the answer goes privately: "not adopted yet" versus
    "not yours" would tell the group who wrote #N.
    """
    suggestion_id = parsing.parse_suggestion_id(arg.extract_plain_text(), t.EX_CLAIM)
    entry = await suggestion.claim(db, member=caller.me, suggestion_id=suggestion_id)
    return Reply(t.claimed(suggestion_id, entry.delta), private=True)
