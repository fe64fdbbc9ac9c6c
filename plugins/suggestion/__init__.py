"""Suggestions (建言献策, 线上议事厅): 建议, 匿名建议, 我的建议, 建议列表, 查看建议, 回复/采纳/转交建议, 实名."""

from decimal import Decimal

from nonebot import get_plugin_config, logger
from nonebot.adapters import Bot, Event
from nonebot.consts import PREFIX_KEY, RAW_CMD_KEY
from nonebot.matcher import Matcher
from nonebot.plugin import PluginMetadata
from nonebot.rule import Rule
from nonebot.typing import T_State

from bot.chat import ChatContext, arg_text, plain
from bot.commands import CommandDoc, command
from bot.deps import (
    Arg,
    Caller,
    CallerDep,
    Committee,
    Registered,
    Secretary,
    SessionDep,
    replies_errors,
)
from bot.send import DeliveryError, send_private
from core.errors import DomainError
from core.textparse import normalize, parse_points, split_id
from plugins.suggestion import parsing, privacy, service
from plugins.suggestion import texts as t
from plugins.suggestion.config import Config

__plugin_meta__ = PluginMetadata(
    name="建言献策",
    description="线上议事厅：提建议（可匿名）、书记答复、采纳加分、转交",
    usage=t.EX_SUBMIT,
    config=Config,
    extra={"commands": [
        CommandDoc("建议", "提一条建议，书记答复后私信告诉您", t.EX_SUBMIT, "建议 <内容>"),
        CommandDoc("匿名建议", "匿名提建议，谁也看不到是谁提的（请私聊机器人发送）", t.EX_ANON, "匿名建议 <内容>"),
        CommandDoc("我的建议", "我提的建议、处理状态和答复", "我的建议"),
        CommandDoc("实名", "匿名建议被采纳后，实名领取积分", t.EX_CLAIM, "实名 #编号"),
        CommandDoc("查看建议", "建议全文和处理经过", t.EX_VIEW, "查看建议 #编号"),
        CommandDoc("建议列表", "本支部的建议，最新在前，可按状态筛选", t.EX_LIST, "建议列表 [待处理|已答复|已采纳|已转交]"),
        CommandDoc("回复建议", "答复一条建议，建议人私信收到", t.EX_REPLY, "回复建议 #编号 <答复>", aliases=("答复建议",)),
        CommandDoc("采纳建议", "采纳并给建议人加分（不写分数按积分规则）", t.EX_ADOPT, "采纳建议 #编号 [积分]"),
        CommandDoc("转交建议", "把建议转交有关单位，并告知建议人", t.EX_FORWARD, "转交建议 #编号 <去向>"),
    ]},
)

config = get_plugin_config(Config)
privacy.install()


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


async def _tell(bot: Bot, recipient: service.Recipient | None, text: str) -> bool:
    """Send privately; False when there is nobody to send to or the platform refused."""
    if recipient is None:
        return False
    try:
        with privacy.sealed_send(recipient.user_id if recipient.sealed else None):
            await send_private(bot, recipient.user_id, text)
    except DeliveryError:
        return False
    return True


async def _withdraw(bot: Bot, ctx: ChatContext) -> bool:
    """Recall the member's group message (OneBot delete_msg; works when the bot is a group admin)."""
    if ctx.platform != "onebot" or ctx.message_id is None:
        return False
    try:
        await bot.call_api("delete_msg", message_id=int(ctx.message_id))
    except Exception as error:  # ActionFailed, network errors: the adapter has no common base
        logger.info(f"delete_msg of an anonymous suggestion refused: {error!r}")
        return False
    return True


submit_cmd = _narrowed(command("建议", "提建议"), Rule(_deliberate))


@submit_cmd.handle()
@replies_errors
async def handle_submit(event: Event, session: SessionDep, caller: Registered, arg: Arg) -> None:
    """A member's suggestion, stored as written."""
    suggestion = await service.submit(
        session, member=caller.me, content=arg_text(arg), anonymous=False,
        platform=caller.ctx.platform, user_id=caller.ctx.user_id,
        max_length=config.suggestion_max_length, daily_limit=config.suggestion_daily_limit)
    await session.commit()
    await submit_cmd.finish(plain(event, t.submitted(suggestion.id, anonymous=False)))  # type: ignore[arg-type]


