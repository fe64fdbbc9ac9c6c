"""Volunteer-service needs: 发布需求, 需求列表, 认领, 代认领, 取消认领, 我的认领, 修改名额, 取消需求, 完成需求, 缺勤."""

from collections.abc import Callable
from contextlib import suppress
from functools import partial
from typing import Annotated

from nonebot.adapters import Bot, Message
from nonebot.params import CommandArg, CommandWhitespace
from nonebot.plugin import PluginMetadata

from bot.chat import arg_text, parse_targets
from bot.commands import CommandDoc, argument_rule, command
from bot.deps import Arg, Caller, CallerDep, SessionDep
from bot.pipeline import AfterSend, Reply, handle
from bot.send import DeliveryError, send_group
from core import timeutil
from core.errors import InvalidInput
from core.textparse import split_id
from db.models import Member
from domain import volunteer
from domain.roster import resolve_member
from plugins.volunteer import texts as t
from plugins.volunteer.parse import parse_capacity, parse_hours, parse_need

FORM = ("发布需求", "标题：社区文明劝导", "时间：11月28日 9:00-11:00", "地点：枣行社区", "名额：5",
        "积分：2（或 每小时1分）", "适合：正常活动（或 适当参加、不限）", "说明：……")

__plugin_meta__ = PluginMetadata(
    name="志愿服务",
    description="发布志愿服务需求、按身体类别认领、候补递补、完成后记积分",
    usage="需求列表",
    type="application",
    homepage="https://github.com/yinling/yinling",
    supported_adapters={"~onebot.v11", "~console"},
    extra={"commands": [
        CommandDoc("需求列表", "开放的志愿服务需求（私聊时★为适合您的）", "需求列表"),
        CommandDoc("认领", "认领一项需求；满员时登记候补", t.EX_CLAIM, "认领 #编号", details=("也可写：认领3、认领 3号、认领三号",)),
        CommandDoc("取消认领", "开始前取消认领或候补，候补第一位自动递补", t.EX_UNCLAIM, "取消认领 #编号"),
        CommandDoc("我的认领", "我认领和候补的需求", "我的认领"),
        CommandDoc("发布需求", "发布志愿服务需求（可一行写完，也可分行填写）", t.EX_POST, "发布需求 <标题> <时间> <地点> <N人> [N分|每小时N分] [适合…]", details=("分行填写：\n" + "\n".join(FORM),)),
        CommandDoc("代认领", "为没有QQ的成员认领", t.EX_PROXY, "代认领 #编号 <姓名或@>"),
        CommandDoc("修改名额", "调整名额；减少时最后认领的人转为候补", t.EX_CAPACITY, "修改名额 #编号 <人数>"),
        CommandDoc("取消需求", "取消一项需求并通知认领的人", t.EX_CANCEL, "取消需求 #编号 [原因]"),
        CommandDoc("完成需求", "需求开始后确认完成，给参加的人记积分", t.EX_COMPLETE, "完成需求 #编号 [时长]"),
        CommandDoc("缺勤", "完成前登记没来的人，不计积分", t.EX_ABSENT, "缺勤 #编号 <姓名或@>"),
    ]},
)


async def _notice(bot: Bot, db: SessionDep, caller: Caller,
                  compose: Callable[[list[Member]], str], members: list[Member]) -> list[AfterSend]:
    """Work for after the reply: tell these members in the branch's group, @ing those with a chat
    account and naming the others (compose(unreached) builds the text). Read now, sent later."""
    if not members:
        return []
    platform = caller.ctx.platform
    group = caller.ctx.group_id or await volunteer.group_of(db, branch_id=caller.branch_id,
                                                            platform=platform)
    if group is None:
        return []
    accounts = await volunteer.accounts_of(db, members, platform=platform)
    text = compose([m for m in members if m.id not in accounts])
    mentions = [accounts[m.id] for m in members if m.id in accounts]

    async def send() -> None:
        with suppress(DeliveryError):  # the change is committed; send_group has logged the failure
            await send_group(bot, group, text, mentions)

    return [send]


def _need_id(arg: Message, example: str) -> tuple[int, str]:
    return split_id(arg_text(arg), "需求编号", example)


async def _id_and_member(db: SessionDep, caller: Caller, arg: Message,
                         example: str) -> tuple[int, Member]:
    """`#3 李四` or `#3 @李四` → (3, 李四's record in this branch)."""
    need_id, rest = _need_id(arg, example)
    message = type(arg)(type(arg).get_segment_class().text(rest))
    for segment in arg:
        if not segment.is_text():
            message.append(segment)
    targets, _ = parse_targets(message)
    if not targets:
        raise InvalidInput("请写上成员姓名或@这位成员。", example)
    member = await resolve_member(db, branch_id=caller.branch_id, platform=caller.ctx.platform,
                                  ref=targets[0], example=example)
    return need_id, member


post_cmd = command("发布需求")


@handle(post_cmd)
async def handle_post(db: SessionDep, caller: CallerDep, arg: Arg) -> str:
    """Committee: post a need, one line or the multi-line form."""
    draft = parse_need(arg.extract_plain_text(), timeutil.now())
    return t.posted(await volunteer.post_need(db, branch_id=caller.branch_id, draft=draft,
                                              created_by=caller.member))


list_cmd = command("需求列表", bare=True)


