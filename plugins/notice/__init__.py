"""Notices: 通知, 收到, 已传达, 通知情况, 通知列表, 通知提醒, 县通知, 县通知情况."""

from contextlib import suppress
from typing import Annotated

import nonebot
from nonebot.adapters import Bot, Event, Message
from nonebot.params import CommandArg, CommandWhitespace
from nonebot.plugin import PluginMetadata

from bot.chat import arg_text, quoted_id
from bot.commands import argument_rule, command
from bot.deps import Arg, Caller, CallerDep, SessionDep
from bot.media import download, image_urls
from bot.pipeline import AfterSend, Reply, handle
from bot.send import DeliveryError, find_bot, send_group
from core import timeutil
from core.errors import NotFound
from core.textparse import parse_id
from db.engine import session_factory
from db.models.notice import Notice
from domain import notices, reminder
from plugins.notice import parse
from plugins.notice import texts as t
from plugins.notice.config import Config

__plugin_meta__ = PluginMetadata(
    name="通知传达",
    description="通知发到群里，大家回复收到；没有QQ的电话、上门传达也登记；第二天提醒没收到的人",
    usage="通知 <内容>",
    type="application",
    homepage="https://github.com/yinling/yinling",
    config=Config,
    supported_adapters={"~onebot.v11", "~console"},
    extra={"commands": t.COMMANDS},
)

config = nonebot.get_plugin_config(Config)


async def _set_apart(arg: Annotated[Message, CommandArg()],
                     space: Annotated[str | None, CommandWhitespace()]) -> bool:
    # `通知大家明天…` in chat is not a notice: the text must be set apart by a space, a new line
    # or a colon (`通知：…`), or absent (then the example is shown).
    text = arg_text(arg)
    return not text or bool(space) or text[0] in ":："


async def _is_receipt(event: Event, arg: Annotated[Message, CommandArg()],
                      _space: Annotated[str | None, CommandWhitespace()]) -> bool:
    # `收到快递了` is not a receipt; anything after 收到 in a reply-quote is (the handler checks
    # that the quoted message is a notice).
    return quoted_id(event) is not None or parse.ack_words(arg_text(arg))[0]


post_cmd = command("通知", "发通知")
post_cmd.rule = post_cmd.rule & argument_rule(_set_apart)
ack_cmd = command("收到", "已收到", hot=True)
ack_cmd.rule = ack_cmd.rule & argument_rule(_is_receipt, event=True)
offline_cmd = command("已传达", "已通知")
status_cmd = command("通知情况", "传达情况")
list_cmd = command("通知列表", "最近通知", bare=True)
switch_cmd = command("通知提醒")
county_cmd = command("县通知")
county_status_cmd = command("县通知情况")


def _post_after(bot: Bot, notice: Notice, target: reminder.Target, images: list[bytes]
                ) -> AfterSend:
    """After the commit: post the notice to the group (as plain text: a CQ code typed in it stays
    text), then remember the message that posted it, so quoting it is a 收到."""
    async def post() -> None:
        with suppress(DeliveryError):  # committed; send_group has logged why it failed
            try:
                account = find_bot(target.self_id)  # the account that serves the group
            except DeliveryError:
                account = bot
            message_id = await send_group(account, target.group_id,
                                          notices.post_text(notice, images=len(images)), images=images)
            if message_id is not None and notice.id is not None:
                async with session_factory()() as db:
                    await notices.set_message(db, notice_id=notice.id, platform=target.platform,
                                              message_id=message_id)
                    await db.commit()
    return post


async def _images(arg: Message) -> list[bytes]:
    """The images sent with the notice, downloaded (capped) and checked before anything is written."""
    images = [await download(url, max_bytes=config.image_max_bytes, example=notices.EX_POST)
              for url in image_urls(arg)[:notices.ATTACHMENTS_MAX + 1]]
    notices.check_images(images, max_bytes=config.image_max_bytes)
    return images