anon_cmd = command("匿名建议")


async def _submit_anonymous(session: SessionDep, caller: Caller, content: str) -> int:
    caller.branch_id  # noqa: B018  (NotRegistered first: in private chat, 报到 in the group)
    suggestion = await service.submit(
        session, member=caller.me, content=content, anonymous=True, platform=caller.ctx.platform,
        user_id=caller.ctx.user_id, max_length=config.suggestion_max_length,
        daily_limit=config.suggestion_daily_limit)
    await session.commit()
    return suggestion.id  # type: ignore[return-value]


@anon_cmd.handle()
@replies_errors
async def handle_anonymous(bot: Bot, event: Event, session: SessionDep, caller: CallerDep,
                           arg: Arg) -> None:
    """Anonymous: in a group the message is withdrawn and the member answered privately only.

    CallerDep, not Registered: its refusal (报到 first) would be said in the group, next to the
    message, so even a refusal goes privately here.
    """
    if caller.ctx.is_private:
        suggestion_id = await _submit_anonymous(session, caller, arg_text(arg))
        await anon_cmd.finish(plain(event, t.submitted(suggestion_id, anonymous=True)))
    suggestion_id, refusal = None, ""
    try:
        suggestion_id = await _submit_anonymous(session, caller, arg_text(arg))
    except DomainError as error:
        await session.rollback()  # no lock held while the platform is called
        refusal = error.reply
    withdrawn = await _withdraw(bot, caller.ctx)  # refused or not: the message shows who wrote it
    me = service.Recipient(caller.ctx.platform, caller.ctx.user_id, sealed=True)
    await _tell(bot, me, refusal or t.anon_from_group(suggestion_id or 0, withdrawn))
    await anon_cmd.finish()  # nothing in the group: a reply there would point at the author


mine_cmd = command("我的建议", bare=True)


@mine_cmd.handle()
async def handle_mine(event: Event, session: SessionDep, caller: Registered) -> None:
    """The member's suggestions; anonymous ones only in private chat."""
    private = caller.ctx.is_private
    items = await service.mine(session, caller.me, config.suggestion_list_size,
                               include_anonymous=private)
    text = t.my_list(items, config.suggestion_list_size)
    await session.commit()  # end the read before sending: on SQLite it holds the write lock
    await mine_cmd.finish(plain(event, text if private else text + "\n（匿名建议只在私聊中显示）"))


list_cmd = command("建议列表")


@list_cmd.handle()
@replies_errors
async def handle_list(event: Event, session: SessionDep, caller: Committee, arg: Arg) -> None:
    """Committee: the branch's suggestions, newest first, optionally one status."""
    word = normalize(arg.extract_plain_text())
    status = parsing.parse_status(word) if word else None
    items = await service.list_for_branch(session, caller.branch_id, status=status,
                                          limit=config.suggestion_list_size)
    total = await service.count_for_branch(session, caller.branch_id, status)
    await session.commit()  # end the read before sending (see handle_mine)
    await list_cmd.finish(plain(event, t.branch_list(items, total, status)))


view_cmd = command("查看建议")


@view_cmd.handle()
@replies_errors
async def handle_view(event: Event, session: SessionDep, caller: Registered, arg: Arg) -> None:
    """Committee (or the named author): full text and history."""
    suggestion_id = parsing.parse_suggestion_id(arg.extract_plain_text(), t.EX_VIEW)
    view = await service.view_for(session, branch_id=caller.branch_id, suggestion_id=suggestion_id,
                                  viewer=caller.member, role=caller.role)
    await session.commit()  # end the read before sending (see handle_mine)
    await view_cmd.finish(plain(event, t.detail(view)))


reply_cmd = command("回复建议", "答复建议")