@handle(list_cmd)
async def handle_list(db: SessionDep, caller: CallerDep) -> str:
    """Anyone: open needs; privately, ★ marks those that suit the caller (in the group the stars
    would tell everyone the caller's health category, so they are left out there)."""
    member = caller.member if caller.ctx.is_private else None
    return t.need_list(await volunteer.open_needs(db, branch_id=caller.branch_id), member)


async def _names_a_need(arg: Annotated[Message, CommandArg()],
                        space: Annotated[str | None, CommandWhitespace()]) -> bool:
    # `认领的人多吗` is chat, not a claim: fire on `认领` alone, followed by a number, or set apart
    # by a space (`认领 abc` was meant as a command and gets an example). The raw argument: a rule
    # may not depend on the matcher, as the length-capped Arg does.
    text = arg_text(arg)
    if not text or space:
        return True
    try:
        split_id(text)
    except InvalidInput:
        return False
    return True


claim_cmd = command("认领")
claim_cmd.rule = claim_cmd.rule & argument_rule(_names_a_need)  # keeps the command-word check first


@handle(claim_cmd)
async def handle_claim(db: SessionDep, caller: CallerDep, arg: Arg) -> str:
    """Member: claim a place, or join the waitlist when full."""
    need_id, _ = _need_id(arg, t.EX_CLAIM)
    return t.claimed(await volunteer.claim_need(db, branch_id=caller.branch_id, need_id=need_id,
                                                member=caller.me))


proxy_cmd = command("代认领")


@handle(proxy_cmd)
async def handle_proxy(db: SessionDep, caller: CallerDep, arg: Arg) -> str:
    """Committee: claim for a member (usually one without a chat account)."""
    need_id, member = await _id_and_member(db, caller, arg, t.EX_PROXY)
    result = await volunteer.claim_need(db, branch_id=caller.branch_id, need_id=need_id,
                                        member=member, proxy=caller.member)
    return t.claimed(result, proxy=True)


unclaim_cmd = command("取消认领")


@handle(unclaim_cmd)
async def handle_unclaim(bot: Bot, db: SessionDep, caller: CallerDep, arg: Arg) -> Reply:
    """Member: give up a place (the first waitlisted moves up, @'d in the group) or a waitlist spot."""
    need_id, _ = _need_id(arg, t.EX_UNCLAIM)
    result = await volunteer.cancel_claim(db, branch_id=caller.branch_id, need_id=need_id,
                                          member=caller.me)
    return Reply(t.unclaimed(caller.me.name, result),
                 after=await _notice(bot, db, caller, partial(t.promoted, result), result.promoted))


mine_cmd = command("我的认领", bare=True)


@handle(mine_cmd)
async def handle_mine(db: SessionDep, caller: CallerDep) -> str:
    """Member: their places and waitlist spots."""
    return t.my_claims(caller.me.name, await volunteer.my_claims(db, member=caller.me))


capacity_cmd = command("修改名额")


@handle(capacity_cmd)
async def handle_capacity(bot: Bot, db: SessionDep, caller: CallerDep, arg: Arg) -> Reply:
    """Secretary: change the places; those moved to or from the waitlist are told in the group."""
    need_id, rest = _need_id(arg, t.EX_CAPACITY)
    result = await volunteer.set_capacity(db, branch_id=caller.branch_id, need_id=need_id,
                                          capacity=parse_capacity(rest, t.EX_CAPACITY))
    moved = result.promoted or [member for member, _ in result.demoted]  # never both
    return Reply(t.capacity_changed(result),
                 after=await _notice(bot, db, caller, partial(t.capacity_notice, result), moved))


cancel_cmd = command("取消需求")


@handle(cancel_cmd)
async def handle_cancel(bot: Bot, db: SessionDep, caller: CallerDep, arg: Arg) -> Reply:
    """Secretary: cancel a need; everyone who claimed or waited is told in the group."""
    need_id, reason = _need_id(arg, t.EX_CANCEL)
    people = await volunteer.cancel_need(db, branch_id=caller.branch_id, need_id=need_id,
                                         reason=reason[:200])
    return Reply(t.need_cancelled(people),
                 after=await _notice(bot, db, caller, partial(t.need_cancelled_notice, people),
                                     people.claimed + people.waiting))


complete_cmd = command("完成需求")


@handle(complete_cmd)
async def handle_complete(db: SessionDep, caller: CallerDep, arg: Arg) -> str:
    """Secretary: close a started need and award points to everyone who took part."""
    need_id, rest = _need_id(arg, t.EX_COMPLETE)
    hours = parse_hours(rest, t.EX_COMPLETE) if rest else None
    return t.completed(await volunteer.complete_need(
        db, branch_id=caller.branch_id, need_id=need_id, hours=hours, operator=caller.member,
        operator_name=caller.operator_name))


absent_cmd = command("缺勤")


@handle(absent_cmd)
async def handle_absent(bot: Bot, db: SessionDep, caller: CallerDep, arg: Arg) -> Reply:
    """Secretary: someone who claimed did not come; before the start their place moves on."""
    need_id, member = await _id_and_member(db, caller, arg, t.EX_ABSENT)
    result = await volunteer.mark_absent(db, branch_id=caller.branch_id, need_id=need_id,
                                         member=member)
    return Reply(t.absent(member.name, result),
                 after=await _notice(bot, db, caller, partial(t.promoted, result), result.promoted))