@handle(post_cmd)
async def handle_post(bot: Bot, db: SessionDep, caller: CallerDep, arg: Arg) -> Reply:
    """Committee: a notice to the group, numbered, expecting every active member; follow-ups planned."""
    images = await _images(arg)
    target = await reminder.branch_target(db, caller.branch_id)
    if target is None:
        raise NotFound(t.no_group())
    author = notices.Author(caller.operator_name, caller.member.id if caller.member else None)
    notice = await notices.create_notice(db, branch_id=caller.branch_id, text=arg_text(arg),
                                         author=author)
    if images:
        await notices.attach(db, notice, images, root=config.media_root,
                             max_bytes=config.image_max_bytes)
    await notices.schedule(db, notice, plan=config.plan())
    _, expected = await notices.reach_counts(db, notice.id or 0)
    after = [_post_after(bot, notice, target, images)]
    private = caller.ctx.is_private or caller.ctx.group_id != target.group_id
    return Reply(t.posted_privately(notice, expected) if private else None, after=after)


@handle(ack_cmd)
async def handle_ack(event: Event, db: SessionDep, caller: CallerDep, arg: Arg) -> str | None:
    """A member: 收到 (the newest open notice not yet answered), 收到 #N, or a quoted notice."""
    receipt, number = parse.ack_words(arg_text(arg))
    quoted, notice = quoted_id(event), None
    if quoted is not None:
        notice = await notices.notice_by_message(db, branch_id=caller.branch_id,
                                                 platform=caller.ctx.platform, message_id=quoted)
        if notice is None and not receipt:
            return None  # a quote of another message, with other words: not about a notice
    ack = await notices.acknowledge(db, branch_id=caller.branch_id, member=caller.me,
                                    number=number, notice=notice, open_days=config.notice_open_days)
    return t.acknowledged(caller.me, ack)


@handle(offline_cmd)
async def handle_offline(db: SessionDep, caller: CallerDep, arg: Arg) -> str:
    """Committee: members reached by phone, at home or in person."""
    number, names, channel, note = parse.offline(arg_text(arg))
    result = await notices.record_offline(db, branch_id=caller.branch_id, number=number,
                                          refs=names, channel=channel, by=caller.member, note=note)
    return t.relayed(result)


def _number(arg: Message, example: str) -> int | None:
    text = arg_text(arg)
    return parse_id(text, "通知编号", example) if text else None


@handle(status_cmd)
async def handle_status(db: SessionDep, caller: CallerDep, arg: Arg) -> str:
    """Committee: who has been reached and how, who not yet."""
    notice = await notices.notice_by_number(db, branch_id=caller.branch_id,
                                            number=_number(arg, notices.EX_STATUS))
    return t.status(await notices.reach_of(db, notice, platform=caller.ctx.platform))


@handle(list_cmd)
async def handle_list(db: SessionDep, caller: CallerDep) -> str:
    """Anyone: the newest notices with how many they reached."""
    rows = []
    for notice in await notices.recent_notices(db, branch_id=caller.branch_id):
        reached, expected = await notices.reach_counts(db, notice.id or 0)
        rows.append((notice, reached, expected))
    return t.listing(rows)


@handle(switch_cmd)
async def handle_switch(db: SessionDep, caller: CallerDep, arg: Arg) -> str:
    """Secretary: follow-ups in the group (@) or to each member privately."""
    private = parse.private_or_group(arg_text(arg))
    await notices.choose_private(db, caller.branch_id, private)
    return t.switched(private)


def _sender(caller: Caller) -> str:
    if caller.county_staff is not None:
        return caller.county_staff.name or f"县级管理员{caller.ctx.user_id}"
    return caller.member.name if caller.member else f"管理员{caller.ctx.user_id}"


@handle(county_cmd)
async def handle_county(db: SessionDep, caller: CallerDep, arg: Arg) -> str:
    """County staff: one notice to every bound branch, posted by the reminder engine, paced."""
    area, text = await notices.split_area(db, arg_text(arg))
    posted = await notices.post_county_notice(db, text=text, sender=_sender(caller), area=area,
                                              plan=config.plan(), now=timeutil.now())
    return t.county_posted(posted.county, posted.branches, area)


@handle(county_status_cmd)
async def handle_county_status(db: SessionDep, caller: CallerDep, arg: Arg) -> str:
    """County staff: each branch's reach of a county notice (the caller: checked by the table)."""
    del caller
    number = parse_id(arg_text(arg), "县通知编号", notices.EX_COUNTY_STATUS)
    county, lines = await notices.county_reach(db, number)
    return t.county_status(county, lines)