@reply_cmd.handle()
@replies_errors
async def handle_reply(bot: Bot, event: Event, session: SessionDep, caller: Secretary,
                       arg: Arg) -> None:
    """Secretary: answer; the author (anonymous too) hears it privately."""
    suggestion_id, text = parsing.split_id_raw(arg_text(arg), t.EX_REPLY)
    outcome = await service.reply(
        session, branch_id=caller.branch_id, suggestion_id=suggestion_id, text=text,
        operator=caller.member, operator_name=caller.operator_name,
        max_length=config.suggestion_max_length)
    await session.commit()
    delivered = await _tell(bot, outcome.recipient,
                            t.notify_reply(outcome.suggestion, text, caller.operator_name))
    await reply_cmd.finish(plain(event, t.replied(suggestion_id, delivered)))


adopt_cmd = command("采纳建议")


@adopt_cmd.handle()
@replies_errors
async def handle_adopt(bot: Bot, event: Event, session: SessionDep, caller: Secretary,
                       arg: Arg) -> None:
    """Secretary: adopt; points to a named author now, an anonymous one is asked privately."""
    suggestion_id, rest = split_id(arg.extract_plain_text(), "建议编号", t.EX_ADOPT)
    amount = parse_points(rest, low=Decimal("0.5"), high=config.suggestion_max_points,
                          example=t.EX_ADOPT) if rest else None
    outcome = await service.adopt(
        session, branch_id=caller.branch_id, suggestion_id=suggestion_id, points_given=amount,
        operator=caller.member, operator_name=caller.operator_name)
    await session.commit()
    view = outcome.suggestion
    delivered = await _tell(bot, outcome.recipient,
                            t.notify_adopted(view, view.points, outcome.awarded is not None))
    awarded_to = view.author_name if outcome.awarded is not None else None
    await adopt_cmd.finish(plain(event, t.adopted(view, awarded_to, delivered)))


forward_cmd = command("转交建议")


@forward_cmd.handle()
@replies_errors
async def handle_forward(bot: Bot, event: Event, session: SessionDep, caller: Secretary,
                         arg: Arg) -> None:
    """Secretary: note where it went; the author is told."""
    suggestion_id, to = parsing.split_id_raw(arg_text(arg), t.EX_FORWARD)
    outcome = await service.forward(
        session, branch_id=caller.branch_id, suggestion_id=suggestion_id, to=to,
        operator=caller.member, operator_name=caller.operator_name)
    await session.commit()
    delivered = await _tell(bot, outcome.recipient, t.notify_forwarded(outcome.suggestion, to))
    await forward_cmd.finish(plain(event, t.forwarded(suggestion_id, to, delivered)))


async def _id_or_nothing(arg: Arg) -> bool:
    # "实名制挺好" is conversation; only "实名", "实名 #3", "实名3号" are the command.
    text = arg.extract_plain_text().strip()
    return not text or parsing.LOOKS_LIKE_ID.fullmatch(normalize(text)) is not None


claim_cmd = _narrowed(command("实名"), Rule(_id_or_nothing))


async def _claim(session: SessionDep, caller: Caller, suggestion_id: int) -> str:
    """The answer to 实名 #N, refusals included, after its one commit (or rollback)."""
    try:
        entry = await service.claim(session, member=caller.me, suggestion_id=suggestion_id)
    except DomainError as error:
        await session.rollback()
        return error.reply
    await session.commit()
    return t.claimed(suggestion_id, entry.delta)


@claim_cmd.handle()
@replies_errors
async def handle_claim(bot: Bot, event: Event, session: SessionDep, caller: Registered,
                       arg: Arg) -> None:
    """The anonymous author of an adopted suggestion takes its points under their name.

    In a group the answer goes privately: "not adopted yet" versus "not yours" would tell the group
    who wrote #N.
    """
    suggestion_id = parsing.parse_suggestion_id(arg.extract_plain_text(), t.EX_CLAIM)
    answer = await _claim(session, caller, suggestion_id)
    if caller.ctx.is_private:
        await claim_cmd.finish(plain(event, answer))
    await _withdraw(bot, caller.ctx)
    await _tell(bot, service.Recipient(caller.ctx.platform, caller.ctx.user_id, sealed=True), answer)
    await claim_cmd.finish()
